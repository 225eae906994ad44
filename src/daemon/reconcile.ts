// The reconcile controller: on a schedule, compare the cloud with the config (the same plan the CLI
// prints) and put back whatever drifted. Each difference found on an endpoint that already exists is
// recorded as drift, repaired or not, so a person hears about hand edits even when sagezero fixes them.
//
// Not every difference is drift. With tune.mode: apply the tuner changes an endpoint's desired policy
// itself (a step, or the rollback of one; src/daemon/tuned.ts): the scaling changes between the policy
// the cloud ran before and the one the tuner wants are sagezero's own, applied and logged as "applying
// tuner step" / "rolling back tuner step" and announced by the tuner, not alerted as drift. Drift is
// what differs from what sagezero last put there: hosting changes, and the scaling plan against the
// previous policy. Both can happen at once; then both are applied and only the hand edits are drift.
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import { ownerTags } from '../ownership.js';
import { applyEndpointPlan } from '../provision/apply.js';
import type { JumpStartSpecCache } from '../provision/jumpstart/index.js';
import { buildPlan } from '../provision/plan.js';
import { modelResolver } from '../provision/resolve-model.js';
import type { EndpointPlan, ResourceChange, ResourceKind } from '../provision/types.js';
import { endpointBoot } from '../scaling/boot.js';
import { buildScalingResources } from '../scaling/build.js';
import { planScaling } from '../scaling/plan.js';
import type { Store } from '../store/index.js';
import type { Logger } from './logger.js';
import {
  describeScalingChange,
  markTunerChangeOnCloud,
  pendingTunerChange,
  type TunerChange,
  type TunerChangeKind,
} from './tuned.js';

export interface ReconcileContext {
  cloud: Cloud;
  clock: Clock;
  config: Config;
  store: Store;
  log: Logger;
  repair: boolean;
}

/** A tuner change this round put on the cloud, or tried to. */
export interface TunerApplication {
  endpoint: string;
  kind: TunerChangeKind;
  at: number;
  /** The resources it changed, one line each. */
  changes: string[];
  applied: boolean;
  /** Why it was not applied (the apply failed, or drift waits with repairDrift: false). */
  error?: string;
}

export interface ReconcileResult {
  drift: DriftEvent[];
  provisioned: string[];
  busy: string[];
  tuner: TunerApplication[];
}

const SCALING_KINDS = new Set<ResourceKind>([
  'scalable-target',
  'scaling-policy',
  'alarm',
  'scheduled-action',
]);

function changeLines(changes: readonly ResourceChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.action} ${c.kind} ${c.name}${c.fields.length ? `: ${c.fields.map((f) => f.field).join(', ')}` : ''}`,
  );
}

/**
 * The plan's changes split into drift (what differs from what sagezero last put on the cloud) and the
 * tuner's pending change. Hosting does not depend on the scaling policy, so its changes are never the
 * tuner's; scaling drift is the plan against the policy the cloud ran before the tuner's change.
 */
function splitChanges(
  ep: EndpointPlan,
  config: Config,
  change: TunerChange | undefined,
): { drift: ResourceChange[]; tuner: ResourceChange[] } {
  const endpoint = config.endpoints.find((e) => e.name === ep.endpoint);
  if (!change || !endpoint) return { drift: ep.changes, tuner: [] };
  const before = buildScalingResources(
    { ...endpoint, scaling: change.from },
    ownerTags(config.project, endpoint.name),
  );
  return {
    drift: [
      ...ep.changes.filter((c) => !SCALING_KINDS.has(c.kind)),
      ...planScaling(before, ep.observed.scaling),
    ],
    tuner: ep.changes.filter((c) => SCALING_KINDS.has(c.kind)),
  };
}

// Each plan warning is logged once per daemon (its logger lives as long as it does; the context is
// built anew for every round), not at every reconcile.
const warned = new WeakMap<Logger, Set<string>>();

function logWarningsOnce(ctx: ReconcileContext, warnings: readonly string[]): void {
  let seen = warned.get(ctx.log);
  if (!seen) {
    seen = new Set();
    warned.set(ctx.log, seen);
  }
  for (const w of warnings) {
    // Keyed by what the warning is about (its text up to the first comma: endpoint, key and configured
    // value), not by the measured numbers after it, which move with every new cold start.
    const key = w.split(',')[0] ?? w;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.log.warn({ warning: w }, 'plan warning');
  }
}

export async function reconcileOnce(ctx: ReconcileContext, signal?: AbortSignal): Promise<ReconcileResult> {
  const { cloud, clock, config, log, store } = ctx;
  const plan = await buildPlan(
    cloud,
    config,
    modelResolver(cloud, config, storeSpecCache(store, clock)),
    undefined,
    // Measured cold starts from the daemon's own store: the same warning `plan` prints when a wake
    // cooldown does not cover the boot.
    { boot: (e) => endpointBoot(e, store) },
  );
  logWarningsOnce(ctx, plan.warnings);
  const result: ReconcileResult = { drift: [], provisioned: [], busy: [], tuner: [] };
  for (const ep of plan.endpoints) {
    if (signal?.aborted) break;
    const now = clock.now();
    if (ep.refused) {
      log.error({ endpoint: ep.endpoint }, ep.refused);
      result.drift.push({
        endpoint: ep.endpoint,
        at: now,
        changes: ["endpoint is not sagezero's"],
        repaired: false,
        error: ep.refused,
      });
      continue;
    }
    const desired = config.endpoints.find((e) => e.name === ep.endpoint)?.scaling;
    const tunerChange = desired ? pendingTunerChange(store, ep.endpoint, desired) : undefined;
    if (ep.changes.length === 0) {
      // The cloud already runs the tuner's policy (a reconcile that applied it was cut short).
      if (tunerChange) markTunerChangeOnCloud(store, ep.endpoint, now);
      continue;
    }
    if (ep.busy) {
      // Never act on an endpoint mid-change; the next round looks again (a tuner change stays pending).
      result.busy.push(ep.endpoint);
      continue;
    }
    const isNew = !ep.observed.endpoint;
    const split = isNew ? { drift: [], tuner: [] } : splitChanges(ep, config, tunerChange);
    const driftLines = changeLines(split.drift);
    const tunerLines = changeLines(split.tuner);
    const tunerEntry = (applied: boolean, error?: string): TunerApplication => ({
      endpoint: ep.endpoint,
      kind: tunerChange!.kind,
      at: clock.now(),
      changes: tunerLines,
      applied,
      ...(error !== undefined ? { error } : {}),
    });
    if (driftLines.length > 0)
      log.info({ endpoint: ep.endpoint, changes: driftLines }, 'drift: the cloud differs from the config');
    if (tunerChange && tunerLines.length > 0) {
      log.info(
        {
          endpoint: ep.endpoint,
          policy: describeScalingChange(tunerChange.from, tunerChange.to),
          changes: tunerLines,
          reason: tunerChange.reason,
        },
        tunerChange.kind === 'step' ? 'applying tuner step' : 'rolling back tuner step',
      );
    }
    if (!ctx.repair && driftLines.length > 0) {
      // Applying the tuner's change would put the hand edits back too: it waits with them.
      result.drift.push({
        endpoint: ep.endpoint,
        at: now,
        changes: driftLines,
        repaired: false,
        error: 'daemon.repairDrift is false',
      });
      if (tunerChange && tunerLines.length > 0) {
        log.warn(
          { endpoint: ep.endpoint },
          'the tuner change waits: applying it would also undo the drift, and daemon.repairDrift is false',
        );
        result.tuner.push(
          tunerEntry(false, 'waits for the drift to be resolved (daemon.repairDrift is false)'),
        );
      }
      continue;
    }
    try {
      await applyEndpointPlan(
        {
          cloud,
          clock,
          progress: (line) => log.info({ endpoint: ep.endpoint }, line),
          pollIntervalMs: 30_000,
          timeoutMs: 60 * 60_000,
        },
        ep,
      );
      if (tunerChange) markTunerChangeOnCloud(store, ep.endpoint, clock.now());
      if (isNew) result.provisioned.push(ep.endpoint);
      if (driftLines.length > 0)
        result.drift.push({ endpoint: ep.endpoint, at: clock.now(), changes: driftLines, repaired: true });
      if (tunerChange && tunerLines.length > 0) result.tuner.push(tunerEntry(true));
    } catch (e) {
      const message = (e as Error).message;
      log.error({ endpoint: ep.endpoint, err: message }, 'reconcile could not apply the plan');
      if (driftLines.length > 0 || isNew)
        result.drift.push({
          endpoint: ep.endpoint,
          at: clock.now(),
          changes: isNew ? changeLines(ep.changes) : driftLines,
          repaired: false,
          error: message,
        });
      if (tunerChange && tunerLines.length > 0) {
        result.tuner.push(tunerEntry(false, message));
        result.drift.push({
          endpoint: ep.endpoint,
          at: clock.now(),
          changes: tunerLines,
          repaired: false,
          error: message,
          cause: tunerChange.kind === 'step' ? 'tuner-step' : 'tuner-rollback',
        });
      }
    }
  }
  return result;
}

/** The store's JumpStart spec cache behind the resolver's async interface. */
export function storeSpecCache(store: Store, clock: Clock): JumpStartSpecCache {
  return {
    get: async (key) => store.specCache.get(key)?.json,
    put: async (key, json) => store.specCache.put({ key, json, fetchedAt: clock.now() }),
  };
}
