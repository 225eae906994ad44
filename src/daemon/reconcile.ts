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
//
// A round is cheap when nothing changed: an endpoint is described in full only when its fingerprint
// says it needs it (drift-check.ts). Work that waits for SageMaker (creating an endpoint, moving one to
// a new endpoint config, an endpoint found Creating after a restart) goes to the background queue
// (provision-queue.ts), several endpoints at a time; its outcome is reported by the first round after
// it ends. The other endpoints are checked and repaired meanwhile.
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { Config, EndpointConfig } from '../config/load.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import { ownerTags } from '../ownership.js';
import { applyEndpointPlan, type ApplyContext } from '../provision/apply.js';
import type { JumpStartSpecCache } from '../provision/jumpstart/index.js';
import { desiredEndpoints, planEndpoint, planWarnings, type EndpointDesired } from '../provision/plan.js';
import { modelResolver } from '../provision/resolve-model.js';
import type { EndpointPlan, ResourceChange, ResourceKind } from '../provision/types.js';
import { waitForSettled } from '../provision/wait.js';
import { endpointBoot, type EndpointBoot } from '../scaling/boot.js';
import { buildScalingResources } from '../scaling/build.js';
import { planScaling } from '../scaling/plan.js';
import type { Store } from '../store/index.js';
import { unfenced } from '../store/fence.js';
import { LeaseFencedError } from '../store/leases.js';
import { desiredFingerprint, forgetVerified, fullCheckReason, recordVerified } from './drift-check.js';
import type { Logger } from './logger.js';
import { ProvisionQueue, type QueuedWork } from './provision-queue.js';
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
  /** What lasts from round to round (default: one per store, i.e. per daemon). */
  memory?: ReconcileMemory;
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
  /** Endpoints whose creation or update is still running in the background after this round. */
  provisioning: string[];
  /** Endpoints described in full this round (the others' fingerprints vouched for them). */
  checked: string[];
}

type Outcome = Pick<ReconcileResult, 'drift' | 'provisioned' | 'tuner'>;

/** A daemon's reconcile state between rounds: the background queue, and what it has checked itself. */
export interface ReconcileMemory {
  queue: ProvisionQueue<Outcome>;
  /**
   * Endpoints this process has described in full at least once. Until then a fingerprint recorded by
   * an earlier process is not trusted (a simulated region, for one, starts empty at every start).
   */
  checked: Set<string>;
  /** The account's id, asked once (it cannot change under a running process). */
  accountId?: string;
}

export function newReconcileMemory(ctx: Pick<ReconcileContext, 'clock' | 'log' | 'config'>): ReconcileMemory {
  return {
    queue: new ProvisionQueue<Outcome>({
      clock: ctx.clock,
      log: ctx.log,
      concurrency: ctx.config.daemon.provisionConcurrency,
    }),
    checked: new Set(),
  };
}

// The daemon builds the context anew for every round; its store lives as long as it does. Keyed by
// the plain store: the daemon's controllers see it fenced (src/store/fence.ts), its callers plain.
const memories = new WeakMap<Store, ReconcileMemory>();

function memoryOf(ctx: ReconcileContext): ReconcileMemory {
  if (ctx.memory) return ctx.memory;
  let m = memories.get(unfenced(ctx.store));
  if (!m) {
    m = newReconcileMemory(ctx);
    memories.set(unfenced(ctx.store), m);
  }
  return m;
}

/** The daemon's background provisioning on this store, if any: what stop() waits for. */
export function backgroundProvisioning(
  store: Store,
): { inFlight(): string[]; settled(): Promise<void> } | undefined {
  return memories.get(unfenced(store))?.queue;
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
// The boot read is one store query per scale-out in the tuner's window, for a warning that is
// logged once: an hour-old estimate is as good, and the full check of a 100-endpoint fleet stops
// costing more with every day of history.
const BOOT_MEMO_MS = 3_600_000;
// Keyed by the endpoint's config object: a reloaded config (another prior) reads afresh.
const bootMemo = new WeakMap<Store, WeakMap<EndpointConfig, { at: number; boot: Promise<EndpointBoot> }>>();

function bootOnceAnHour(store: Store, e: EndpointConfig, now: number): Promise<EndpointBoot> {
  let memo = bootMemo.get(store);
  if (!memo) bootMemo.set(store, (memo = new WeakMap()));
  const hit = memo.get(e);
  if (hit && now >= hit.at && now - hit.at < BOOT_MEMO_MS) return hit.boot;
  const boot = endpointBoot(e, store, now);
  memo.set(e, { at: now, boot });
  boot.catch(() => memo.delete(e));
  return boot;
}

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

const POLL_MS = 30_000;
const WAIT_TIMEOUT_MS = 60 * 60_000;
const WAITING_KINDS = new Set(['create', 'replace', 'update']);

export async function reconcileOnce(ctx: ReconcileContext, signal?: AbortSignal): Promise<ReconcileResult> {
  const { cloud, clock, config, log, store } = ctx;
  const memory = memoryOf(ctx);
  const stop = signal ?? new AbortController().signal;
  const result: ReconcileResult = {
    drift: [],
    provisioned: [],
    busy: [],
    tuner: [],
    provisioning: [],
    checked: [],
  };
  for (const done of memory.queue.takeFinished()) merge(result, done);

  memory.accountId ??= await cloud.accountId();
  const wanted = await desiredEndpoints(
    cloud,
    config,
    modelResolver(cloud, config, storeSpecCache(store, clock)),
    undefined,
    memory.accountId,
  );
  const intervalMs = config.daemon.driftCheckMinutes * 60_000;
  const toCheck: (EndpointDesired & { fingerprint: string })[] = [];
  for (const w of wanted) {
    const name = w.endpoint.name;
    if (memory.queue.has(name)) continue;
    const fingerprint = desiredFingerprint(
      w.desired,
      buildScalingResources(w.endpoint, ownerTags(config.project, name)),
    );
    const why = !memory.checked.has(name)
      ? 'first check by this process'
      : (await pendingTunerChange(store, name, w.endpoint.scaling))
        ? 'a tuner change waits'
        : await fullCheckReason(store, name, w.desired, fingerprint, clock.now(), intervalMs);
    if (why === undefined) continue;
    log.debug({ endpoint: name, why }, 'reconcile: full check');
    toCheck.push({ ...w, fingerprint });
  }

  const plans: EndpointPlan[] = [];
  for (const w of toCheck) {
    if (stop.aborted) break;
    plans.push(await planEndpoint(cloud, config.project, w.endpoint, w.desired));
  }
  // Measured cold starts from the daemon's own store: the same warning `plan` prints when a wake
  // cooldown does not cover the boot.
  logWarningsOnce(
    ctx,
    await planWarnings(
      config,
      toCheck.map((w) => w.endpoint),
      plans,
      { boot: (e) => bootOnceAnHour(store, e, ctx.clock.now()) },
    ),
  );

  // Slow work joins the queue together, when the round next waits on the cloud (or at its end): the
  // store calls between one endpoint and the next are awaits, and queueing each at once would let the
  // first ones start (and be throttled) before the rest of the round's are queued.
  const queued: { endpoint: string; item: QueuedWork<Outcome> }[] = [];
  const startQueued = (): void => {
    for (const { endpoint, item } of queued.splice(0)) memory.queue.add(endpoint, stop, item);
  };
  for (const ep of plans) {
    if (stop.aborted) break;
    const now = clock.now();
    memory.checked.add(ep.endpoint);
    result.checked.push(ep.endpoint);
    if (ep.refused) {
      await forgetVerified(store, ep.endpoint);
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
    const tunerChange = desired ? await pendingTunerChange(store, ep.endpoint, desired) : undefined;
    if (ep.changes.length === 0 && !ep.busy) {
      // In sync: later rounds trust the fingerprint until something says otherwise.
      await recordVerified(
        store,
        ep.endpoint,
        toCheck.find((w) => w.endpoint.name === ep.endpoint)!.fingerprint,
        now,
      );
      // The cloud already runs the tuner's policy (a reconcile that applied it was cut short).
      if (tunerChange) await markTunerChangeOnCloud(store, ep.endpoint, tunerChange, now);
      continue;
    }
    // Something to do, or still to settle: the next round looks in full again.
    await forgetVerified(store, ep.endpoint);
    if (ep.changes.length === 0) continue;
    if (ep.busy) {
      if (ep.observed.endpoint?.status === 'Creating') {
        // Created by an earlier run (a process stopped while it waited): wait for it here rather than
        // at the next round, and finish it as the provisioning it is, not as drift.
        queueCreationLeftRunning(ctx, ep, (item) => queued.push({ endpoint: ep.endpoint, item }));
        continue;
      }
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
    const done = async (error: unknown): Promise<Outcome> => {
      const out: Outcome = { drift: [], provisioned: [], tuner: [] };
      if (error === undefined) {
        if (tunerChange) await markTunerChangeOnCloud(store, ep.endpoint, tunerChange, clock.now());
        if (isNew) {
          out.provisioned.push(ep.endpoint);
          log.info({ endpoint: ep.endpoint }, 'provisioned');
        }
        if (driftLines.length > 0)
          out.drift.push({ endpoint: ep.endpoint, at: clock.now(), changes: driftLines, repaired: true });
        if (tunerChange && tunerLines.length > 0) out.tuner.push(tunerEntry(true));
        return out;
      }
      if (refusedAsStale(log, ep.endpoint, error)) return out;
      const message = (error as Error).message;
      log.error({ endpoint: ep.endpoint, err: message }, 'reconcile could not apply the plan');
      if (driftLines.length > 0 || isNew)
        out.drift.push({
          endpoint: ep.endpoint,
          at: clock.now(),
          changes: isNew ? changeLines(ep.changes) : driftLines,
          repaired: false,
          error: message,
        });
      if (tunerChange && tunerLines.length > 0) {
        out.tuner.push(tunerEntry(false, message));
        out.drift.push({
          endpoint: ep.endpoint,
          at: clock.now(),
          changes: tunerLines,
          repaired: false,
          error: message,
          cause: tunerChange.kind === 'step' ? 'tuner-step' : 'tuner-rollback',
        });
      }
      return out;
    };
    const work = (s: AbortSignal): Promise<void> => applyEndpointPlan(applyContext(ctx, ep.endpoint, s), ep);
    if (ep.changes.some((c) => c.kind === 'endpoint' && WAITING_KINDS.has(c.action))) {
      queued.push({ endpoint: ep.endpoint, item: { work, done } });
      continue;
    }
    startQueued();
    try {
      await work(stop);
      merge(result, await done(undefined));
    } catch (e) {
      if (stop.aborted) break;
      merge(result, await done(e));
    }
  }
  startQueued();
  result.provisioning = memory.queue.inFlight();
  return result;
}

/**
 * One round, then the background work it started, to the end: for callers that want the whole outcome
 * at once (tests, one-shot runs). The daemon runs rounds alone and collects the rest at the next one.
 */
export async function reconcileAndWait(
  ctx: ReconcileContext,
  signal?: AbortSignal,
): Promise<ReconcileResult> {
  const memory = memoryOf(ctx);
  const result = await reconcileOnce({ ...ctx, memory }, signal);
  await memory.queue.settled();
  for (const done of memory.queue.takeFinished()) merge(result, done);
  result.provisioning = memory.queue.inFlight();
  return result;
}

/**
 * A run of an earlier lease term, refused before it acted (src/cloud/fenced.ts, src/store/fence.ts):
 * not a failed repair, so no error and no drift record. The daemon has said "lost the lease", or
 * leads again under a newer term whose own run does the work.
 */
export function refusedAsStale(log: Logger, endpoint: string, error: unknown): boolean {
  if (!(error instanceof LeaseFencedError)) return false;
  log.info(
    { endpoint, term: error.term, currentTerm: error.currentTerm },
    'reconcile run of an earlier lease term refused; nothing applied',
  );
  return true;
}

function merge(into: ReconcileResult, from: Outcome): void {
  into.drift.push(...from.drift);
  into.provisioned.push(...from.provisioned);
  into.tuner.push(...from.tuner);
}

function applyContext(ctx: ReconcileContext, endpoint: string, signal: AbortSignal): ApplyContext {
  return {
    cloud: ctx.cloud,
    clock: ctx.clock,
    progress: (line) => ctx.log.info({ endpoint }, line),
    pollIntervalMs: POLL_MS,
    timeoutMs: WAIT_TIMEOUT_MS,
    signal,
  };
}

/** An endpoint found Creating: wait until it settles, then plan again and finish it as new. */
function queueCreationLeftRunning(
  ctx: ReconcileContext,
  ep: EndpointPlan,
  enqueue: (item: QueuedWork<Outcome>) => void,
): void {
  const { cloud, config, clock, log } = ctx;
  const endpoint = config.endpoints.find((e) => e.name === ep.endpoint);
  if (!endpoint) return;
  log.info({ endpoint: ep.endpoint }, 'found Creating (left by an earlier run): waiting for it');
  enqueue({
    work: async (s) => {
      const apply = applyContext(ctx, ep.endpoint, s);
      await waitForSettled(ep.endpoint, apply);
      const again = await planEndpoint(cloud, config.project, endpoint, ep.desired);
      if (again.refused) throw new Error(again.refused);
      if (again.changes.length > 0) await applyEndpointPlan(apply, again);
    },
    done: (error) => {
      if (error === undefined) {
        log.info({ endpoint: ep.endpoint }, 'provisioned');
        return { drift: [], provisioned: [ep.endpoint], tuner: [] };
      }
      const message = (error as Error).message;
      log.error({ endpoint: ep.endpoint, err: message }, 'reconcile could not finish the endpoint');
      return {
        drift: [
          {
            endpoint: ep.endpoint,
            at: clock.now(),
            changes: changeLines(ep.changes),
            repaired: false,
            error: message,
          },
        ],
        provisioned: [],
        tuner: [],
      };
    },
  });
}

/** The store's JumpStart spec cache behind the resolver's async interface. */
export function storeSpecCache(store: Store, clock: Clock): JumpStartSpecCache {
  return {
    get: async (key) => (await store.specCache.get(key))?.json,
    put: async (key, json) => store.specCache.put({ key, json, fetchedAt: clock.now() }),
  };
}
