// A component's `model:` block -> image, artifacts and environment: as written, or from the JumpStart
// specs for the endpoint's instance type, through the same resolveModelBlock as async endpoints.
import type { Cloud } from '../../cloud/types.js';
import type { ComponentConfig, Config, RealtimeEndpointConfig } from '../../config/load.js';
import { explicitModelBlock, type ResolvedModel } from '../desired.js';
import type { JumpStartSpecCache } from '../jumpstart/index.js';
import { resolveModelBlock } from '../resolve-model.js';

export type ComponentModelResolver = (
  endpoint: RealtimeEndpointConfig,
  component: ComponentConfig,
) => Promise<ResolvedModel>;

export function explicitComponentModel(component: ComponentConfig): ResolvedModel | undefined {
  return explicitModelBlock(component.model);
}

export function componentModelResolver(
  cloud: Cloud,
  config: Config,
  cache?: JumpStartSpecCache,
): ComponentModelResolver {
  return (endpoint, component) =>
    resolveModelBlock(
      cloud,
      config,
      component.model,
      endpoint.instanceType,
      `component ${component.componentName}`,
      cache,
    );
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
