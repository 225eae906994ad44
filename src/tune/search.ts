// The search: coordinate descent over groups of parameters, every candidate replayed through the
// simulated cloud and ranked by compareEvaluations (cheapest meeting the objective). Parameters that
// interact are searched together: the idle timeout with the keep-warm windows (a short timeout is
// only acceptable when a window meets the recurring burst), the capacity with the backlog target.
// Groups whose parameters cannot matter for this traffic are skipped (more than one instance is
// never needed when the oracle never runs two). Every replay is cached by policy, so the second
// round only pays for the combinations the first one changed.
import type { ScalingConfig } from '../config/scaling-schema.js';
import {
  compareEvaluations,
  costTie,
  evaluate,
  type Evaluation,
  type EvaluationBound,
  type WindowContext,
} from './evaluate.js';
import {
  applyIdle,
  maxCapacityChoices,
  policyKey,
  scaleInCooldownChoices,
  scaleOutCooldownChoices,
  targetBacklogChoices,
  WAKE_CHOICES,
  withKeepWarm,
  type IdleChoice,
} from './space.js';
import type { KeepWarmWindow } from '../config/scaling-schema.js';

export interface SearchSpace {
  idle: IdleChoice[];
  keepWarm: KeepWarmWindow[][];
  bootP90Seconds: number;
  oraclePeak: number;
}

export interface SearchOutcome {
  best: ScalingConfig;
  bestEvaluation: Evaluation;
  current: Evaluation;
  /** Replays run (abandoned ones included). */
  evaluated: number;
  rounds: number;
}

const MAX_ROUNDS = 3;

export async function searchPolicy(
  ctx: WindowContext,
  current: ScalingConfig,
  space: SearchSpace,
): Promise<SearchOutcome> {
  const currentKey = policyKey(current);
  // An abandoned replay stands for "worse than a bound"; it answers again only for a tighter bound.
  const cache = new Map<string, { evaluation: Evaluation; bound: EvaluationBound | undefined }>();
  let replays = 0;
  const run = async (s: ScalingConfig, bound?: EvaluationBound): Promise<Evaluation> => {
    const k = policyKey(s);
    const hit = cache.get(k);
    if (
      hit &&
      (!hit.evaluation.aborted ||
        (bound && hit.bound && bound.costUsd <= hit.bound.costUsd && bound.unserved <= hit.bound.unserved))
    )
      return hit.evaluation;
    replays++;
    const evaluation = await evaluate(ctx, s, bound, k !== currentKey);
    cache.set(k, { evaluation, bound });
    return evaluation;
  };
  const cmp = (a: Evaluation, b: Evaluation): number => compareEvaluations(a, b, ctx.objective);

  let inc = current;
  let incEval = await run(current);
  const currentEval = incEval;

  /** Replays the variants (in order) and moves to the best one that ranks strictly before inc. */
  const consider = async (variants: ScalingConfig[]): Promise<boolean> => {
    let moved = false;
    for (const v of variants) {
      // Once the incumbent meets the objective, a candidate that costs more (beyond a tie) or leaves
      // more unserved than allowed can only lose: its replay stops there.
      const bound: EvaluationBound | undefined = incEval.meetsObjective
        ? {
            costUsd: incEval.costUsd + costTie(incEval.costUsd, incEval.costUsd),
            unserved: ctx.objective.maxExpired,
          }
        : undefined;
      const e = await run(v, bound);
      if (cmp(e, incEval) < 0) {
        inc = v;
        incEval = e;
        moved = true;
      }
    }
    return moved;
  };

  // Fewer instances than the history ever needed at once would queue what it shows; more than the
  // current maximum only where the oracle needed them.
  const capacityFloor = Math.min(current.maxCapacity, Math.max(1, space.oraclePeak));
  // With a keep-warm window the idle timeout only has to cover the traffic outside it: the short
  // timeouts (and AWS's own) are the ones worth pairing with a window.
  const shortIdle = [
    ...space.idle.filter((c) => c.kind === 'step').slice(0, 4),
    ...space.idle.filter((c) => c.kind === 'target-tracking'),
  ];
  const groups: ((s: ScalingConfig) => ScalingConfig[])[] = [
    (s) => WAKE_CHOICES.map((wake) => ({ ...s, wake })),
    (s) =>
      scaleOutCooldownChoices(s.scaleOutCooldownSeconds, space.bootP90Seconds).map((c) => ({
        ...s,
        scaleOutCooldownSeconds: c,
      })),
    (s) => space.idle.map((c) => withKeepWarm(applyIdle(s, c), s.keepWarm)),
    (s) =>
      space.keepWarm.flatMap((kw) =>
        kw.length === 0
          ? [withKeepWarm(s, kw)]
          : [s, ...shortIdle.map((c) => applyIdle(s, c))].map((v) => withKeepWarm(v, kw)),
      ),
    (s) =>
      maxCapacityChoices(s.maxCapacity, space.oraclePeak)
        .filter((m) => m >= capacityFloor)
        .map((m) => ({ ...s, maxCapacity: m })),
    (s) =>
      s.maxCapacity > 1
        ? targetBacklogChoices(s.targetBacklogPerInstance).map((t) => ({ ...s, targetBacklogPerInstance: t }))
        : [],
    (s) =>
      s.maxCapacity > 1
        ? scaleInCooldownChoices(s.scaleInCooldownSeconds).map((c) => ({ ...s, scaleInCooldownSeconds: c }))
        : [],
  ];

  let rounds = 0;
  for (; rounds < MAX_ROUNDS;) {
    rounds++;
    let moved = false;
    for (const g of groups) {
      const variants = g(inc).filter((v) => v.minCapacity <= v.maxCapacity);
      if (await consider(variants)) moved = true;
    }
    if (!moved) break;
  }

  // The smallest change that does as well: a parameter the descent moved along the way but that no
  // longer matters (a wake alarm on an endpoint that now stays warm) goes back to its current value,
  // so the recommendation (and each guardrail step) changes only what earns its keep.
  for (const revert of REVERTS) {
    const v = revert(inc, current);
    if (policyKey(v) === policyKey(inc) || v.minCapacity > v.maxCapacity) continue;
    const e = await run(v);
    const keeps = incEval.meetsObjective
      ? e.meetsObjective && e.costUsd <= incEval.costUsd + costTie(incEval.costUsd, e.costUsd)
      : cmp(e, incEval) <= 0;
    if (keeps) {
      inc = v;
      incEval = e;
    }
  }
  return { best: inc, bestEvaluation: incEval, current: currentEval, evaluated: replays, rounds };
}

/** Each takes one group of parameters of the candidate back to the current policy's values. */
const REVERTS: ((s: ScalingConfig, c: ScalingConfig) => ScalingConfig)[] = [
  (s, c) => ({ ...s, wake: c.wake }),
  (s, c) => ({ ...s, scaleOutCooldownSeconds: c.scaleOutCooldownSeconds }),
  (s, c) => ({ ...s, scaleInCooldownSeconds: c.scaleInCooldownSeconds }),
  (s, c) => ({ ...s, targetBacklogPerInstance: c.targetBacklogPerInstance }),
  (s, c) => ({ ...s, maxCapacity: c.maxCapacity }),
  (s, c) => ({ ...s, keepWarm: c.keepWarm }),
  (s, c) => ({ ...s, minCapacity: c.minCapacity, idle: c.idle }),
];
