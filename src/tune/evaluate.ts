// A candidate policy's figures on one window of traffic, and the order the search ranks them in.
import { typicalBootSeconds } from '../cloud/sim/boot.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { oracleCost } from '../simulate/oracle.js';
import type { SimulationSettings } from '../simulate/runner.js';
import type { Objective } from './config.js';
import { replay, type TrafficWindow } from './replay.js';

export interface Evaluation {
  requests: number;
  costUsd: number;
  oracleUsd: number;
  /** cost / oracle; null when the oracle costs nothing (no traffic). */
  costToOracle: number | null;
  /** Over every request; unserved ones count as infinite (JSON: null). */
  p95TimeToResultSeconds: number;
  /** Expired, failed, or never served. */
  expired: number;
  coldStarts: number;
  /** Instances launched (more than cold starts when a wake launches a second one). */
  launches: number;
  meetsObjective: boolean;
  /** The replay was abandoned past a cost or expiry bound: it cannot beat the policy that set it. */
  aborted: boolean;
}

/** A candidate is abandoned once it costs more than this or leaves more unserved. */
export interface EvaluationBound {
  costUsd: number;
  unserved: number;
}

export interface WindowContext {
  window: TrafficWindow;
  settings: SimulationSettings;
  pricePerHourUsd: number;
  objective: Objective;
  drainSeconds: number;
  oracleUsd: number;
}

export function windowContext(
  window: TrafficWindow,
  settings: SimulationSettings,
  pricePerHourUsd: number,
  objective: Objective,
  bootP90Seconds: number,
): WindowContext {
  const service =
    window.service ?? new Float64Array(window.arrivals.length).fill(settings.defaultServiceSeconds);
  const oracle = oracleCost(
    window.arrivals,
    service,
    typicalBootSeconds(settings.boot),
    settings.concurrency,
    window.durationSeconds,
  );
  // Long enough for anything the objective allows to finish, bounded by the request TTL.
  const drainSeconds = Math.min(
    settings.requestTtlSeconds + 60,
    Math.max(3600, 2 * Math.min(objective.p95TimeToResultSeconds, 21_600), 3 * bootP90Seconds),
  );
  return {
    window,
    settings,
    pricePerHourUsd,
    objective,
    drainSeconds,
    oracleUsd: (oracle.instanceSeconds / 3600) * pricePerHourUsd,
  };
}

export function meets(objective: Objective, p95: number, expired: number, asChange = false): boolean {
  const allowed = objective.maxExpired - (asChange ? expiryNoiseMargin(objective.maxExpired) : 0);
  return p95 <= objective.p95TimeToResultSeconds && expired <= allowed;
}

/**
 * Room a change must leave under an allowance of `maxExpired` unserved requests: a count of n moves by
 * about its square root between replays (boot draws, arrival spreading), so a change that only just
 * fits on the history would leave more on new traffic about half the time. Keeping the current
 * policy needs no such room.
 */
export function expiryNoiseMargin(maxExpired: number): number {
  if (!(maxExpired > 0) || !Number.isFinite(maxExpired)) return 0;
  return Math.min(maxExpired, Math.ceil(2 * Math.sqrt(maxExpired)));
}

/** @param asChange judge the objective as for a change from the current policy (expiryNoiseMargin). */
export async function evaluate(
  ctx: WindowContext,
  scaling: ScalingConfig,
  bound?: EvaluationBound,
  asChange = false,
): Promise<Evaluation> {
  const r = await replay(
    { kind: 'scaling', name: 'candidate', scaling },
    ctx.window,
    ctx.settings,
    ctx.drainSeconds,
    bound && { instanceSeconds: (bound.costUsd / ctx.pricePerHourUsd) * 3600, unserved: bound.unserved },
  );
  const costUsd = (r.instanceSeconds / 3600) * ctx.pricePerHourUsd;
  const p95 = r.requests === 0 ? 0 : r.p95Seconds;
  return {
    requests: r.requests,
    costUsd,
    oracleUsd: ctx.oracleUsd,
    costToOracle: ctx.oracleUsd > 0 ? costUsd / ctx.oracleUsd : null,
    p95TimeToResultSeconds: p95,
    expired: r.unserved,
    coldStarts: r.coldStarts,
    launches: r.launches,
    meetsObjective: !r.aborted && meets(ctx.objective, p95, r.unserved, asChange),
    aborted: r.aborted,
  };
}

/**
 * Costs this close are the same to the search: simulated costs move by a boot here and there with the
 * random draws, and a policy chosen for a saving that small would not keep it on new traffic.
 */
export function costTie(a: number, b: number): number {
  return Math.max(0.01, 0.01 * Math.min(a, b));
}

/**
 * Negative when `a` ranks before `b`: a policy meeting the objective before one that does not; among
 * those that meet it the cheaper (costs within a cent and 1% are a tie, then the faster); among
 * those that do not, the one that misses by less (fewer unserved requests, then a lower p95), then
 * the cheaper.
 */
export function compareEvaluations(a: Evaluation, b: Evaluation, objective: Objective): number {
  if (a.meetsObjective !== b.meetsObjective) return a.meetsObjective ? -1 : 1;
  const tie = costTie(a.costUsd, b.costUsd);
  if (a.meetsObjective) {
    if (Math.abs(a.costUsd - b.costUsd) > tie) return a.costUsd - b.costUsd;
    return a.p95TimeToResultSeconds - b.p95TimeToResultSeconds || a.costUsd - b.costUsd;
  }
  const exA = Math.max(0, a.expired - objective.maxExpired);
  const exB = Math.max(0, b.expired - objective.maxExpired);
  if (exA !== exB) return exA - exB;
  const pA = Math.max(objective.p95TimeToResultSeconds, a.p95TimeToResultSeconds);
  const pB = Math.max(objective.p95TimeToResultSeconds, b.p95TimeToResultSeconds);
  if (pA !== pB) return pA === Infinity ? 1 : pB === Infinity ? -1 : pA - pB;
  return a.costUsd - b.costUsd;
}
