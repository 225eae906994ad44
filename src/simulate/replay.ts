// The one replay loop: a window of traffic through a fresh simulated region under one policy. The
// simulate command, the tuner (CLI and daemon) and the benchmarks all run it, so a figure means the
// same thing wherever it is printed.
//
// Timeline. The endpoint is created LEAD_IN_MS before the window and its policy installed as soon as it
// is InService, so at the window start each policy is in its own idle steady state (the presets have
// scaled to zero, always-on is running). Requests arrive at their trace times inside [start, end).
// After the window the run **drains**: it goes on, with no new arrivals, until every request has
// completed, failed or expired and the endpoint is back in its idle state (no queue, nothing running
// or booting, no more instances than the policy keeps at rest), and bills all of it. Work done is
// never free: a lone request after hours of idle costs its boot and its service, even when it arrives
// just before the window ends. `afterLastArrivalSeconds` says how much of the billed time fell after
// the last arrival (the serving and idle tail a policy pays for the last burst).
//
// Billing runs from the window start to max(window end, the moment the endpoint settled): an always-on
// fleet pays the whole window, a scale-to-zero policy pays until its last instance is gone. A run that
// has not settled by SETTLE_LIMIT_MS after the last request could have finished (its TTL plus its
// invocation timeout) stops there with `settled: false`; only a policy that never scales in does that.
import type { SimEngine } from '../cloud/sim/engine.js';
import { INST_DRAINING, type SimEndpoint } from '../cloud/sim/entities.js';
import { RequestPool } from '../cloud/sim/requests.js';
import { createDrivenSimCloud } from '../cloud/sim/sim-cloud.js';
import { scalableResourceId } from '../cloud/types.js';
import type { Policy } from './policies.js';
import { provisionEndpoint, SIM_ENDPOINT, type SimulationSettings } from './runner.js';
import { p95WithUnserved } from './select.js';

/** Traffic of one window: arrivals in seconds from `startMs`. */
export interface TrafficWindow {
  /** Absolute start (ms since the epoch): keep-warm crons fire on absolute time. */
  startMs: number;
  durationSeconds: number;
  /** Seconds from startMs, ascending; arrivals at or after durationSeconds are not sent. */
  arrivals: Float64Array;
  /** Processing seconds per request; absent: settings.defaultServiceSeconds. */
  service?: Float64Array;
}

export interface ReplayResult {
  /** Requests sent (arrivals inside the window). */
  requests: number;
  completed: number;
  expired: number;
  failed: number;
  /** requests - completed: expired, failed, or (only when the run did not settle) still waiting. */
  unserved: number;
  /** Billed instance-seconds from the window start until the run ended, drain included. */
  instanceSeconds: number;
  /** The part of instanceSeconds billed after the last arrival (0 without arrivals). */
  afterLastArrivalSeconds: number;
  /** Seconds from the window start to the end of the run (>= the window's length). */
  endSeconds: number;
  /** The endpoint reached its idle state; false: the run stopped at the settle limit. */
  settled: boolean;
  /** Wakes from zero instances. */
  coldStarts: number;
  /** Instances launched (a wake that launches two counts two). */
  launches: number;
  scaleOuts: number;
  scaleIns: number;
  /** Time to result (s) of each completed request, in completion order. */
  ttr: Float32Array;
  /** Nearest-rank 95th percentile over every request, unserved ones ranked as infinite. */
  p95Seconds: number;
  /** Largest time to result among completed requests (0 when none). */
  maxSeconds: number;
  /** Service start (s from the window start) and duration (s) of each started request, if recorded. */
  spans?: { starts: Float64Array; durations: Float64Array };
  /**
   * Billed instance count as a step function from the window start to the end of the run (when
   * asked: `recordCounts`): `at` in seconds from the window start, ascending; the first entry is the
   * count at the window start. Calibration counts wakes and scale-ins per day from it.
   */
  counts?: { at: Float64Array; count: Uint16Array };
  /** Engine events processed during the window and the drain. */
  events: number;
  /**
   * The run stopped early because it could no longer stay within `bound`: the figures are partial
   * and only say that the bound was crossed.
   */
  aborted: boolean;
}

/** Limits past which a run is abandoned (branch and bound: it can no longer beat the incumbent). */
export interface ReplayBound {
  instanceSeconds: number;
  unserved: number;
}

export interface ReplayOptions {
  bound?: ReplayBound;
  /** Keep each request's service start and duration (for the oracle property tests). */
  recordSpans?: boolean;
  /** Keep the billed instance count over time (`ReplayResult.counts`). */
  recordCounts?: boolean;
}

/** How long before the window the endpoint is created, so each policy starts in its idle state. */
export const LEAD_IN_MS = 3_600_000;
/**
 * How long past the moment every request could have ended the run may go on waiting for the endpoint
 * to settle: the longest idle rule sagezero accepts is 1440 minutes, plus room for cooldowns.
 */
export const SETTLE_LIMIT_MS = 26 * 3_600_000;
const MINUTE_MS = 60_000;
/** How often (virtual time) a bounded run checks whether it has crossed its bound. */
const CHECK_MS = 3_600_000;

// Replays run one after another; one set of request arrays serves them all.
const pool = new RequestPool();

export async function replay(
  policy: Policy,
  w: TrafficWindow,
  s: SimulationSettings,
  opts: ReplayOptions = {},
): Promise<ReplayResult> {
  const { bound } = opts;
  const t0 = w.startMs;
  const end = t0 + w.durationSeconds * 1000;
  const ttlMs = s.requestTtlSeconds * 1000;
  const timeoutMs = s.invocationTimeoutSeconds * 1000;
  const { engine, cloud } = createDrivenSimCloud(
    {
      ...s.simOptions,
      region: s.region,
      seed: s.seed,
      boot: s.boot,
      startTime: t0 - LEAD_IN_MS,
      metricCapacityMinutes: Math.ceil(w.durationSeconds / 60) + 64,
    },
    undefined,
    pool,
  );
  const ep = await provisionEndpoint(engine, cloud, policy, s);
  engine.runUntil(t0);
  engine.record(ep, opts.recordSpans === true);
  const before = {
    coldStarts: ep.coldStarts,
    launches: ep.launches,
    scaleOuts: ep.scaleOuts,
    scaleIns: ep.scaleIns,
    completed: ep.completed,
    expired: ep.expired,
    failed: ep.failed,
    events: engine.eventsProcessed,
  };
  // What the policy keeps at rest: the scalable target's minimum (keep-warm actions move it), or the
  // fleet an always-on policy runs.
  const resting = restingCount(engine, ep, policy);

  const arrivals = w.arrivals;
  const service = w.service;
  const defaultMs = s.defaultServiceSeconds * 1000;
  let requests = 0;
  let lastArrival = NaN;
  let nextCheck = t0 + CHECK_MS;
  const crossed = (): boolean =>
    bound !== undefined &&
    (ep.expired + ep.failed - before.expired - before.failed > bound.unserved ||
      engine.billedMs(ep, t0, engine.now) / 1000 > bound.instanceSeconds);
  for (let i = 0; i < arrivals.length; i++) {
    const t = t0 + (arrivals[i] as number) * 1000;
    if (t >= end) break;
    engine.runUntil(t);
    if (t >= nextCheck) {
      nextCheck = t + CHECK_MS;
      // Billing and expiries only grow: once past the bound, the rest of the run cannot undo it.
      if (crossed()) return abandoned(requests);
    }
    engine.submit(ep, service ? (service[i] as number) * 1000 : defaultMs, ttlMs, timeoutMs);
    requests++;
    lastArrival = t;
  }
  engine.runUntil(end);

  // Drain: minute by minute (alarms act on minute boundaries) until the endpoint is idle again.
  const limit = (requests > 0 ? Math.max(end, lastArrival + ttlMs + timeoutMs) : end) + SETTLE_LIMIT_MS;
  let settled = isIdle(engine, ep, resting(engine.now));
  while (!settled && engine.now < limit) {
    engine.runUntil(Math.min(limit, engine.now + MINUTE_MS));
    if (engine.now >= nextCheck) {
      nextCheck = engine.now + CHECK_MS;
      if (crossed()) return abandoned(requests);
    }
    settled = isIdle(engine, ep, resting(engine.now));
  }
  const stop = engine.now;
  if (crossed()) return abandoned(requests);

  const rec = ep.record;
  const ttr = rec ? rec.ttr.view().slice() : new Float32Array(0);
  const completed = ep.completed - before.completed;
  let max = 0;
  for (let i = 0; i < ttr.length; i++) if ((ttr[i] as number) > max) max = ttr[i] as number;
  const result: ReplayResult = {
    requests,
    completed,
    expired: ep.expired - before.expired,
    failed: ep.failed - before.failed,
    unserved: requests - completed,
    instanceSeconds: engine.billedMs(ep, t0, stop) / 1000,
    afterLastArrivalSeconds: requests > 0 ? engine.billedMs(ep, lastArrival, stop) / 1000 : 0,
    endSeconds: (stop - t0) / 1000,
    settled,
    coldStarts: ep.coldStarts - before.coldStarts,
    launches: ep.launches - before.launches,
    scaleOuts: ep.scaleOuts - before.scaleOuts,
    scaleIns: ep.scaleIns - before.scaleIns,
    ttr,
    p95Seconds: p95WithUnserved(ttr, requests),
    maxSeconds: max,
    events: engine.eventsProcessed - before.events,
    aborted: false,
  };
  if (opts.recordCounts) result.counts = billedCounts(ep, t0, stop);
  if (rec?.starts && rec.durations) {
    result.spans = {
      starts: rec.starts.view().map((x) => (x - t0) / 1000),
      durations: rec.durations.view().map((x) => x / 1000),
    };
  }
  return result;
}

/** The billed instance count (launched, not yet terminated) over [t0, stop], as a step function. */
function billedCounts(ep: SimEndpoint, t0: number, stop: number): ReplayResult['counts'] & object {
  const edges: [number, number][] = [];
  let initial = 0;
  for (const inst of ep.instances) {
    const end = Number.isNaN(inst.terminatedAt) ? Infinity : inst.terminatedAt;
    if (end <= t0 || inst.launchedAt > stop) continue;
    if (inst.launchedAt <= t0) initial++;
    else edges.push([inst.launchedAt, 1]);
    if (end <= stop) edges.push([end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0]);
  const at = [0];
  const count = [initial];
  let n = initial;
  for (const [t, d] of edges) {
    n += d;
    const s = (t - t0) / 1000;
    if (at[at.length - 1] === s) count[count.length - 1] = n;
    else if (count[count.length - 1] !== n) {
      at.push(s);
      count.push(n);
    }
  }
  return { at: Float64Array.from(at), count: Uint16Array.from(count) };
}

function restingCount(engine: SimEngine, ep: SimEndpoint, policy: Policy): (now: number) => number {
  if (policy.kind === 'always-on') return () => policy.instances;
  const id = scalableResourceId(SIM_ENDPOINT, ep.variantName);
  return () => engine.aas.targets.get(id)?.minCapacity ?? 0;
}

/** Nothing queued, running or booting, and no more instances than the policy keeps at rest. */
function isIdle(engine: SimEngine, ep: SimEndpoint, resting: number): boolean {
  if (ep.queue.size > 0 || ep.inFlight > 0 || ep.bootingCount > 0) return false;
  if (ep.status !== 'InService') return false;
  let draining = 0;
  for (const inst of ep.live) if (inst.state === INST_DRAINING) draining++;
  return draining === 0 && ep.readyCount <= resting && engine.servingCount(ep) <= resting;
}

function abandoned(requests: number): ReplayResult {
  return {
    requests,
    completed: 0,
    expired: 0,
    failed: 0,
    unserved: requests,
    instanceSeconds: Infinity,
    afterLastArrivalSeconds: 0,
    endSeconds: NaN,
    settled: false,
    coldStarts: 0,
    launches: 0,
    scaleOuts: 0,
    scaleIns: 0,
    ttr: new Float32Array(0),
    p95Seconds: Infinity,
    maxSeconds: Infinity,
    events: 0,
    aborted: true,
  };
}
