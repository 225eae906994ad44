// Every resource sagezero creates carries these tags, and every destructive operation checks them:
// sagezero never deletes or rewrites something it did not create for this config's project.
import type { Tags } from './cloud/types.js';

export const TAG_MANAGED_BY = 'sagezero:managed-by';
export const TAG_PROJECT = 'sagezero:project';
export const TAG_ENDPOINT = 'sagezero:endpoint';

export function ownerTags(project: string, endpoint: string): Tags {
  return { [TAG_MANAGED_BY]: 'sagezero', [TAG_PROJECT]: project, [TAG_ENDPOINT]: endpoint };
}

/** True when `tags` say the resource belongs to this project's endpoint. */
export function isOwned(tags: Tags | undefined, project: string, endpoint?: string): boolean {
  if (!tags || tags[TAG_MANAGED_BY] !== 'sagezero' || tags[TAG_PROJECT] !== project) return false;
  return endpoint === undefined || tags[TAG_ENDPOINT] === endpoint;
}

export function describeOwner(tags: Tags | undefined): string {
  if (!tags || tags[TAG_MANAGED_BY] !== 'sagezero') return 'it has no sagezero ownership tag';
  return `it belongs to sagezero project "${tags[TAG_PROJECT] ?? '?'}"`;
}
