// Turns an endpoint's `model:` block into a concrete image / artifacts / environment: as written, or
// resolved from the JumpStart specs of the region (cached in the store when one is given).
import type { Cloud } from '../cloud/types.js';
import type { Config, EndpointConfig } from '../config/load.js';
import { explicitModelBlock, type ResolvedModel } from './desired.js';
import { resolveJumpStartModel, type JumpStartSpecCache } from './jumpstart/index.js';
import type { ModelResolver } from './plan.js';

export function modelResolver(cloud: Cloud, config: Config, cache?: JumpStartSpecCache): ModelResolver {
  return (endpoint: EndpointConfig): Promise<ResolvedModel> =>
    resolveModelBlock(
      cloud,
      config,
      endpoint.model,
      endpoint.instanceType,
      `endpoint ${endpoint.name}`,
      cache,
    );
}

/**
 * One `model:` block (an async endpoint's, or a real-time component's) on `instanceType`: as written,
 * or from the JumpStart specs with the block's own environment over the spec's.
 */
export async function resolveModelBlock(
  cloud: Cloud,
  config: Config,
  model: EndpointConfig['model'],
  instanceType: string,
  owner: string,
  cache?: JumpStartSpecCache,
): Promise<ResolvedModel> {
  const explicit = explicitModelBlock(model);
  if (explicit) return explicit;
  const js = model.jumpstart;
  if (!js) throw new Error(`internal: ${owner} has neither model.image nor model.jumpstart`);
  const resolved = await resolveJumpStartModel(
    cloud,
    {
      modelId: js.modelId,
      version: js.version,
      region: config.region,
      instanceType,
      bucket: config.jumpstart.bucket,
    },
    cache,
  );
  return { ...resolved, environment: { ...resolved.environment, ...(model.environment ?? {}) } };
}
