// destroy: everything sagezero created for the configured endpoints, scaling first, then the endpoint,
// then its configs and models. Anything without this project's ownership tag is refused, not touched.
import { scalableResourceId, type Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { describeOwner, isOwned } from '../ownership.js';
import { removeScaling } from '../scaling/apply.js';
import { observeScaling, type ScalingObserved } from '../scaling/observe.js';
import { ownedContent } from './owned-content.js';
import { planRealtimeDestroy, removeRealtimeComponents } from './realtime/destroy.js';
import type { ResourceChange } from './types.js';
import { waitForSettled, type WaitOptions } from './wait.js';

export interface DestroyTarget {
  endpoint: string;
  resourceId: string;
  changes: ResourceChange[];
  refused?: string;
  endpointExists: boolean;
  scaling?: ScalingObserved;
  configs: string[];
  models: string[];
  /** A `kind: realtime` endpoint's components, deleted before it (src/provision/realtime/destroy.ts). */
  realtime?: { components: { name: string; scaling: ScalingObserved }[] };
}

export async function planDestroy(cloud: Cloud, config: Config, only?: string): Promise<DestroyTarget[]> {
  const out: DestroyTarget[] = [];
  for (const e of config.endpoints.filter((x) => !only || x.name === only)) {
    const resourceId = scalableResourceId(e.name, e.variantName);
    const ep = await cloud.getEndpoint(e.name);
    const base = { endpoint: e.name, resourceId, endpointExists: !!ep, configs: [], models: [] };
    if (ep && !isOwned(ep.tags, config.project, e.name)) {
      out.push({
        ...base,
        changes: [],
        refused: `refusing to destroy endpoint ${e.name}: ${describeOwner(ep.tags)}, not to sagezero project "${config.project}". sagezero deletes only what it created.`,
      });
      continue;
    }
    const scaling = ep ? await observeScaling(cloud, e.name, resourceId) : undefined;
    const { configs, models } = await ownedContent(cloud, config.project, e.name);
    // An adopted endpoint's config and model keep their own names (provision/adopt.ts), outside the prefix.
    const current = ep ? await cloud.getEndpointConfig(ep.configName) : undefined;
    if (current && !configs.includes(current.name) && isOwned(current.tags, config.project, e.name))
      configs.push(current.name);
    const model = current?.modelName ? await cloud.getModel(current.modelName) : undefined;
    if (model && !models.includes(model.name) && isOwned(model.tags, config.project, e.name))
      models.push(model.name);
    const del = (kind: ResourceChange['kind'], name: string): ResourceChange => ({
      kind,
      name,
      action: 'delete',
      reason: 'destroy',
      fields: [],
    });
    const changes: ResourceChange[] = [
      ...(scaling?.scheduledActions ?? []).map((s) => del('scheduled-action', s.name)),
      ...(scaling?.alarms ?? []).map((a) => del('alarm', a.name)),
      ...(scaling?.policies ?? []).map((p) => del('scaling-policy', p.policyName)),
      ...(scaling?.target ? [del('scalable-target', resourceId)] : []),
      ...(ep ? [del('endpoint', e.name)] : []),
      ...configs.map((n) => del('endpoint-config', n)),
      ...models.map((n) => del('model', n)),
    ];
    out.push({ ...base, changes, scaling, configs, models });
  }
  out.push(...(await planRealtimeDestroy(cloud, config, only)));
  return out;
}

export async function executeDestroy(ctx: WaitOptions, target: DestroyTarget): Promise<void> {
  const { cloud } = ctx;
  if (target.refused) throw new Error(target.refused);
  if (target.realtime) await removeRealtimeComponents(ctx, target.realtime);
  else if (target.scaling) await removeScaling(cloud, target.resourceId, target.scaling, ctx.progress);
  if (target.endpointExists) {
    const ep = await cloud.getEndpoint(target.endpoint);
    if (ep && ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'].includes(ep.status)) {
      // SageMaker refuses to delete an endpoint mid-change.
      await waitForSettled(target.endpoint, ctx).catch(() => undefined);
    }
    if (ep) {
      await cloud.deleteEndpoint(target.endpoint);
      ctx.progress(`deleting endpoint ${target.endpoint}`);
      await waitForSettled(target.endpoint, ctx, 'gone');
    }
  }
  for (const name of target.configs) {
    await cloud.deleteEndpointConfig(name);
    ctx.progress(`deleted endpoint config ${name}`);
  }
  for (const name of target.models) {
    await cloud.deleteModel(name);
    ctx.progress(`deleted model ${name}`);
  }
}
