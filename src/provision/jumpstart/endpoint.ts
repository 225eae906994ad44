// The JumpStart lookup for one configured endpoint: region and bucket from the config, instance type
// from the endpoint, and the endpoint's own model.environment merged over the spec's defaults.
import type { Cloud } from '../../cloud/types.js';
import type { Config, EndpointConfig } from '../../config/load.js';
import type { JumpStartSpecCache } from './cache.js';
import { mergeEnvironment } from './environment.js';
import { resolveJumpStartModel, type ResolvedModel } from './resolve.js';

/** undefined when the endpoint does not use JumpStart (it sets model.image instead). */
export async function resolveEndpointJumpStart(
  cloud: Pick<Cloud, 'getObject'>,
  config: Pick<Config, 'region' | 'jumpstart'>,
  endpoint: Pick<EndpointConfig, 'model' | 'instanceType'>,
  cache?: JumpStartSpecCache,
): Promise<ResolvedModel | undefined> {
  const js = endpoint.model.jumpstart;
  if (!js) return undefined;
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
  return { ...resolved, environment: mergeEnvironment(resolved.environment, endpoint.model.environment) };
}
