// Whether a model or endpoint config found under the content-addressed name sagezero wants may be used
// as sagezero's own. plan asks before it counts such a resource as done, and apply asks again when a
// create is answered "already exists" (a lost answer on a retry, or a rerun). Both must give the same
// answer, so both come here.
//
// A resource is usable only when it carries this project's and this endpoint's ownership tags AND has
// the content its name stands for. The name is a hash of the content, so a same-named resource with our
// tags but other content was made outside sagezero (tampering, a hand-made copy) or is a hash collision:
// either way it is not what the config asks for, and sagezero neither uses nor replaces it (replacing
// would mean deleting something it cannot prove it made). The person decides.
import {
  isAsyncConfig,
  type AsyncEndpointConfigSpec,
  type EndpointConfigState,
  type ModelSpec,
  type ModelState,
  type Tags,
} from '../cloud/types.js';
import { isOwned, TAG_ENDPOINT, TAG_MANAGED_BY, TAG_PROJECT } from '../ownership.js';
import { diffFields } from './diff.js';

/** The fields a model's content-addressed name is a hash of (see desired.ts). */
export const MODEL_CONTENT_FIELDS = [
  'image',
  'modelDataUrl',
  'modelDataCompressed',
  'environment',
  'executionRoleArn',
] as const satisfies readonly (keyof ModelSpec)[];

/** The fields an endpoint config's content-addressed name is a hash of (see desired.ts). */
export const CONFIG_CONTENT_FIELDS = [
  'modelName',
  'variantName',
  'instanceType',
  'initialInstanceCount',
  'async',
] as const satisfies readonly (keyof AsyncEndpointConfigSpec)[];

/**
 * Why tags `existing` do not make a resource the one `wanted` (the desired resource's tags, which carry
 * the project and endpoint) asks for, or undefined when they do.
 */
export function notOwnedReason(existing: Tags, wanted: Tags): string | undefined {
  const project = wanted[TAG_PROJECT];
  const endpoint = wanted[TAG_ENDPOINT];
  // Without ownership tags to compare with, nothing can be proven ours.
  if (wanted[TAG_MANAGED_BY] !== 'sagezero' || project === undefined || endpoint === undefined)
    return 'the desired resource carries no sagezero ownership tags to compare with';
  if (isOwned(existing, project, endpoint)) return undefined;
  if (existing[TAG_MANAGED_BY] !== 'sagezero') return 'it has no sagezero ownership tag';
  if (existing[TAG_PROJECT] !== project)
    return `it belongs to sagezero project "${existing[TAG_PROJECT] ?? '?'}", not "${project}"`;
  return `it belongs to endpoint "${existing[TAG_ENDPOINT] ?? '?'}" of project "${project}", not "${endpoint}"`;
}

/** Why an existing model named `desired.name` cannot be used for `desired`, or undefined when it can. */
export function modelConflict(existing: ModelState, desired: ModelSpec): string | undefined {
  return (
    notOwnedReason(existing.tags, desired.tags) ??
    contentReason(
      diffFields(modelContent(desired), modelContent(existing), MODEL_CONTENT_FIELDS).map((f) => f.field),
    )
  );
}

/**
 * A model's content in one form: compression is the default for model data, and clouds read it back
 * absent (AWS's ModelDataUrl) where sagezero's spec says `true`.
 */
function modelContent(m: ModelSpec): ModelSpec {
  return {
    ...m,
    modelDataCompressed: m.modelDataUrl === undefined ? undefined : m.modelDataCompressed !== false,
  };
}

/** Why an existing endpoint config named `desired.name` cannot be used, or undefined when it can. */
export function endpointConfigConflict(
  existing: EndpointConfigState,
  desired: AsyncEndpointConfigSpec,
): string | undefined {
  return (
    notOwnedReason(existing.tags, desired.tags) ??
    (isAsyncConfig(existing)
      ? contentReason(diffFields(desired, existing, CONFIG_CONTENT_FIELDS).map((f) => f.field))
      : contentReason(['kind']))
  );
}

function contentReason(fields: string[]): string | undefined {
  if (fields.length === 0) return undefined;
  return `it has this endpoint's ownership tags and a different ${fields.join(', ')} from the content its name is the hash of (changed outside sagezero, or a hash collision)`;
}
