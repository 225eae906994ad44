// The tuner's core: given an endpoint's traffic history, its boot-time distribution, price and
// objective, choose the cheapest scaling policy that meets the objective on the older part of the
// history, then replay both the current and the chosen policy on the newest part, so overfitting shows.
import { typicalBootSeconds } from '../cloud/sim/boot.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { oracleCost } from '../simulate/oracle.js';
import type { SimulationSettings } from '../simulate/runner.js';
import type { BootEstimate } from './coldstart.js';
import type { Objective } from './config.js';
import { evaluate, windowContext, type Evaluation } from './evaluate.js';
import { candidateSteps, classesChanged, type ParamClass, type StepOption } from './guardrails.js';
import { findRecurringBursts, idleGaps, keepWarmOptions, type RecurringBurst } from './patterns.js';
import type { TrafficWindow } from '../simulate/replay.js';
import { searchPolicy } from './search.js';
import { idleChoices } from './space.js';
import { canonicalScaling, scalingYaml } from './yaml.js';

const DAY_S = 86_400;

export interface TuneProblem {
  endpoint: string;
  history: TrafficWindow;
  /** Share of the history the policy is chosen on (the rest checks it). Default 2/3. */
  trainFraction?: number;
  /** Instance type, region, concurrency, TTL, service time; `boot` is taken from `boot`. */
  settings: Omit<SimulationSettings, 'boot' | 'dayStart'>;
  boot: BootEstimate;
  pricePerHourUsd: number;
  objective: Objective;
  current: ScalingConfig;
  /** Also replay the bounded steps toward the recommendation (for mode: apply). */
  withSteps?: boolean;
}

export interface PolicyFigures {
  scaling: ScalingConfig;
  /** On the older part of the history (where the policy was chosen). */
  choose: Evaluation;
  /** On the newest part; null when the history is too short to hold one out. */
  check: Evaluation | null;
}

export interface TuneResult {
  endpoint: string;
  window: { start: number; split: number; end: number };
  inputs: {
    requests: { choose: number; check: number };
    boot: { source: BootEstimate['source']; samples: number; medianSeconds: number; p90Seconds: number };
    serviceSeconds: number;
    pricePerHourUsd: number;
    concurrency: number;
    objective: Objective;
  };
  current: PolicyFigures;
  recommended: PolicyFigures;
  /** Parameter classes the recommendation changes. */
  changed: ParamClass[];
  /** The `scaling:` block of the recommendation, as YAML. */
  yaml: string;
  /**
   * For `mode: apply`: the bounded steps from the current policy toward the recommendation (one
   * parameter class each), replayed on the part the choice was made on; input to decideApply.
   * Empty unless asked for (withSteps).
   */
  steps: StepOption[];
  search: {
    evaluated: number;
    rounds: number;
    idleCandidates: number;
    keepWarmOptions: number;
    recurringBursts: RecurringBurst[];
  };
  notes: string[];
}

/** Splits a history at `fraction` (whole days when it spans three or more), newest part re-based. */
export function splitHistory(
  h: TrafficWindow,
  fraction: number,
): { choose: TrafficWindow; check: TrafficWindow | null } {
  let cut = Math.floor((h.durationSeconds * fraction) / 60) * 60;
  if (h.durationSeconds >= 3 * DAY_S) cut = Math.max(DAY_S, Math.round(cut / DAY_S) * DAY_S);
  if (cut <= 0 || cut >= h.durationSeconds) return { choose: h, check: null };
  let k = 0;
  while (k < h.arrivals.length && (h.arrivals[k] as number) < cut) k++;
  const choose: TrafficWindow = {
    startMs: h.startMs,
    durationSeconds: cut,
    arrivals: h.arrivals.subarray(0, k),
    ...(h.service ? { service: h.service.subarray(0, k) } : {}),
  };
  const check: TrafficWindow = {
    startMs: h.startMs + cut * 1000,
    durationSeconds: h.durationSeconds - cut,
    arrivals: h.arrivals.subarray(k).map((a) => a - cut),
    ...(h.service ? { service: h.service.subarray(k) } : {}),
  };
  return { choose, check };
}

export async function tuneTraffic(p: TuneProblem): Promise<TuneResult> {
  const notes: string[] = [];
  let { choose, check } = splitHistory(p.history, p.trainFraction ?? 2 / 3);
  if (check && choose.arrivals.length === 0 && check.arrivals.length > 0) {
    // Nothing to choose on in the older part: choosing there would keep any policy, and the check
    // would then judge a choice that was never made. Use the whole history and say it is unchecked.
    notes.push(
      `the history is too short to split: its first ${Math.round(choose.durationSeconds / 60)} min hold no requests ` +
        `(all ${check.arrivals.length} are in the last ${Math.round(check.durationSeconds / 60)} min), so the policy ` +
        'is chosen on the whole history and not checked on held-out traffic',
    );
    choose = p.history;
    check = null;
  } else if (!check) notes.push('the history is too short to hold out a part for checking');
  const settings: SimulationSettings = {
    ...p.settings,
    boot: p.boot.distribution,
    dayStart: 0,
  };
  const chooseCtx = windowContext(choose, settings, p.pricePerHourUsd, p.objective);
  const checkCtx = check ? windowContext(check, settings, p.pricePerHourUsd, p.objective) : undefined;
  if (p.boot.source === 'prior')
    notes.push(
      `no measured cold start yet: assumed a boot of ${Math.round(p.boot.medianSeconds)} s (tune.coldStartPriorSeconds)`,
    );

  const gaps = idleGaps(choose.arrivals, choose.service, settings.defaultServiceSeconds);
  const bursts = findRecurringBursts(choose.arrivals, choose.startMs, choose.durationSeconds);
  const kw = keepWarmOptions(bursts, p.boot.p90Seconds);
  const idle = idleChoices(gaps);
  const oracle = oracleCost(
    choose.arrivals,
    choose.service ?? new Float64Array(choose.arrivals.length).fill(settings.defaultServiceSeconds),
    typicalBootSeconds(settings.boot),
    settings.concurrency,
    choose.durationSeconds,
  );

  const current = canonicalScaling(p.current);
  let best = current;
  let evaluated = 1;
  let rounds = 0;
  let currentChoose: Evaluation;
  let bestChoose: Evaluation;
  if (choose.arrivals.length === 0) {
    notes.push('no requests in the history: nothing to tune on, the current policy stays');
    currentChoose = await evaluate(chooseCtx, current);
    bestChoose = currentChoose;
  } else {
    const outcome = await searchPolicy(chooseCtx, current, {
      idle,
      keepWarm: kw,
      bootP90Seconds: p.boot.p90Seconds,
      oraclePeak: oracle.peakInstances,
    });
    best = canonicalScaling(outcome.best);
    evaluated = outcome.evaluated;
    rounds = outcome.rounds;
    currentChoose = outcome.current;
    bestChoose = outcome.bestEvaluation;
    if (!bestChoose.meetsObjective)
      notes.push(
        currentChoose.meetsObjective
          ? 'no candidate meets the objective on the history; the recommendation misses it by the least'
          : 'neither the current policy nor any candidate meets the objective on the history (unserved requests ' +
              'count as infinitely late): no saving is claimed; the recommendation is the one that misses it by the least',
      );
  }
  const steps: StepOption[] = [];
  for (const st of p.withSteps ? candidateSteps(current, best) : []) {
    const e = await evaluate(chooseCtx, st.scaling, undefined, true);
    steps.push({
      cls: st.cls,
      scaling: st.scaling,
      expectedCostUsd: e.costUsd,
      meetsObjective: e.meetsObjective,
    });
  }
  const [currentCheck, bestCheck] = checkCtx
    ? await Promise.all([evaluate(checkCtx, current), evaluate(checkCtx, best)])
    : [null, null];
  if (bestCheck && !bestCheck.meetsObjective && bestChoose.meetsObjective)
    notes.push('the recommendation meets the objective on the older part but not on the newest part');
  if (check && choose.durationSeconds > 0 && check.durationSeconds > 0) {
    const perDay = (w: TrafficWindow): number => (w.arrivals.length * DAY_S) / w.durationSeconds;
    const [older, newer] = [perDay(choose), perDay(check)];
    if (Math.max(older, newer) > 4 * Math.max(1, Math.min(older, newer))) {
      notes.push(
        `the traffic changed: ${Math.round(older)} requests a day in the older part, ${Math.round(newer)} in the ` +
          'newest; a policy chosen on the older part may not carry over',
      );
    }
  }
  if (best.maxCapacity > current.maxCapacity) {
    notes.push(
      `raises maxCapacity from ${current.maxCapacity} to ${best.maxCapacity}: check the account's SageMaker ` +
        `instance quota for ${settings.instanceType}`,
    );
  }

  return {
    endpoint: p.endpoint,
    window: {
      start: p.history.startMs,
      split: choose.startMs + choose.durationSeconds * 1000,
      end: p.history.startMs + p.history.durationSeconds * 1000,
    },
    inputs: {
      requests: { choose: choose.arrivals.length, check: check?.arrivals.length ?? 0 },
      boot: {
        source: p.boot.source,
        samples: p.boot.samples,
        medianSeconds: p.boot.medianSeconds,
        p90Seconds: p.boot.p90Seconds,
      },
      serviceSeconds: settings.defaultServiceSeconds,
      pricePerHourUsd: p.pricePerHourUsd,
      concurrency: settings.concurrency,
      objective: p.objective,
    },
    current: { scaling: current, choose: currentChoose, check: currentCheck },
    recommended: { scaling: best, choose: bestChoose, check: bestCheck },
    changed: classesChanged(current, best),
    yaml: scalingYaml(best),
    steps,
    search: {
      evaluated,
      rounds,
      idleCandidates: idle.length,
      keepWarmOptions: kw.length,
      recurringBursts: bursts,
    },
    notes,
  };
}
