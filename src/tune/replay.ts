// One what-if run: a window of traffic through a fresh simulated region under one policy. Unlike the
// `simulate` runner, every request that arrived in the window is followed to its end (a drain period
// after the window, with no new arrivals), so a policy that strands requests cannot look fast by
// leaving them out of the percentile; cost still counts only instance time inside the window.
import { createDrivenSimCloud } from '../cloud/sim/sim-cloud.js';
import { RequestPool } from '../cloud/sim/requests.js';
import type { Policy } from '../simulate/policies.js';
import { provisionEndpoint, type SimulationSettings } from '../simulate/runner.js';
import { p95WithUnserved } from './select.js';

/** Traffic of one window: arrivals in seconds from `startMs`. */
export interface TrafficWindow {
  /** Absolute start (ms since the epoch): keep-warm crons fire on absolute time. */
  startMs: number;
  durationSeconds: number;
  arrivals: Float64Array;
  /** Processing seconds per request; absent: settings.defaultServiceSeconds. */
  service?: Float64Array;
}

export interface ReplayResult {
  requests: number;
  completed: number;
  /** Expired at their TTL, failed, or still waiting when the drain ended. */
  unserved: number;
  /** Billed instance-seconds inside the window. */
  instanceSeconds: number;
  coldStarts: number;
  /** Instances launched inside the window (a wake that launches two counts two). */
  launches: number;
  /** 95th percentile of time to result over every request, unserved ones counted as infinite. */
  p95Seconds: number;
  /** Largest time to result among completed requests. */
  maxSeconds: number;
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

// Replays run one after another; one set of request arrays serves them all.
const pool = new RequestPool();

const LEAD_IN_MS = 3_600_000;

/**
 * @param drainSeconds how long after the window the run continues so that queued work can finish;
 *   requests still waiting then count as unserved.
 */
export async function replay(
  policy: Policy,
  w: TrafficWindow,
  s: SimulationSettings,
  drainSeconds: number,
  bound?: ReplayBound,
): Promise<ReplayResult> {
  const t0 = w.startMs;
  const end = t0 + w.durationSeconds * 1000;
  const drainEnd = end + drainSeconds * 1000;
  const { engine, cloud } = createDrivenSimCloud(
    {
      region: s.region,
      seed: s.seed,
      boot: s.boot,
      startTime: t0 - LEAD_IN_MS,
      metricCapacityMinutes: Math.ceil((w.durationSeconds + drainSeconds) / 60) + 64,
    },
    undefined,
    pool,
  );
  const ep = await provisionEndpoint(engine, cloud, policy, s);
  engine.runUntil(t0);
  engine.record(ep, false);
  const coldBefore = ep.coldStarts;
  const launchesBefore = ep.launches;
  const completedBefore = ep.completed;
  const arrivals = w.arrivals;
  const service = w.service;
  const defaultMs = s.defaultServiceSeconds * 1000;
  const ttlMs = s.requestTtlSeconds * 1000;
  const timeoutMs = s.invocationTimeoutSeconds * 1000;
  let requests = 0;
  // Billing and expiries only grow: once past the bound, the rest of the run cannot bring them back.
  let nextCheck = t0 + CHECK_MS;
  const crossed = (): boolean =>
    bound !== undefined &&
    (ep.expired + ep.failed > bound.unserved ||
      engine.billedMs(ep, t0, engine.now) / 1000 > bound.instanceSeconds);
  for (let i = 0; i < arrivals.length; i++) {
    const t = t0 + (arrivals[i] as number) * 1000;
    if (t >= end) break;
    engine.runUntil(t);
    if (t >= nextCheck) {
      nextCheck = t + CHECK_MS;
      if (crossed()) return abandoned(requests);
    }
    engine.submit(ep, service ? (service[i] as number) * 1000 : defaultMs, ttlMs, timeoutMs);
    requests++;
  }
  engine.runUntil(end);
  if (crossed()) return abandoned(requests);
  const instanceSeconds = engine.billedMs(ep, t0, end) / 1000;
  const coldStarts = ep.coldStarts - coldBefore;
  const launches = ep.launches - launchesBefore;
  // Drain in steps so a run whose queue empties early stops early.
  const step = 600_000;
  while (ep.queue.size + ep.inFlight > 0 && engine.now < drainEnd) {
    engine.runUntil(Math.min(drainEnd, engine.now + step));
  }
  const ttr = ep.record ? ep.record.ttr.view() : new Float32Array(0);
  const completed = ep.completed - completedBefore;
  let max = 0;
  for (let i = 0; i < ttr.length; i++) if ((ttr[i] as number) > max) max = ttr[i] as number;
  return {
    requests,
    completed,
    unserved: requests - completed,
    instanceSeconds,
    coldStarts,
    launches,
    p95Seconds: p95WithUnserved(ttr, requests),
    maxSeconds: max,
    aborted: false,
  };
}

const CHECK_MS = 3_600_000;

function abandoned(requests: number): ReplayResult {
  return {
    requests,
    completed: 0,
    unserved: requests,
    instanceSeconds: Infinity,
    coldStarts: 0,
    launches: 0,
    p95Seconds: Infinity,
    maxSeconds: Infinity,
    aborted: true,
  };
}
