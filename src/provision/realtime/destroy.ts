// destroy for a `kind: realtime` endpoint: each component's scaling, then the components (waiting
// until they are gone: AWS deletes an endpoint only once it hosts none), then the endpoint, its
// configs and its models. One component without this project's ownership tags refuses the whole
// endpoint: sagezero could not delete the endpoint without deleting what it did not create.
import { componentResourceId, type Cloud } from '../../cloud/types.js';
import type { Config, RealtimeEndpointConfig } from '../../config/load.js';
import { describeOwner, isOwned } from '../../ownership.js';
import { removeScaling } from '../../scaling/apply.js';
import { observeComponentScaling } from '../../scaling/realtime.js';
import type { DestroyTarget } from '../destroy.js';
import { ownedContent } from '../owned-content.js';
import type { ResourceChange } from '../types.js';
import type { WaitOptions } from '../wait.js';
import { deleteComponent } from './apply.js';

export async function planRealtimeDestroy(
  cloud: Cloud,
  config: Config,
  only?: string,
): Promise<DestroyTarget[]> {
  const out: DestroyTarget[] = [];
  for (const e of config.realtimeEndpoints.filter((x) => !only || x.name === only))
    out.push(await planOne(cloud, config.project, e));
  return out;
}

async function planOne(cloud: Cloud, project: string, e: RealtimeEndpointConfig): Promise<DestroyTarget> {
  const ep = await cloud.getEndpoint(e.name);
  const base = {
    endpoint: e.name,
    resourceId: '',
    endpointExists: !!ep,
    configs: [] as string[],
    models: [] as string[],
  };
  if (ep && !isOwned(ep.tags, project, e.name)) {
    return {
      ...base,
      changes: [],
      refused: `refusing to destroy endpoint ${e.name}: ${describeOwner(ep.tags)}, not to sagezero project "${project}". sagezero deletes only what it created.`,
    };
  }
  // Components on the endpoint, and the configured ones wherever they are (a half-finished apply).
  const names = new Set([
    ...(ep ? (await cloud.listInferenceComponents(e.name)).map((c) => c.name) : []),
    ...e.components.map((c) => c.componentName),
  ]);
  const components: NonNullable<DestroyTarget['realtime']>['components'] = [];
  for (const name of names) {
    const c = await cloud.getInferenceComponent(name);
    if (!c) continue;
    if (!isOwned(c.tags, project, e.name)) {
      return {
        ...base,
        changes: [],
        refused: `refusing to destroy endpoint ${e.name}: its inference component ${name} is not sagezero project "${project}"'s (${describeOwner(c.tags)}); sagezero deletes only what it created, and AWS deletes an endpoint only once it hosts no components. Delete the component yourself, or set project to the owner's.`,
      };
    }
    components.push({ name, scaling: await observeComponentScaling(cloud, name) });
  }
  const { configs, models } = await ownedContent(cloud, project, e.name);
  const del = (kind: ResourceChange['kind'], name: string): ResourceChange => ({
    kind,
    name,
    action: 'delete',
    reason: 'destroy',
    fields: [],
  });
  const changes: ResourceChange[] = [
    ...components.flatMap((c) => [
      ...c.scaling.alarms.map((a) => del('alarm', a.name)),
      ...c.scaling.policies.map((p) => del('scaling-policy', p.policyName)),
      ...(c.scaling.target ? [del('scalable-target', c.scaling.target.resourceId)] : []),
      del('inference-component', c.name),
    ]),
    ...(ep ? [del('endpoint', e.name)] : []),
    ...configs.map((n) => del('endpoint-config', n)),
    ...models.map((n) => del('model', n)),
  ];
  return { ...base, changes, configs, models, realtime: { components } };
}

/**
 * Takes down a real-time endpoint's components, each after its scaling: AWS deletes an endpoint
 * only once no component is left on it. executeDestroy then removes the endpoint and its content.
 */
export async function removeRealtimeComponents(
  ctx: WaitOptions,
  realtime: NonNullable<DestroyTarget['realtime']>,
): Promise<void> {
  for (const c of realtime.components) {
    await removeScaling(ctx.cloud, componentResourceId(c.name), c.scaling, ctx.progress);
    await deleteComponent(ctx, c.name);
  }
}
