// Carries out one endpoint's plan, in the order SageMaker and Application Auto Scaling require:
// model -> endpoint config -> endpoint (and wait) -> clean-up of replaced resources -> scaling.
// Every step is create-if-missing against content-addressed names, so a run killed midway is
// finished by the next one without duplicates.
import { CloudError, scalableResourceId } from '../cloud/types.js';
import { TAG_MANAGED_BY } from '../ownership.js';
import { applyScalingChanges, removeScaling } from '../scaling/apply.js';
import { observeScaling } from '../scaling/observe.js';
import { planScaling } from '../scaling/plan.js';
import type { EndpointPlan, ResourceChange } from './types.js';
import { waitForSettled, type WaitOptions } from './wait.js';

export type ApplyContext = WaitOptions;

export async function applyEndpointPlan(ctx: ApplyContext, plan: EndpointPlan): Promise<void> {
  const { cloud } = ctx;
  const log = ctx.progress;
  if (plan.refused) throw new Error(plan.refused);
  const { desired } = plan;
  const has = (
    kind: ResourceChange['kind'],
    ...actions: ResourceChange['action'][]
  ): ResourceChange | undefined =>
    plan.changes.find(
      (c) =>
        c.kind === kind &&
        actions.includes(c.action) &&
        (kind !== 'endpoint' || c.name === desired.endpointName),
    );

  if (has('model', 'create', 'replace')) {
    await createOnce(
      () => cloud.createModel(desired.model),
      () => cloud.getModel(desired.model.name),
    );
    log(`created model ${desired.model.name}`);
  }
  if (has('endpoint-config', 'create', 'replace')) {
    await createOnce(
      () => cloud.createEndpointConfig(desired.config),
      () => cloud.getEndpointConfig(desired.config.name),
    );
    log(`created endpoint config ${desired.config.name}`);
  }

  const resourceId = scalableResourceId(desired.endpointName, desired.config.variantName);
  const endpointChange = has('endpoint', 'create', 'update', 'replace');
  if (endpointChange?.action === 'create') {
    await createOnce(
      () => cloud.createEndpoint(desired.endpointName, desired.config.name, desired.tags),
      () => cloud.getEndpoint(desired.endpointName),
    );
    log(`creating endpoint ${desired.endpointName} (this takes several minutes for large models)`);
    await waitForSettled(desired.endpointName, ctx);
  } else if (endpointChange?.action === 'replace') {
    // A Failed endpoint cannot be updated: take it down with its scaling set and start again.
    await removeScaling(
      cloud,
      resourceId,
      await observeScaling(cloud, desired.endpointName, resourceId),
      log,
    );
    await cloud.deleteEndpoint(desired.endpointName);
    log(`deleting failed endpoint ${desired.endpointName}`);
    await waitForSettled(desired.endpointName, ctx, 'gone');
    await cloud.createEndpoint(desired.endpointName, desired.config.name, desired.tags);
    log(`creating endpoint ${desired.endpointName}`);
    await waitForSettled(desired.endpointName, ctx);
  } else if (endpointChange?.action === 'update') {
    const instanceTypeChanges =
      plan.observed.currentConfig !== undefined &&
      plan.observed.currentConfig.instanceType !== desired.config.instanceType;
    if (instanceTypeChanges && plan.observed.scaling.target) {
      // AWS rejects an instance-type change while the variant is a registered scalable target.
      await cloud.deregisterScalableTarget(resourceId);
      log(`deregistered scalable target ${resourceId} for the instance type change`);
    }
    await cloud.updateEndpoint(desired.endpointName, desired.config.name);
    log(`updating endpoint ${desired.endpointName} to ${desired.config.name}`);
    await waitForSettled(desired.endpointName, ctx);
  }

  for (const c of plan.changes.filter((x) => x.action === 'delete' && x.kind === 'endpoint-config')) {
    await cloud.deleteEndpointConfig(c.name);
    log(`deleted endpoint config ${c.name}`);
  }
  for (const c of plan.changes.filter((x) => x.action === 'delete' && x.kind === 'model')) {
    await cloud.deleteModel(c.name);
    log(`deleted model ${c.name}`);
  }

  // The endpoint step may have deregistered the target (and AWS removed its policies with it):
  // look again rather than trusting the plan's picture of scaling.
  const hostingOnly = plan.changes.every((c) => ['model', 'endpoint-config', 'endpoint'].includes(c.kind));
  if (hostingOnly && !endpointChange) return;
  const observed = await observeScaling(cloud, desired.endpointName, resourceId);
  const changes = planScaling(plan.scaling, observed);
  if (changes.length > 0) await applyScalingChanges(cloud, plan.scaling, observed, changes, log);
}

/**
 * Creates, treating "already exists" as done when the resource now carries our tags: when a create's
 * answer is lost (a reset connection, a killed process), the SDK's retry or the next run finds what the
 * first attempt made. Content-addressed names make "ours, with this name" mean "this content".
 */
async function createOnce(
  create: () => Promise<unknown>,
  get: () => Promise<{ tags: Record<string, string> } | undefined>,
): Promise<void> {
  try {
    await create();
  } catch (e) {
    if (!(e instanceof CloudError) || !/already exist/i.test(e.message)) throw e;
    const existing = await get();
    if (!existing || existing.tags[TAG_MANAGED_BY] !== 'sagezero') throw e;
  }
}
