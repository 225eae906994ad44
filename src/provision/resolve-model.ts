// Turns an endpoint's `model:` block into a concrete image / artifacts / environment: as written, or
// resolved from the JumpStart specs of the region (cached in the store when one is given).
import type { Cloud } from '../cloud/types.js';
import type { Config, EndpointConfig } from '../config/load.js';
import { explicitModel, type ResolvedModel } from './desired.js';
import { resolveJumpStartModel, type JumpStartSpecCache } from './jumpstart/index.js';
import type { ModelResolver } from './plan.js';

export function modelResolver(cloud: Cloud, config: Config, cache?: JumpStartSpecCache): ModelResolver {
  return async (endpoint: EndpointConfig): Promise<ResolvedModel> => {
    const explicit = explicitModel(endpoint);
    if (explicit) return explicit;
    const js = endpoint.model.jumpstart;
    if (!js)
      throw new Error(`internal: endpoint ${endpoint.name} has neither model.image nor model.jumpstart`);
    const resolved = await resolveJumpStartModel(
      cloud,
      {
        modelId: js.modelId,
        version: js.version,
        region: config.region,
        instanceType: endpoint.instanceType,
        bucket: config.jumpstart.bucket,
      },
      cache,
    );
    return { ...resolved, environment: { ...resolved.environment, ...(endpoint.model.environment ?? {}) } };
  };
}
