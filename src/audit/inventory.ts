// Every endpoint of the region as the control plane describes it: kind, instances, ownership and
// scaling. Read-only: Describe/List calls only.
import {
  CloudError,
  componentResourceId,
  isAsyncConfig,
  scalableResourceId,
  type Cloud,
  type EndpointConfigState,
  type EndpointSummary,
  type ScalingActivity,
} from '../cloud/types.js';
import { TAG_MANAGED_BY } from '../ownership.js';
import { combineComponentScaling, summarizeScaling } from './scaling.js';
import type { EndpointKind, InventoryEntry, ScalingSummary } from './types.js';
import { mapLimited } from '../map-limited.js';

/** Endpoints described at once: each costs a handful of calls, and SageMaker throttles bursts. */
const CONCURRENCY = 4;

export async function readInventory(
  cloud: Cloud,
  activitiesSince: number,
  onEndpoint?: (done: number, total: number) => void,
): Promise<InventoryEntry[]> {
  const summaries = await cloud.listEndpoints();
  let done = 0;
  const entries = await mapLimited(summaries, CONCURRENCY, async (s) => {
    const entry = await describeOne(cloud, s, activitiesSince);
    onEndpoint?.(++done, summaries.length);
    return entry;
  });
  return entries.filter((e): e is InventoryEntry => e !== undefined);
}

async function describeOne(
  cloud: Cloud,
  summary: EndpointSummary,
  activitiesSince: number,
): Promise<InventoryEntry | undefined> {
  const ep = await cloud.getEndpoint(summary.name);
  // Deleted between the listing and now: nothing left to audit.
  if (!ep) return undefined;
  const notes: string[] = [];
  const config = await cloud.getEndpointConfig(ep.configName);
  const variantName = config?.variantName ?? ep.variants[0]?.variantName ?? 'AllTraffic';
  const variant = ep.variants.find((v) => v.variantName === variantName) ?? ep.variants[0];
  if (!config)
    notes.push(`its endpoint config ${ep.configName} no longer exists: instance type and kind unknown`);
  const kind = kindOf(config);
  const resourceId = scalableResourceId(ep.name, variantName);

  let scaling: ScalingSummary;
  let activities: ScalingActivity[] = [];
  if (kind === 'realtime-components' && config && !isAsyncConfig(config)) {
    scaling = await componentScaling(cloud, ep.name, config.managedScaling?.minInstanceCount, notes);
  } else {
    const target = await cloud.getScalableTarget(resourceId);
    const policies = target ? await cloud.listScalingPolicies(resourceId) : [];
    scaling = summarizeScaling(kind, target, policies);
    if (target) activities = await cloud.listScalingActivities(resourceId, activitiesSince);
  }
  return {
    name: ep.name,
    status: ep.status,
    kind,
    managedBySagezero: ep.tags[TAG_MANAGED_BY] === 'sagezero',
    variantName,
    instanceType: config?.instanceType || variant?.instanceType || 'unknown',
    instanceCount: variant?.currentInstanceCount ?? 0,
    initialInstanceCount: config?.initialInstanceCount ?? variant?.currentInstanceCount ?? 0,
    createdAt: ep.createdAt,
    concurrency:
      config && isAsyncConfig(config) ? (config.async.maxConcurrentInvocationsPerInstance ?? 1) : 1,
    scaling,
    activities,
    activitiesSince,
    notes,
  };
}

export function kindOf(config: EndpointConfigState | undefined): EndpointKind {
  if (!config) return 'realtime';
  if (isAsyncConfig(config)) return 'async';
  return config.modelName ? 'realtime' : 'realtime-components';
}

async function componentScaling(
  cloud: Cloud,
  endpoint: string,
  managedMin: number | undefined,
  notes: string[],
): Promise<ScalingSummary> {
  let components;
  try {
    components = await cloud.listInferenceComponents(endpoint);
  } catch (e) {
    if (!(e instanceof CloudError) || e.code !== 'NotSupported') throw e;
    notes.push(`its inference components could not be read (${e.message})`);
    return combineComponentScaling(managedMin, []);
  }
  const per = [];
  for (const c of components) {
    const id = componentResourceId(c.name);
    const target = await cloud.getScalableTarget(id);
    const policies = target ? await cloud.listScalingPolicies(id) : [];
    per.push({ name: c.name, summary: summarizeScaling('realtime-components', target, policies) });
  }
  return combineComponentScaling(managedMin, per);
}
