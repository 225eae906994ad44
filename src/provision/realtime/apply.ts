// Carries out one real-time endpoint's plan, in the order SageMaker requires: models -> endpoint
// config -> endpoint (and wait) -> components (and wait) -> removed components (their scaling first)
// -> clean-up of unused configs and models -> each component's scaling. Creates are create-if-missing
// against content-addressed or derived names, so a run killed midway is finished by the next one.
import { componentResourceId, type Cloud } from '../../cloud/types.js';
import { applyScalingChanges, removeScaling } from '../../scaling/apply.js';
import { planScaling } from '../../scaling/plan.js';
import { observeComponentScaling } from '../../scaling/realtime.js';
import { createEndpointOnce, createOnce, type ApplyContext } from '../apply.js';
import type { EndpointOutcome } from '../apply-many.js';
import { modelConflict, notOwnedReason } from '../ownership-check.js';
import type { ResourceChange } from '../types.js';
import { waitForSettled } from '../wait.js';
import type { DesiredComponent } from './desired.js';
import { componentConflict, realtimeConfigConflict } from './ownership.js';
import type { RealtimeEndpointPlan } from './types.js';
import { waitForComponent } from './wait.js';

export async function applyRealtimePlan(ctx: ApplyContext, plan: RealtimeEndpointPlan): Promise<void> {
  const { cloud } = ctx;
  const log = ctx.progress;
  const go = (): void => ctx.signal?.throwIfAborted();
  if (plan.refused) throw new Error(plan.refused);
  const { desired } = plan;
  const change = (kind: ResourceChange['kind'], name: string): ResourceChange | undefined =>
    plan.changes.find((c) => c.kind === kind && c.name === name && c.action !== 'delete');

  for (const c of desired.components) {
    go();
    if (!change('model', c.model.name)) continue;
    await createOnce(
      `model ${c.model.name}`,
      () => cloud.createModel(c.model),
      async () => {
        const m = await cloud.getModel(c.model.name);
        return m && { why: modelConflict(m, c.model) };
      },
    );
    log(`created model ${c.model.name}`);
  }
  go();
  if (change('endpoint-config', desired.config.name)) {
    await createOnce(
      `endpoint config ${desired.config.name}`,
      () => cloud.createEndpointConfig(desired.config),
      async () => {
        const c = await cloud.getEndpointConfig(desired.config.name);
        return c && { why: realtimeConfigConflict(c, desired.config) };
      },
    );
    log(`created endpoint config ${desired.config.name}`);
  }

  go();
  const endpointChange = change('endpoint', desired.endpointName);
  if (endpointChange?.action === 'replace') {
    // A Failed endpoint cannot be updated, and AWS deletes an endpoint only without components.
    for (const c of desired.components) await removeComponent(ctx, c.spec.name, { ifOwned: c });
    await cloud.deleteEndpoint(desired.endpointName);
    log(`deleting failed endpoint ${desired.endpointName}`);
    await waitForSettled(desired.endpointName, ctx, 'gone');
  }
  if (endpointChange?.action === 'create' || endpointChange?.action === 'replace') {
    await createEndpointOnce(cloud, desired);
    log(`creating endpoint ${desired.endpointName}`);
    await waitForSettled(desired.endpointName, ctx);
  } else if (endpointChange?.action === 'update') {
    await cloud.updateEndpoint(desired.endpointName, desired.config.name);
    log(`updating endpoint ${desired.endpointName} to ${desired.config.name}`);
    await waitForSettled(desired.endpointName, ctx);
  }

  for (const c of desired.components) {
    go();
    const ch = change('inference-component', c.spec.name);
    if (!ch) continue;
    if (ch.action === 'replace') await removeComponent(ctx, c.spec.name, { ifOwned: c });
    if (ch.action === 'update') {
      const s = c.spec;
      await cloud.updateInferenceComponent(s.name, {
        modelName: s.modelName,
        acceleratorsPerCopy: s.acceleratorsPerCopy,
        memoryMbPerCopy: s.memoryMbPerCopy,
        ...(s.cpuCoresPerCopy !== undefined ? { cpuCoresPerCopy: s.cpuCoresPerCopy } : {}),
      });
      log(`updating inference component ${s.name}`);
    } else {
      await createOnce(
        `inference component ${c.spec.name}`,
        () => cloud.createInferenceComponent(c.spec),
        async () => {
          const found = await cloud.getInferenceComponent(c.spec.name);
          return (
            found && {
              why: componentConflict(found, { endpointName: desired.endpointName, tags: c.spec.tags }),
            }
          );
        },
      );
      log(`creating inference component ${c.spec.name} with ${c.spec.copyCount} copy`);
    }
    await waitForComponent(c.spec.name, ctx);
  }

  for (const r of plan.observed.removedComponents) {
    go();
    await removeScaling(cloud, componentResourceId(r.name), r.scaling, log);
    await deleteComponent(ctx, r.name);
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

  // Components just created or replaced have no scaling yet, and the plan's picture of the others
  // may be stale after the waits: look again.
  for (const [i, c] of desired.components.entries()) {
    go();
    const set = plan.scaling[i];
    if (!set) continue;
    const observed = await observeComponentScaling(cloud, c.spec.name);
    const changes = planScaling(set, observed);
    if (changes.length > 0) await applyScalingChanges(cloud, set, observed, changes, log);
  }
}

/** Scaling first (a policy on a deleted component would fire into nothing), then the component. */
async function removeComponent(
  ctx: ApplyContext,
  name: string,
  o: { ifOwned: DesiredComponent },
): Promise<void> {
  const found = await ctx.cloud.getInferenceComponent(name);
  if (!found) return;
  const why = notOwnedReason(found.tags, o.ifOwned.spec.tags);
  if (why) throw new Error(`inference component ${name} is not sagezero's to delete: ${why}`);
  await removeScaling(
    ctx.cloud,
    componentResourceId(name),
    await observeComponentScaling(ctx.cloud, name),
    ctx.progress,
  );
  await deleteComponent(ctx, name);
}

export async function deleteComponent(ctx: ApplyContext & { cloud: Cloud }, name: string): Promise<void> {
  await ctx.cloud.deleteInferenceComponent(name);
  ctx.progress(`deleting inference component ${name}`);
  await waitForComponent(name, ctx, 'gone');
}

/**
 * Every real-time plan with changes, one endpoint after the other; one failing does not stop the
 * others. A busy endpoint (or component) is waited for and planned again before acting.
 */
export async function applyRealtimePlans(
  ctx: ApplyContext,
  plans: readonly RealtimeEndpointPlan[],
  replan: (plan: RealtimeEndpointPlan) => Promise<RealtimeEndpointPlan>,
): Promise<EndpointOutcome[]> {
  const out: EndpointOutcome[] = [];
  for (const plan of plans.filter((p) => p.changes.length > 0)) {
    try {
      let p = plan;
      if (p.busy) {
        ctx.progress(p.busy);
        if (p.observed.endpoint) await waitForSettled(p.endpoint, ctx);
        for (const c of p.observed.components)
          if (c.state) await waitForComponent(c.state.name, ctx).catch(() => undefined);
        p = await replan(p);
      }
      await applyRealtimePlan(ctx, p);
      out.push({ endpoint: plan.endpoint });
    } catch (error) {
      out.push({ endpoint: plan.endpoint, error });
    }
  }
  return out;
}
