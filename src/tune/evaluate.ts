// A candidate policy's figures on one window of traffic, and the order the search ranks them in.
import { typicalBootSeconds } from '../cloud/sim/boot.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { deadlineOptimum } from '../simulate/deadline.js';
import { oracleCost } from '../simulate/oracle.js';
import { replay, type TrafficWindow } from '../simulate/replay.js';
import type { SimulationSettings } from '../simulate/runner.js';
import type { Objective } from './config.js';

export interface Evaluation {
  requests: number;
  /** Every billed instance-second of the drained replay (src/simulate/replay.ts), in USD. */
  costUsd: number;
  /** The part of costUsd billed after the window's last arrival. */
  afterLastArrivalUsd: number;
  /** The zero-wait oracle of the window: a reference, not a floor for policies that queue. */
  oracleUsd: number;
  /** cost / oracle; null when the oracle costs nothing (no traffic). */
  costToOracle: number | null;
  /** The deadline optimum (every request within the objective's time to result); see deadline.ts. */
  deadlineOptimumUsd: number;
  deadlineOptimumExact: boolean;
  /** cost / deadline optimum; null when it costs nothing. */
  costToDeadlineOptimum: number | null;
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
  oracleUsd: number;
  deadlineOptimumUsd: number;
  deadlineOptimumExact: boolean;
}

export function windowContext(
  window: TrafficWindow,
  settings: SimulationSettings,
  pricePerHourUsd: number,
  objective: Objective,
): WindowContext {
  const service =
    window.service ?? new Float64Array(window.arrivals.length).fill(settings.defaultServiceSeconds);
  const boot = typicalBootSeconds(settings.boot);
  // No horizon: the replays bill every request of the window to its end, so the references do too.
  const oracle = oracleCost(window.arrivals, service, boot, settings.concurrency, Infinity);
  const optimum = deadlineOptimum(
    window.arrivals,
    service,
    boot,
    settings.concurrency,
    objective.p95TimeToResultSeconds,
  );
  const usd = (seconds: number): number => (seconds / 3600) * pricePerHourUsd;
  return {
    window,
    settings,
    pricePerHourUsd,
    objective,
    oracleUsd: usd(oracle.instanceSeconds),
    deadlineOptimumUsd: usd(optimum.instanceSeconds),
    deadlineOptimumExact: optimum.exact,
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
  const r = await replay({ kind: 'scaling', name: 'candidate', scaling }, ctx.window, ctx.settings, {
    ...(bound && {
      bound: { instanceSeconds: (bound.costUsd / ctx.pricePerHourUsd) * 3600, unserved: bound.unserved },
    }),
  });
  const costUsd = (r.instanceSeconds / 3600) * ctx.pricePerHourUsd;
  const p95 = r.requests === 0 ? 0 : r.p95Seconds;
  return {
    requests: r.requests,
    costUsd,
    afterLastArrivalUsd: (r.afterLastArrivalSeconds / 3600) * ctx.pricePerHourUsd,
    oracleUsd: ctx.oracleUsd,
    costToOracle: ctx.oracleUsd > 0 ? costUsd / ctx.oracleUsd : null,
    deadlineOptimumUsd: ctx.deadlineOptimumUsd,
    deadlineOptimumExact: ctx.deadlineOptimumExact,
    costToDeadlineOptimum: ctx.deadlineOptimumUsd > 0 ? costUsd / ctx.deadlineOptimumUsd : null,
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
