// Carries out one endpoint's plan, in the order SageMaker and Application Auto Scaling require:
// model -> endpoint config -> endpoint (and wait) -> clean-up of replaced resources -> scaling.
// Every step is create-if-missing against content-addressed names, so a run killed midway is
// finished by the next one without duplicates. So is one cut short by its signal (the daemon stopping),
// which ends before the next step rather than after the current wait.
import { CloudError, scalableResourceId, type Cloud, type Tags } from '../cloud/types.js';
import { applyScalingChanges, removeScaling } from '../scaling/apply.js';
import { observeScaling } from '../scaling/observe.js';
import { planScaling } from '../scaling/plan.js';
import { endpointConfigConflict, modelConflict, notOwnedReason } from './ownership-check.js';
import type { EndpointPlan, ResourceChange } from './types.js';
import { waitForSettled, type WaitOptions } from './wait.js';

export type ApplyContext = WaitOptions;

export async function applyEndpointPlan(ctx: ApplyContext, plan: EndpointPlan): Promise<void> {
  const { cloud } = ctx;
  const log = ctx.progress;
  const go = (): void => ctx.signal?.throwIfAborted();
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

  go();
  if (has('model', 'create', 'replace')) {
    await createOnce(
      `model ${desired.model.name}`,
      () => cloud.createModel(desired.model),
      async () => {
        const m = await cloud.getModel(desired.model.name);
        return m && { why: modelConflict(m, desired.model) };
      },
    );
    log(`created model ${desired.model.name}`);
  }
  go();
  if (has('endpoint-config', 'create', 'replace')) {
    await createOnce(
      `endpoint config ${desired.config.name}`,
      () => cloud.createEndpointConfig(desired.config),
      async () => {
        const c = await cloud.getEndpointConfig(desired.config.name);
        return c && { why: endpointConfigConflict(c, desired.config) };
      },
    );
    log(`created endpoint config ${desired.config.name}`);
  }

  const resourceId = scalableResourceId(desired.endpointName, desired.config.variantName);
  const endpointChange = has('endpoint', 'create', 'update', 'replace');
  go();
  if (endpointChange?.action === 'create') {
    await createEndpointOnce(cloud, desired);
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

  go();
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
  go();
  const observed = await observeScaling(cloud, desired.endpointName, resourceId);
  const changes = planScaling(plan.scaling, observed);
  if (changes.length > 0) await applyScalingChanges(cloud, plan.scaling, observed, changes, log);
}

/**
 * Creates the endpoint on its config; after a lost answer, the endpoint found under its name is taken
 * only when it is this endpoint's (ownership tags) and runs on that very config.
 */
export async function createEndpointOnce(
  cloud: Cloud,
  desired: { endpointName: string; config: { name: string }; tags: Tags },
): Promise<void> {
  await createOnce(
    `endpoint ${desired.endpointName}`,
    () => cloud.createEndpoint(desired.endpointName, desired.config.name, desired.tags),
    async () => {
      const e = await cloud.getEndpoint(desired.endpointName);
      if (!e) return undefined;
      const why =
        notOwnedReason(e.tags, desired.tags) ??
        (e.configName === desired.config.name
          ? undefined
          : `it has this endpoint's ownership tags but runs on endpoint config ${e.configName}`);
      return { why };
    },
  );
}

/**
 * Creates, treating "already exists" as done when what exists is what this create would have made: when
 * a create's answer is lost (a reset connection, a killed process), the SDK's retry or the next run finds
 * what the first attempt made. "What it would have made" is what plan accepts for reuse
 * (ownership-check.ts): this project's and this endpoint's tags and the same content (for the endpoint,
 * the same endpoint config). Anything else (another project's, untagged, tampered) is never adopted: a
 * CloudError says what is there and why, and the apply stops before building on it.
 *
 * The AWS provider already makes the same check inside its creates (and answers `ResourceExists`, which
 * does not match here); this one keeps the simulated and fake clouds, whose creates do not, converging
 * and as strict.
 */
export async function createOnce(
  what: string,
  create: () => Promise<unknown>,
  existing: () => Promise<{ why: string | undefined } | undefined>,
): Promise<void> {
  try {
    await create();
  } catch (e) {
    if (!(e instanceof CloudError) || !/already exist/i.test(e.message)) throw e;
    const found = await existing();
    // Gone again in between: the create's own answer is the truth.
    if (!found) throw e;
    if (found.why !== undefined) {
      throw new CloudError(
        `${what} exists and sagezero will not adopt it: ${found.why}. Nothing was built on it; delete or rename it, or rename the endpoint in the config`,
        'ResourceExists',
        false,
        e.operation,
      );
    }
  }
}
