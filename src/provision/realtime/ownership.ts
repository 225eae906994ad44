// When a real-time endpoint config or inference component found under the name sagezero wants may be
// used as sagezero's own: the same rule as ownership-check.ts for async resources (this project's and
// endpoint's tags, and for a content-addressed config, the content its name is the hash of).
import type {
  EndpointConfigState,
  InferenceComponentState,
  RealtimeEndpointConfigSpec,
} from '../../cloud/types.js';
import { isAsyncConfig } from '../../cloud/types.js';
import { diffFields } from '../diff.js';
import { notOwnedReason } from '../ownership-check.js';

/** The fields a real-time endpoint config's content-addressed name is a hash of (see desired.ts). */
export const REALTIME_CONFIG_CONTENT_FIELDS = [
  'variantName',
  'instanceType',
  'initialInstanceCount',
  'executionRoleArn',
  'managedScaling',
  'routingStrategy',
] as const satisfies readonly (keyof RealtimeEndpointConfigSpec)[];

export function realtimeConfigConflict(
  existing: EndpointConfigState,
  desired: RealtimeEndpointConfigSpec,
): string | undefined {
  const notOwned = notOwnedReason(existing.tags, desired.tags);
  if (notOwned) return notOwned;
  if (isAsyncConfig(existing)) return contentReason(['kind']);
  // A classic real-time variant names a model; ours never does.
  const fields = diffFields(desired, existing, [...REALTIME_CONFIG_CONTENT_FIELDS, 'modelName']);
  return contentReason(fields.map((f) => f.field));
}

/** Why an existing component of the desired name is not this endpoint's to manage, or undefined. */
export function componentConflict(
  existing: InferenceComponentState,
  wanted: { endpointName: string; tags: Record<string, string> },
): string | undefined {
  return (
    notOwnedReason(existing.tags, wanted.tags) ??
    (existing.endpointName !== wanted.endpointName
      ? `it has this endpoint's ownership tags but runs on endpoint ${existing.endpointName}`
      : undefined)
  );
}

function contentReason(fields: string[]): string | undefined {
  if (fields.length === 0) return undefined;
  return `it has this endpoint's ownership tags and a different ${fields.join(', ')} from the content its name is the hash of (changed outside sagezero, or a hash collision)`;
}
