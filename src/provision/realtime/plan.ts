// Observe what the cloud has for each `kind: realtime` endpoint and compare it with the config.
// Read-only. Lines come in the order apply acts: models, endpoint config, endpoint, components,
// then each component's scaling, then deletions.
import type { Cloud, InferenceComponentState } from '../../cloud/types.js';
import type { Config, RealtimeEndpointConfig } from '../../config/load.js';
import { describeOwner, isOwned, ownerTags } from '../../ownership.js';
import { emptyScalingObserved } from '../../scaling/observe.js';
import { planScaling } from '../../scaling/plan.js';
import { buildComponentScaling, observeComponentScaling } from '../../scaling/realtime.js';
import { diffFields, type FieldChange } from '../diff.js';
import { ownedContent } from '../owned-content.js';
import { modelConflict } from '../ownership-check.js';
import type { ScalingResourceSet } from '../../scaling/build.js';
import type { ResourceChange } from '../types.js';
import { desiredRealtime, INITIAL_COPY_COUNT, type DesiredRealtime } from './desired.js';
import { componentConflict, realtimeConfigConflict } from './ownership.js';
import { resolveComponentModels, type ComponentModelResolver } from './resolve.js';
import type { ComponentObserved, RealtimeEndpointPlan, RealtimeObserved } from './types.js';

const BUSY_ENDPOINT = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);
const BUSY_COMPONENT = new Set(['Creating', 'Updating', 'Deleting']);

/** What UpdateInferenceComponent changes in place. */
const COMPONENT_FIELDS = ['modelName', 'acceleratorsPerCopy', 'memoryMbPerCopy', 'cpuCoresPerCopy'] as const;

export async function planRealtime(
  cloud: Cloud,
  config: Config,
  resolve: ComponentModelResolver,
  only?: string,
): Promise<RealtimeEndpointPlan[]> {
  const out: RealtimeEndpointPlan[] = [];
  for (const endpoint of config.realtimeEndpoints.filter((e) => !only || e.name === only)) {
    const desired = desiredRealtime(
      endpoint,
      await resolveComponentModels(endpoint, resolve),
      config.project,
    );
    out.push(await planRealtimeEndpoint(cloud, config.project, endpoint, desired));
  }
  return out;
}

export async function planRealtimeEndpoint(
  cloud: Cloud,
  project: string,
  endpoint: RealtimeEndpointConfig,
  desired: DesiredRealtime,
): Promise<RealtimeEndpointPlan> {
  const owner = ownerTags(project, endpoint.name);
  const scaling = desired.components.map((c) => buildComponentScaling(c.config, owner));
  const observed = await observe(cloud, project, endpoint, desired);
  const warnings = observed.foreignComponents.map(
    (n) =>
      `${endpoint.name}: inference component ${n} on this endpoint is not sagezero's; sagezero leaves it alone (and destroy will refuse the endpoint while it is there).`,
  );
  const base = { kind: 'realtime' as const, endpoint: endpoint.name, desired, scaling, observed, warnings };
  const ep = observed.endpoint;
  if (ep && !isOwned(ep.tags, project, endpoint.name)) {
    return {
      ...base,
      changes: [],
      refused: `endpoint ${endpoint.name} exists but was not created by sagezero for project "${project}" (${describeOwner(ep.tags)}); sagezero will not change or delete it. Rename the endpoint in the config, or set project to the owner's.`,
    };
  }
  const conflict = conflicts(desired, observed);
  if (conflict) return { ...base, changes: [], refused: conflict };
  const changes = [...hostingChanges(desired, observed), ...componentChanges(observed)];
  observed.components.forEach((c, i) => {
    const set = scaling[i];
    if (set) changes.push(...planScaling(set, c.scaling).map((ch) => describeCreate(ch, set)));
  });
  changes.push(...deletions(observed));
  const busyComponent = observed.components.find((c) => c.state && BUSY_COMPONENT.has(c.state.status));
  const busy =
    ep && BUSY_ENDPOINT.has(ep.status)
      ? `endpoint ${endpoint.name} is ${ep.status}; apply waits for it to settle`
      : busyComponent?.state
        ? `inference component ${busyComponent.state.name} is ${busyComponent.state.status}; apply waits for it to settle`
        : undefined;
  return { ...base, changes, busy };
}

async function observe(
  cloud: Cloud,
  project: string,
  endpoint: RealtimeEndpointConfig,
  desired: DesiredRealtime,
): Promise<RealtimeObserved> {
  const ep = await cloud.getEndpoint(endpoint.name);
  const currentConfig = ep ? await cloud.getEndpointConfig(ep.configName) : undefined;
  const desiredConfig =
    currentConfig?.name === desired.config.name
      ? currentConfig
      : await cloud.getEndpointConfig(desired.config.name);
  const components: ComponentObserved[] = [];
  for (const d of desired.components) {
    const state = await cloud.getInferenceComponent(d.spec.name);
    const model = await cloud.getModel(d.model.name);
    const scaling = state ? await observeComponentScaling(cloud, d.spec.name) : emptyScalingObserved();
    components.push({ desired: d, state, model, scaling });
  }
  const wanted = new Set(desired.components.map((c) => c.spec.name));
  const removedComponents = [];
  const foreignComponents: string[] = [];
  for (const s of ep ? await cloud.listInferenceComponents(endpoint.name) : []) {
    if (wanted.has(s.name)) continue;
    const state = await cloud.getInferenceComponent(s.name);
    if (state && isOwned(state.tags, project, endpoint.name))
      removedComponents.push({ name: s.name, scaling: await observeComponentScaling(cloud, s.name) });
    else foreignComponents.push(s.name);
  }
  const inUse = new Set([desired.config.name, ...desired.components.map((c) => c.model.name)]);
  const { configs: staleConfigs, models: staleModels } = await ownedContent(
    cloud,
    project,
    endpoint.name,
    inUse,
  );
  return {
    endpoint: ep,
    currentConfig,
    desiredConfig,
    components,
    removedComponents,
    foreignComponents,
    staleConfigs,
    staleModels,
  };
}

/** Resources under the names sagezero needs that are not provably its own: the endpoint is refused. */
function conflicts(desired: DesiredRealtime, o: RealtimeObserved): string | undefined {
  const found: { what: string; why: string | undefined }[] = [];
  if (o.desiredConfig)
    found.push({
      what: `endpoint config ${desired.config.name} (the content-addressed name this config needs)`,
      why: realtimeConfigConflict(o.desiredConfig, desired.config),
    });
  for (const c of o.components) {
    if (c.model)
      found.push({
        what: `model ${c.desired.model.name} (the content-addressed name this config needs)`,
        why: modelConflict(c.model, c.desired.model),
      });
    if (c.state)
      found.push({
        what: `inference component ${c.state.name}`,
        why: componentConflict(c.state, { endpointName: desired.endpointName, tags: c.desired.spec.tags }),
      });
  }
  const bad = found.filter((f) => f.why !== undefined);
  if (bad.length === 0) return undefined;
  const them = bad.length > 1 ? 'them' : 'it';
  return `${bad.map((b) => `${b.what} exists, but ${b.why}`).join('; ')}. sagezero will not use, change or delete ${them}: delete or rename ${them}, or rename the endpoint or component in the config.`;
}

function hostingChanges(desired: DesiredRealtime, o: RealtimeObserved): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const c of o.components) {
    if (!c.model)
      changes.push({
        kind: 'model',
        name: c.desired.model.name,
        action: 'create',
        reason: `model of component ${c.desired.config.name}; no model with this content exists`,
        fields: [],
      });
  }
  if (!o.desiredConfig) {
    const current = o.currentConfig;
    const fields: FieldChange[] = !current
      ? []
      : current.kind !== 'realtime'
        ? [{ field: 'kind', expected: 'realtime', actual: 'async' }]
        : diffFields(desired.config, current, [
            'instanceType',
            'initialInstanceCount',
            'executionRoleArn',
            'managedScaling',
            'routingStrategy',
          ]);
    changes.push({
      kind: 'endpoint-config',
      name: desired.config.name,
      action: current ? 'replace' : 'create',
      ...(current ? { replaces: current.name } : {}),
      reason: current
        ? 'endpoint configs are immutable: a changed config gets a new name and the endpoint moves to it'
        : 'variant without a model, managed instance scaling ' +
          `${desired.config.managedScaling?.minInstanceCount ?? 0}-${desired.config.managedScaling?.maxInstanceCount ?? 0} instances`,
      fields,
    });
  }
  const ep = o.endpoint;
  if (!ep) {
    changes.push({
      kind: 'endpoint',
      name: desired.endpointName,
      action: 'create',
      reason: 'the endpoint does not exist',
      fields: [],
    });
  } else if (ep.status === 'Failed') {
    changes.push({
      kind: 'endpoint',
      name: ep.name,
      action: 'replace',
      reason: `the endpoint is Failed (${ep.failureReason ?? 'no reason given'}); its components are deleted, then it is deleted and created again`,
      fields: [{ field: 'status', expected: 'InService', actual: 'Failed' }],
    });
  } else if (ep.configName !== desired.config.name) {
    changes.push({
      kind: 'endpoint',
      name: ep.name,
      action: 'update',
      reason: 'moves to the new endpoint config (UpdateEndpoint)',
      fields: [{ field: 'endpointConfigName', expected: desired.config.name, actual: ep.configName }],
    });
  }
  return changes;
}

function componentChanges(o: RealtimeObserved): ResourceChange[] {
  const failed = o.endpoint?.status === 'Failed';
  return o.components.flatMap((c): ResourceChange[] => {
    const spec = c.desired.spec;
    if (!c.state || failed)
      return [
        {
          kind: 'inference-component',
          name: spec.name,
          action: 'create',
          reason: `model ${spec.modelName}, ${spec.acceleratorsPerCopy} accelerator(s) and ${spec.memoryMbPerCopy} MB per copy; created with ${INITIAL_COPY_COUNT} copy (AWS refuses 0), the scaling policy takes it to 0`,
          fields: [],
        },
      ];
    if (c.state.status === 'Failed')
      return [
        {
          kind: 'inference-component',
          name: spec.name,
          action: 'replace',
          reason: `the component is Failed (${c.state.failureReason ?? 'no reason given'}); it is deleted and created again`,
          fields: [{ field: 'status', expected: 'InService', actual: 'Failed' }],
        },
      ];
    const fields = componentDiff(spec, c.state);
    if (fields.length === 0) return [];
    return [
      {
        kind: 'inference-component',
        name: spec.name,
        action: 'update',
        reason: 'UpdateInferenceComponent in place (differs from the config: the config changed, or drift)',
        fields,
        drift: true,
      },
    ];
  });
}

function componentDiff(
  spec: DesiredRealtime['components'][number]['spec'],
  state: InferenceComponentState,
): FieldChange[] {
  return diffFields(spec, state, COMPONENT_FIELDS);
}

function deletions(o: RealtimeObserved): ResourceChange[] {
  const del = (kind: ResourceChange['kind'], name: string, reason: string): ResourceChange => ({
    kind,
    name,
    action: 'delete',
    reason,
    fields: [],
  });
  const out: ResourceChange[] = [];
  for (const r of o.removedComponents) {
    out.push(...r.scaling.alarms.map((a) => del('alarm', a.name, `of removed component ${r.name}`)));
    out.push(
      ...r.scaling.policies.map((p) => del('scaling-policy', p.policyName, `of removed component ${r.name}`)),
    );
    if (r.scaling.target)
      out.push(del('scalable-target', r.scaling.target.resourceId, `of removed component ${r.name}`));
    out.push(del('inference-component', r.name, 'no longer in the config'));
  }
  for (const n of o.staleConfigs)
    out.push(
      del(
        'endpoint-config',
        n,
        n === o.currentConfig?.name
          ? 'replaced; deleted once the endpoint is InService on the new one'
          : 'left over from an earlier run; not in use',
      ),
    );
  for (const n of o.staleModels)
    out.push(del('model', n, 'not used by any component of the config; deleted after the components move'));
  return out;
}

/** The config's warnings about these realtime endpoints, and what their plans add. */
export function realtimePlanWarnings(config: Config, plans: readonly RealtimeEndpointPlan[]): string[] {
  return plans.flatMap((p) => [
    ...config.warnings.filter((w) => w.startsWith(`${p.endpoint}/`)),
    ...p.warnings,
  ]);
}

/** A created scaling resource's line says what it does, not only that it is missing. */
function describeCreate(ch: ResourceChange, set: ScalingResourceSet): ResourceChange {
  if (ch.action !== 'create') return ch;
  if (ch.kind === 'scalable-target')
    return {
      ...ch,
      reason: `sagemaker:inference-component:DesiredCopyCount, min ${set.target.minCapacity}, max ${set.target.maxCapacity} copies`,
    };
  const policy = set.policies.find((p) => p.policyName === ch.name);
  if (ch.kind === 'scaling-policy' && policy?.type === 'TargetTracking')
    return {
      ...ch,
      reason: `target tracking: ${policy.metricName} at ${policy.targetValue}, cooldowns out ${policy.scaleOutCooldownSeconds} s / in ${policy.scaleInCooldownSeconds} s`,
    };
  if (ch.kind === 'scaling-policy' && policy?.type === 'StepScaling')
    return { ...ch, reason: `wake: +1 copy (ChangeInCapacity), cooldown ${policy.cooldownSeconds} s` };
  const alarm = set.alarms.find((a) => a.spec.name === ch.name);
  if (ch.kind === 'alarm' && alarm?.spec.metric) {
    const m = alarm.spec.metric;
    return {
      ...ch,
      reason: `${m.metricName} ${m.statistic} over ${m.periodSeconds} s >= ${alarm.spec.threshold}, ${alarm.spec.datapointsToAlarm} of ${alarm.spec.evaluationPeriods} -> ${alarm.actionPolicyName}`,
    };
  }
  return ch;
}
