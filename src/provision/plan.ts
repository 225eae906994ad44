// Observe what the cloud has for each configured endpoint and compare it with the config.
// Read-only: planning never changes anything.
import { isAsyncConfig, scalableResourceId, type Cloud } from '../cloud/types.js';
import type { Config, EndpointConfig } from '../config/load.js';
import { describeOwner, isOwned, ownerTags } from '../ownership.js';
import { endpointBoot, wakeCooldownWarning, type EndpointBoot } from '../scaling/boot.js';
import { buildScalingResources } from '../scaling/build.js';
import { emptyScalingObserved, observeScaling } from '../scaling/observe.js';
import { planScaling } from '../scaling/plan.js';
import { keepAdoptedNames } from './adopt.js';
import { desiredEndpoint, type DesiredEndpoint, type ResolvedModel } from './desired.js';
import { diffFields } from './diff.js';
import { ownedContent } from './owned-content.js';
import { endpointConfigConflict, modelConflict } from './ownership-check.js';
import { planRealtime, realtimePlanWarnings } from './realtime/plan.js';
import { componentModelResolver, type ComponentModelResolver } from './realtime/resolve.js';
import type { EndpointObserved, EndpointPlan, Plan, ResourceChange } from './types.js';

export type ModelResolver = (endpoint: EndpointConfig) => Promise<ResolvedModel>;

const BUSY = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

export interface PlanOptions {
  /**
   * The endpoint's boot, for the warning about a wake cooldown that does not cover it: measured cold
   * starts from the store when the caller has one; default: the config's prior.
   */
  boot?: (endpoint: EndpointConfig) => Promise<EndpointBoot>;
  /** How `kind: realtime` components' models resolve; default: as written, or from JumpStart. */
  componentModel?: ComponentModelResolver;
}

export async function buildPlan(
  cloud: Cloud,
  config: Config,
  resolveModel: ModelResolver,
  only?: string,
  options: PlanOptions = {},
): Promise<Plan> {
  const wanted = await desiredEndpoints(cloud, config, resolveModel, only);
  const plans: EndpointPlan[] = [];
  for (const { endpoint, desired } of wanted)
    plans.push(await planEndpoint(cloud, config.project, endpoint, desired));
  const warnings = await planWarnings(
    config,
    wanted.map((w) => w.endpoint),
    plans,
    options,
  );
  const realtime = await planRealtime(
    cloud,
    config,
    options.componentModel ?? componentModelResolver(cloud, config),
    only,
  );
  warnings.push(...realtimePlanWarnings(config, realtime));
  return {
    project: config.project,
    cloud: cloud.kind,
    region: cloud.region,
    endpoints: plans,
    ...(realtime.length > 0 ? { realtime } : {}),
    warnings,
  };
}

export interface EndpointDesired {
  endpoint: EndpointConfig;
  desired: DesiredEndpoint;
}

/** What the config asks for, endpoint by endpoint: no call but the account id (and cached JumpStart specs). */
export async function desiredEndpoints(
  cloud: Cloud,
  config: Config,
  resolveModel: ModelResolver,
  only?: string,
  /** Known already (it cannot change under a running process): no call. */
  knownAccountId?: string,
): Promise<EndpointDesired[]> {
  const accountId = knownAccountId ?? (await cloud.accountId());
  const out: EndpointDesired[] = [];
  for (const endpoint of config.endpoints.filter((e) => !only || e.name === only)) {
    const model = await resolveModel(endpoint);
    const desired = desiredEndpoint(endpoint, model, {
      project: config.project,
      region: config.region,
      accountId,
    });
    out.push({ endpoint, desired });
  }
  return out;
}

/** The config's warnings about these endpoints, and what their plans add (a wake cooldown, foreign policies). */
export async function planWarnings(
  config: Config,
  endpoints: readonly EndpointConfig[],
  plans: readonly EndpointPlan[],
  options: PlanOptions = {},
): Promise<string[]> {
  const warnings = config.warnings.filter((w) => endpoints.some((e) => w.startsWith(`${e.name}:`)));
  // Warnings only: the cooldown is derived from the config, so measurements never change what apply does.
  const boot = options.boot ?? ((e: EndpointConfig) => endpointBoot(e));
  for (const e of endpoints) {
    const w = await wakeCooldownWarning(e, () => boot(e));
    if (w) warnings.push(w);
  }
  for (const p of plans) {
    // With preset: none sagezero has no policies of its own there to fight with.
    if (p.observed.scaling.foreignPolicies.length > 0 && !p.scaling.unmanaged) {
      warnings.push(
        `${p.endpoint}: the scalable target also has policies sagezero did not create (${p.observed.scaling.foreignPolicies.join(', ')}); they may fight with sagezero's. sagezero leaves them alone.`,
      );
    }
  }
  return warnings;
}

export async function planEndpoint(
  cloud: Cloud,
  project: string,
  endpoint: EndpointConfig,
  wanted: DesiredEndpoint,
): Promise<EndpointPlan> {
  const scaling = buildScalingResources(endpoint, ownerTags(project, endpoint.name));
  const { observed, desired } = await observeEndpoint(cloud, project, endpoint, wanted);
  const base = { endpoint: endpoint.name, desired, scaling, observed };
  const ep = observed.endpoint;
  if (ep && !isOwned(ep.tags, project, endpoint.name)) {
    return {
      ...base,
      changes: [],
      refused: `endpoint ${endpoint.name} exists but was not created by sagezero for project "${project}" (${describeOwner(ep.tags)}); sagezero will not change or delete it. Rename the endpoint in the config, or set project to the owner's.`,
    };
  }
  const conflict = hostingConflict(desired, observed);
  if (conflict) return { ...base, changes: [], refused: conflict };
  const changes: ResourceChange[] = [...hostingChanges(project, desired, observed)];
  changes.push(...planScaling(scaling, observed.scaling));
  const busy =
    ep && BUSY.has(ep.status)
      ? `endpoint ${endpoint.name} is ${ep.status}; apply waits for it to settle`
      : undefined;
  return { ...base, changes, busy };
}

async function observeEndpoint(
  cloud: Cloud,
  project: string,
  endpoint: EndpointConfig,
  wanted: DesiredEndpoint,
): Promise<{ observed: EndpointObserved; desired: DesiredEndpoint }> {
  const ep = await cloud.getEndpoint(endpoint.name);
  const currentConfig = ep ? await cloud.getEndpointConfig(ep.configName) : undefined;
  const currentModel = currentConfig?.modelName ? await cloud.getModel(currentConfig.modelName) : undefined;
  // An adopted endpoint's model and config keep their names while their content is the desired one.
  const desired = keepAdoptedNames(wanted, currentModel, currentConfig);
  const desiredConfig =
    currentConfig?.name === desired.config.name
      ? currentConfig
      : await cloud.getEndpointConfig(desired.config.name);
  const desiredModel =
    currentModel?.name === desired.model.name ? currentModel : await cloud.getModel(desired.model.name);
  const inUse = new Set([currentConfig?.name, currentModel?.name, desired.config.name, desired.model.name]);
  const { configs: staleConfigs, models: staleModels } = await ownedContent(
    cloud,
    project,
    endpoint.name,
    inUse,
  );
  const scaling = ep
    ? await observeScaling(cloud, endpoint.name, scalableResourceId(endpoint.name, endpoint.variantName))
    : emptyScalingObserved();
  const observed = {
    endpoint: ep,
    currentConfig,
    currentModel,
    desiredConfig,
    desiredModel,
    desiredConfigExists: desiredConfig !== undefined,
    desiredModelExists: desiredModel !== undefined,
    staleModels,
    staleConfigs,
    scaling,
  };
  return { observed, desired };
}

/**
 * A model or endpoint config already under the content-addressed name the config needs is used as is
 * only when it is this project's and endpoint's and has that content (see ownership-check.ts);
 * otherwise the endpoint is refused, as an endpoint of the same name that is not sagezero's is, and
 * nothing is changed. Says why, naming each resource, or undefined when there is no conflict.
 */
function hostingConflict(desired: DesiredEndpoint, o: EndpointObserved): string | undefined {
  const found = [
    o.desiredModel && {
      what: `model ${desired.model.name}`,
      why: modelConflict(o.desiredModel, desired.model),
    },
    o.desiredConfig && {
      what: `endpoint config ${desired.config.name}`,
      why: endpointConfigConflict(o.desiredConfig, desired.config),
    },
  ].filter((c): c is { what: string; why: string } => !!c && c.why !== undefined);
  if (found.length === 0) return undefined;
  const list = found.map(
    (c) => `${c.what} (the content-addressed name this config needs) exists, but ${c.why}`,
  );
  return `${list.join('; ')}. sagezero will not use, change or delete ${found.length > 1 ? 'them' : 'it'}: delete or rename ${found.length > 1 ? 'them' : 'it'}, or rename the endpoint in the config.`;
}

function hostingChanges(project: string, desired: DesiredEndpoint, o: EndpointObserved): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const ep = o.endpoint;
  if (!o.desiredModelExists) {
    const fields = o.currentModel
      ? diffFields(desired.model, o.currentModel, [
          'image',
          'modelDataUrl',
          'modelDataCompressed',
          'environment',
          'executionRoleArn',
        ])
      : [];
    changes.push(
      o.currentModel
        ? {
            kind: 'model',
            name: desired.model.name,
            action: 'replace',
            replaces: o.currentModel.name,
            reason: 'models are immutable: a changed model gets a new name',
            fields,
          }
        : {
            kind: 'model',
            name: desired.model.name,
            action: 'create',
            reason: 'no model with this content exists',
            fields: [],
          },
    );
  }
  if (!o.desiredConfigExists) {
    const current = o.currentConfig;
    const fields = !current
      ? []
      : !isAsyncConfig(current)
        ? [{ field: 'kind', expected: 'async', actual: 'realtime' }]
        : diffFields(desired.config, current, [
            'modelName',
            'variantName',
            'instanceType',
            'initialInstanceCount',
            'async',
          ]);
    changes.push(
      o.currentConfig
        ? {
            kind: 'endpoint-config',
            name: desired.config.name,
            action: 'replace',
            replaces: o.currentConfig.name,
            reason:
              'endpoint configs are immutable: a changed config gets a new name and the endpoint moves to it',
            fields,
          }
        : {
            kind: 'endpoint-config',
            name: desired.config.name,
            action: 'create',
            reason: 'no endpoint config with this content exists',
            fields: [],
          },
    );
  }
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
      reason: `the endpoint is Failed (${ep.failureReason ?? 'no reason given'}); it is deleted and created again`,
      fields: [{ field: 'status', expected: 'InService', actual: 'Failed' }],
    });
  } else if (ep.configName !== desired.config.name) {
    const instanceTypeChanges =
      o.currentConfig && o.currentConfig.instanceType !== desired.config.instanceType;
    changes.push({
      kind: 'endpoint',
      name: ep.name,
      action: 'update',
      reason: instanceTypeChanges
        ? 'moves to the new endpoint config (UpdateEndpoint); the instance type changes, so the scalable target is deregistered first and registered again after'
        : 'moves to the new endpoint config (UpdateEndpoint)',
      fields: [{ field: 'endpointConfigName', expected: desired.config.name, actual: ep.configName }],
    });
  }
  // Only what sagezero created is ever deleted; a hand-made config the endpoint used to run on stays.
  const replacedConfig =
    o.currentConfig && o.currentConfig.name !== desired.config.name && isOwned(o.currentConfig.tags, project)
      ? o.currentConfig.name
      : undefined;
  const replacedModel =
    o.currentModel && o.currentModel.name !== desired.model.name && isOwned(o.currentModel.tags, project)
      ? o.currentModel.name
      : undefined;
  for (const name of [replacedConfig, ...o.staleConfigs]) {
    if (name)
      changes.push({
        kind: 'endpoint-config',
        name,
        action: 'delete',
        reason:
          name === replacedConfig
            ? 'replaced; deleted once the endpoint is InService on the new one'
            : 'left over from an earlier run; not in use',
        fields: [],
      });
  }
  for (const name of [replacedModel, ...o.staleModels]) {
    if (name)
      changes.push({
        kind: 'model',
        name,
        action: 'delete',
        reason:
          name === replacedModel
            ? 'replaced; deleted once the endpoint is InService on the new one'
            : 'left over from an earlier run; not in use',
        fields: [],
      });
  }
  return changes;
}
