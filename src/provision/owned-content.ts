// The endpoint configs and models under an endpoint's content-addressed prefix that carry its
// ownership tags: what plan lists as stale and destroy deletes. Anything else under the prefix is
// somebody else's and is left alone.
import type { Cloud } from '../cloud/types.js';
import { isOwned } from '../ownership.js';
import { contentPrefix } from './naming.js';

export interface OwnedContent {
  configs: string[];
  models: string[];
}

/** Owned configs and models of `endpoint`, except the names in `skip` (those in use are not read). */
export async function ownedContent(
  cloud: Cloud,
  project: string,
  endpoint: string,
  skip: ReadonlySet<string | undefined> = new Set(),
): Promise<OwnedContent> {
  const prefix = contentPrefix(endpoint);
  const configs: string[] = [];
  for (const name of await cloud.listEndpointConfigs(prefix)) {
    if (skip.has(name)) continue;
    const c = await cloud.getEndpointConfig(name);
    if (c && isOwned(c.tags, project, endpoint)) configs.push(name);
  }
  const models: string[] = [];
  for (const name of await cloud.listModels(prefix)) {
    if (skip.has(name)) continue;
    const m = await cloud.getModel(name);
    if (m && isOwned(m.tags, project, endpoint)) models.push(name);
  }
  return { configs, models };
}
