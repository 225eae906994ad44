// A component's `model:` block -> image, artifacts and environment: as written, or from the JumpStart
// specs for the endpoint's instance type (as resolve-model.ts does for async endpoints).
import type { Cloud } from '../../cloud/types.js';
import type { ComponentConfig, Config, RealtimeEndpointConfig } from '../../config/load.js';
import type { ResolvedModel } from '../desired.js';
import { resolveJumpStartModel, type JumpStartSpecCache } from '../jumpstart/index.js';

export type ComponentModelResolver = (
  endpoint: RealtimeEndpointConfig,
  component: ComponentConfig,
) => Promise<ResolvedModel>;

export function explicitComponentModel(component: ComponentConfig): ResolvedModel | undefined {
  const m = component.model;
  if (!m.image) return undefined;
  return {
    image: m.image,
    modelDataUrl: m.modelDataUrl,
    modelDataCompressed: m.modelDataUrl === undefined ? undefined : !m.modelDataUrl.endsWith('/'),
    environment: m.environment ?? {},
  };
}

export function componentModelResolver(
  cloud: Cloud,
  config: Config,
  cache?: JumpStartSpecCache,
): ComponentModelResolver {
  return async (endpoint, component) => {
    const explicit = explicitComponentModel(component);
    if (explicit) return explicit;
    const js = component.model.jumpstart;
    if (!js)
      throw new Error(
        `internal: component ${component.componentName} has neither model.image nor model.jumpstart`,
      );
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
    return { ...resolved, environment: { ...resolved.environment, ...(component.model.environment ?? {}) } };
  };
}

/** Every component's model, by component name (config order). */
export async function resolveComponentModels(
  endpoint: RealtimeEndpointConfig,
  resolve: ComponentModelResolver,
): Promise<Map<string, ResolvedModel>> {
  const out = new Map<string, ResolvedModel>();
  for (const c of endpoint.components) out.set(c.name, await resolve(endpoint, c));
  return out;
}
