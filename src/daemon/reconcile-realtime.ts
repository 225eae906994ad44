// The reconcile of `kind: realtime` endpoints, beside the async one (reconcile.ts) and with its rules:
// every difference found on an endpoint that already exists is drift, logged as "drift: the cloud
// differs from the config" and reported to the alerts task, repaired only when daemon.repairDrift is
// on; a new endpoint is provisioned whatever repairDrift says; a refused endpoint (not sagezero's) and
// foreign components on an owned endpoint are never touched (the plan gives them no change lines).
//
// The cheap check: an endpoint is planned in full only when this process has not checked it yet, its
// desired state's fingerprint changed, a full check found something to do, or daemon.driftCheckMinutes
// passed since the last one. Telemetry's status fingerprinting (drift-check.ts) is not used: it reads
// an async endpoint's variant, which a real-time endpoint does not record the same way. A hand edit is
// therefore found within daemon.driftCheckMinutes, as an async endpoint's scaling edits are.
//
// Work that waits for SageMaker (an endpoint or component created or updated) runs in a background
// queue of its own; its outcome is reported by the first round after it ends.
import { createHash } from 'node:crypto';
import type { DriftEvent } from '../alerts/rules/ops.js';
import { canonical } from '../provision/diff.js';
import { applyRealtimePlan } from '../provision/realtime/apply.js';
import { desiredRealtime } from '../provision/realtime/desired.js';
import { planRealtimeEndpoint } from '../provision/realtime/plan.js';
import { componentModelResolver, resolveComponentModels } from '../provision/realtime/resolve.js';
import type { RealtimeEndpointPlan } from '../provision/realtime/types.js';
import type { ResourceChange } from '../provision/types.js';
import type { Store } from '../store/index.js';
import { unfenced } from '../store/fence.js';
import type { Logger } from './logger.js';
import { ProvisionQueue } from './provision-queue.js';
import { refusedAsStale, storeSpecCache, type ReconcileContext } from './reconcile.js';

export interface RealtimeReconcileResult {
  drift: DriftEvent[];
  provisioned: string[];
  busy: string[];
  /** Endpoints planned in full this round. */
  checked: string[];
  provisioning: string[];
}

type Outcome = Pick<RealtimeReconcileResult, 'drift' | 'provisioned'>;

export interface RealtimeReconcileMemory {
  queue: ProvisionQueue<Outcome>;
  /** Per endpoint: the fingerprint a full check by this process last found in sync, and when. */
  verified: Map<string, { fingerprint: string; at: number }>;
  warned: Set<string>;
}

export function newRealtimeReconcileMemory(
  ctx: Pick<ReconcileContext, 'clock' | 'log' | 'config'>,
): RealtimeReconcileMemory {
  return {
    queue: new ProvisionQueue<Outcome>({
      clock: ctx.clock,
      log: ctx.log,
      concurrency: ctx.config.daemon.provisionConcurrency,
    }),
    verified: new Map(),
    warned: new Set(),
  };
}

// The daemon builds the context anew for every round; its store lives as long as it does. Keyed by
// the plain store: the daemon's controllers see it fenced (src/store/fence.ts), its callers plain.
const memories = new WeakMap<Store, RealtimeReconcileMemory>();

function memoryOf(ctx: ReconcileContext, given?: RealtimeReconcileMemory): RealtimeReconcileMemory {
  if (given) return given;
  let m = memories.get(unfenced(ctx.store));
  if (!m) {
    m = newRealtimeReconcileMemory(ctx);
    memories.set(unfenced(ctx.store), m);
  }
  return m;
}

/** The daemon's background real-time provisioning on this store, if any. */
export function backgroundRealtimeProvisioning(
  store: Store,
): { inFlight(): string[]; settled(): Promise<void> } | undefined {
  return memories.get(unfenced(store))?.queue;
}

const POLL_MS = 30_000;
const WAIT_TIMEOUT_MS = 60 * 60_000;
const WAITING_KINDS = new Set<ResourceChange['kind']>(['endpoint', 'inference-component']);

function changeLines(changes: readonly ResourceChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.action} ${c.kind} ${c.name}${c.fields.length ? `: ${c.fields.map((f) => f.field).join(', ')}` : ''}`,
  );
}

function warnOnce(memory: RealtimeReconcileMemory, log: Logger, warnings: readonly string[]): void {
  for (const w of warnings) {
    if (memory.warned.has(w)) continue;
    memory.warned.add(w);
    log.warn({ warning: w }, 'plan warning');
  }
}

export async function reconcileRealtime(
  ctx: ReconcileContext,
  signal?: AbortSignal,
  given?: RealtimeReconcileMemory,
): Promise<RealtimeReconcileResult> {
  const { cloud, clock, config, log, store } = ctx;
  const memory = memoryOf(ctx, given);
  const stop = signal ?? new AbortController().signal;
  const result: RealtimeReconcileResult = {
    drift: [],
    provisioned: [],
    busy: [],
    checked: [],
    provisioning: [],
  };
  for (const done of memory.queue.takeFinished()) merge(result, done);
  const resolve = componentModelResolver(cloud, config, storeSpecCache(store, clock));
  const intervalMs = config.daemon.driftCheckMinutes * 60_000;

  for (const endpoint of config.realtimeEndpoints) {
    if (stop.aborted) break;
    const name = endpoint.name;
    if (memory.queue.has(name)) continue;
    const desired = desiredRealtime(
      endpoint,
      await resolveComponentModels(endpoint, resolve),
      config.project,
    );
    const fingerprint = createHash('sha256').update(canonical(desired)).digest('hex').slice(0, 16);
    const v = memory.verified.get(name);
    if (v && v.fingerprint === fingerprint && clock.now() - v.at < intervalMs) continue;

    const plan = await planRealtimeEndpoint(cloud, config.project, endpoint, desired);
    const now = clock.now();
    result.checked.push(name);
    warnOnce(memory, log, plan.warnings);
    if (plan.refused) {
      memory.verified.delete(name);
      log.error({ endpoint: name }, plan.refused);
      result.drift.push({
        endpoint: name,
        at: now,
        changes: ["endpoint is not sagezero's"],
        repaired: false,
        error: plan.refused,
      });
      continue;
    }
    if (plan.changes.length === 0 && !plan.busy) {
      memory.verified.set(name, { fingerprint, at: now });
      continue;
    }
    memory.verified.delete(name);
    if (plan.changes.length === 0) continue;
    if (plan.busy) {
      // Never act on an endpoint or component mid-change; the next round looks again.
      result.busy.push(name);
      continue;
    }
    const isNew = !plan.observed.endpoint;
    const lines = changeLines(plan.changes);
    if (!isNew) log.info({ endpoint: name, changes: lines }, 'drift: the cloud differs from the config');
    if (!isNew && !ctx.repair) {
      result.drift.push({
        endpoint: name,
        at: now,
        changes: lines,
        repaired: false,
        error: 'daemon.repairDrift is false',
      });
      continue;
    }
    const done = outcome(ctx, plan, isNew, lines);
    const work = (s: AbortSignal): Promise<void> =>
      applyRealtimePlan(
        {
          cloud,
          clock,
          progress: (line) => log.info({ endpoint: name }, line),
          pollIntervalMs: POLL_MS,
          timeoutMs: WAIT_TIMEOUT_MS,
          signal: s,
        },
        plan,
      );
    if (plan.changes.some((c) => WAITING_KINDS.has(c.kind) && c.action !== 'delete')) {
      memory.queue.add(name, stop, { work, done });
      continue;
    }
    try {
      await work(stop);
      merge(result, done(undefined));
    } catch (e) {
      if (stop.aborted) break;
      merge(result, done(e));
    }
  }
  result.provisioning = memory.queue.inFlight();
  return result;
}

function outcome(
  ctx: ReconcileContext,
  plan: RealtimeEndpointPlan,
  isNew: boolean,
  lines: string[],
): (error: unknown) => Outcome {
  const { clock, log } = ctx;
  return (error) => {
    if (error === undefined) {
      if (isNew) {
        log.info({ endpoint: plan.endpoint }, 'provisioned');
        return { drift: [], provisioned: [plan.endpoint] };
      }
      return {
        drift: [{ endpoint: plan.endpoint, at: clock.now(), changes: lines, repaired: true }],
        provisioned: [],
      };
    }
    if (refusedAsStale(log, plan.endpoint, error)) return { drift: [], provisioned: [] };
    const message = (error as Error).message;
    log.error({ endpoint: plan.endpoint, err: message }, 'reconcile could not apply the plan');
    return {
      drift: [{ endpoint: plan.endpoint, at: clock.now(), changes: lines, repaired: false, error: message }],
      provisioned: [],
    };
  };
}

/** One round, then the background work it started, to the end (tests, one-shot runs). */
export async function reconcileRealtimeAndWait(
  ctx: ReconcileContext,
  signal?: AbortSignal,
  given?: RealtimeReconcileMemory,
): Promise<RealtimeReconcileResult> {
  const memory = memoryOf(ctx, given);
  const result = await reconcileRealtime(ctx, signal, memory);
  await memory.queue.settled();
  for (const done of memory.queue.takeFinished()) merge(result, done);
  result.provisioning = memory.queue.inFlight();
  return result;
}

function merge(into: RealtimeReconcileResult, from: Outcome): void {
  into.drift.push(...from.drift);
  into.provisioned.push(...from.provisioned);
}
