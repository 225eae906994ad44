// Guardrails for `tune.mode: apply`, as pure decisions over inputs the daemon gathers: whether to take
// one bounded step toward the recommended policy now, and whether a change already made must be
// rolled back. The daemon persists TuneState (JSON) between runs.
//
// - Bounded change per step: one parameter class per run, and the idle timeout moves by at most a
//   factor of two (an always-warm endpoint starts from the longest timeout).
// - No change while a probe or a scale-out is in flight (the daemon says so).
// - No change while the last one is still being watched (settleMs), so a rollback compares like
//   with like.
// - Hysteresis: a step must be expected to save at least minImprovement of the current cost, and
//   going back to a policy used recently needs three times that; a policy that was rolled back is
//   not tried again for banMs. Two policies whose simulated costs differ by noise can therefore not
//   alternate.
// - Rollback when the observed p95 or expiries after a change break the objective, unless the
//   objective was already broken before the change and the change did not make it worse.
import { TARGET_TRACKING_IDLE_MINUTES, type ScalingConfig } from '../config/scaling-schema.js';
import type { Objective } from './config.js';
import { IDLE_GRID, policyKey } from './space.js';

/** Parameter classes; a step changes one. "idle" is when an instance is kept: minimum, idle rule, windows. */
export const PARAM_CLASSES = ['idle', 'wake', 'cooldowns', 'capacity'] as const;
export type ParamClass = (typeof PARAM_CLASSES)[number];

export function classesChanged(a: ScalingConfig, b: ScalingConfig): ParamClass[] {
  const out: ParamClass[] = [];
  const idleA = [
    a.minCapacity,
    a.idle.mode,
    a.idle.mode === 'step' ? a.idle.minutes : 0,
    JSON.stringify(a.keepWarm),
  ];
  const idleB = [
    b.minCapacity,
    b.idle.mode,
    b.idle.mode === 'step' ? b.idle.minutes : 0,
    JSON.stringify(b.keepWarm),
  ];
  if (JSON.stringify(idleA) !== JSON.stringify(idleB)) out.push('idle');
  if (JSON.stringify(a.wake) !== JSON.stringify(b.wake)) out.push('wake');
  if (
    a.scaleOutCooldownSeconds !== b.scaleOutCooldownSeconds ||
    a.scaleInCooldownSeconds !== b.scaleInCooldownSeconds
  )
    out.push('cooldowns');
  if (a.maxCapacity !== b.maxCapacity || a.targetBacklogPerInstance !== b.targetBacklogPerInstance)
    out.push('capacity');
  return out;
}

/** Minutes an idle endpoint keeps its last instance (Infinity: never below one instance). */
export function effectiveIdleMinutes(s: ScalingConfig): number {
  if (s.minCapacity >= 1) return Infinity;
  return s.idle.mode === 'step' ? s.idle.minutes : TARGET_TRACKING_IDLE_MINUTES;
}

/** `target`'s idle timeout, moved from `current`'s by at most `factor` (and never below 1 minute). */
export function boundedIdleMinutes(current: ScalingConfig, target: ScalingConfig, factor: number): number {
  const want = effectiveIdleMinutes(target);
  const have = effectiveIdleMinutes(current);
  const top = IDLE_GRID[IDLE_GRID.length - 1] as number;
  if (have === Infinity) return Math.min(want, top);
  return Math.max(1, Math.min(Math.max(want, Math.ceil(have / factor)), Math.floor(have * factor), top));
}

/** `current` with only `cls` taken from `target` (the idle timeout bounded). */
export function stepToward(
  current: ScalingConfig,
  target: ScalingConfig,
  cls: ParamClass,
  factor = 2,
): ScalingConfig {
  switch (cls) {
    case 'wake':
      return { ...current, wake: target.wake === false ? false : { ...target.wake } };
    case 'cooldowns':
      return {
        ...current,
        scaleOutCooldownSeconds: target.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: target.scaleInCooldownSeconds,
      };
    case 'capacity':
      return {
        ...current,
        maxCapacity: Math.max(target.maxCapacity, current.minCapacity),
        targetBacklogPerInstance: target.targetBacklogPerInstance,
      };
    case 'idle': {
      const keepWarm = target.keepWarm.map((w) => ({
        ...w,
        minCapacity: Math.min(w.minCapacity, current.maxCapacity),
      }));
      if (target.minCapacity >= 1)
        return { ...current, minCapacity: Math.min(target.minCapacity, current.maxCapacity), keepWarm };
      const minutes = boundedIdleMinutes(current, target, factor);
      // Target tracking's own 15 minutes are kept only when that is where the target is going.
      const idle =
        target.idle.mode === 'target-tracking' && minutes === TARGET_TRACKING_IDLE_MINUTES
          ? { mode: 'target-tracking' as const, minutes }
          : { mode: 'step' as const, minutes };
      return { ...current, minCapacity: 0, idle, keepWarm };
    }
  }
}

/** One bounded step per class in which `target` differs from `current`. */
export function candidateSteps(
  current: ScalingConfig,
  target: ScalingConfig,
  factor = 2,
): { cls: ParamClass; scaling: ScalingConfig }[] {
  return classesChanged(current, target)
    .map((cls) => ({ cls, scaling: stepToward(current, target, cls, factor) }))
    .filter((s) => policyKey(s.scaling) !== policyKey(current));
}

export interface GuardrailRules {
  /** A step must save at least this share of the current expected cost. */
  minImprovement: number;
  /** After a change, no other change (nor a rollback verdict) for this long. */
  settleMs: number;
  /** How many recent policies are remembered. */
  memory: number;
  /** A rolled-back policy is not tried again for this long. */
  banMs: number;
  /** The idle timeout moves by at most this factor per step. */
  idleFactor: number;
}

export const DEFAULT_RULES: GuardrailRules = {
  minImprovement: 0.05,
  settleMs: 24 * 3_600_000,
  memory: 6,
  banMs: 7 * 86_400_000,
  idleFactor: 2,
};

export interface PolicyMemory {
  key: string;
  scaling: ScalingConfig;
  since: number;
  /** Set when this policy was rolled back (at that time). */
  rolledBackAt?: number;
}

export interface TuneState {
  /** Policies in the order they were applied, the live one last. */
  recent: PolicyMemory[];
  lastChangeAt?: number;
}

export const EMPTY_STATE: TuneState = { recent: [] };

/** A step on the way to a better policy may cost this much more than the current one (replay noise). */
const PLATEAU_TOLERANCE = 0.01;

export interface StepOption {
  cls: ParamClass;
  scaling: ScalingConfig;
  expectedCostUsd: number;
  meetsObjective: boolean;
}

export interface ApplyInput {
  now: number;
  current: { scaling: ScalingConfig; expectedCostUsd: number; meetsObjective: boolean };
  /** The bounded steps (candidateSteps), each replayed. */
  steps: StepOption[];
  /**
   * The recommendation the steps lead to. A step that saves little by itself (an idle timeout halved
   * on the way down) is still taken when the recommendation saves enough and the step costs no more
   * than the current policy; without it bounded steps could stall on a plateau.
   */
  target?: { expectedCostUsd: number; meetsObjective: boolean };
  inFlight: { probe: boolean; scaleOut: boolean };
  state: TuneState;
  rules?: Partial<GuardrailRules>;
}

export type ApplyDecision =
  { action: 'apply'; step: StepOption; reason: string } | { action: 'hold'; reason: string };

export function decideApply(input: ApplyInput): ApplyDecision {
  const rules = { ...DEFAULT_RULES, ...input.rules };
  const { now, current, state } = input;
  if (input.inFlight.probe) return { action: 'hold', reason: 'a probe is in flight' };
  if (input.inFlight.scaleOut) return { action: 'hold', reason: 'a scale-out is in flight' };
  if (state.lastChangeAt !== undefined && now - state.lastChangeAt < rules.settleMs) {
    return { action: 'hold', reason: 'the last change is still being watched' };
  }
  if (input.steps.length === 0)
    return { action: 'hold', reason: 'the current policy is the recommended one' };
  const currentKey = policyKey(current.scaling);
  const recent = state.recent.slice(-rules.memory);
  const meeting = input.steps.filter((s) => s.meetsObjective && policyKey(s.scaling) !== currentKey);
  const eligible = meeting.filter((s) => {
    const k = policyKey(s.scaling);
    return !state.recent.some(
      (m) => m.key === k && m.rolledBackAt !== undefined && now - m.rolledBackAt < rules.banMs,
    );
  });
  if (eligible.length === 0) {
    // Said apart: an operator told "no step meets the objective" next to a recommendation that does
    // would not know the tuner is keeping away from a policy that broke it in reality.
    return {
      action: 'hold',
      reason:
        meeting.length > 0
          ? 'every step that meets the objective was rolled back recently'
          : 'no step meets the objective',
    };
  }
  const needed = (s: StepOption): number => {
    const back = recent.some((m) => m.key === policyKey(s.scaling));
    return (back ? 3 : 1) * rules.minImprovement;
  };
  const byCost = eligible.slice().sort((a, b) => a.expectedCostUsd - b.expectedCostUsd);
  if (!current.meetsObjective) {
    const step = byCost[0] as StepOption;
    return {
      action: 'apply',
      step,
      reason: `the current policy breaks the objective; ${step.cls} step restores it`,
    };
  }
  const saves = (cost: number): number =>
    current.expectedCostUsd > 0 ? 1 - cost / current.expectedCostUsd : 0;
  for (const step of byCost) {
    const saving = saves(step.expectedCostUsd);
    if (saving >= needed(step)) {
      return {
        action: 'apply',
        step,
        reason: `${step.cls} step is expected to save ${(saving * 100).toFixed(1)}% and meets the objective`,
      };
    }
  }
  const target = input.target;
  if (target?.meetsObjective && saves(target.expectedCostUsd) >= rules.minImprovement) {
    const onTheWay = byCost.find(
      (s) =>
        s.expectedCostUsd <= current.expectedCostUsd * (1 + PLATEAU_TOLERANCE) &&
        !recent.some((m) => m.key === policyKey(s.scaling)),
    );
    if (onTheWay) {
      return {
        action: 'apply',
        step: onTheWay,
        reason:
          `${onTheWay.cls} step toward the recommendation, which is expected to save ` +
          `${(saves(target.expectedCostUsd) * 100).toFixed(1)}%`,
      };
    }
  }
  return { action: 'hold', reason: `no step saves at least ${(rules.minImprovement * 100).toFixed(0)}%` };
}

/** State after `scaling` went live at `now`. */
export function recordApplied(
  state: TuneState,
  scaling: ScalingConfig,
  now: number,
  rules?: Partial<GuardrailRules>,
): TuneState {
  const memory = (rules?.memory ?? DEFAULT_RULES.memory) * 2;
  const recent = [...state.recent, { key: policyKey(scaling), scaling, since: now }].slice(-memory);
  return { recent, lastChangeAt: now };
}

/** State after the live policy was rolled back to `previous` at `now`. */
export function recordRollback(
  state: TuneState,
  previous: ScalingConfig,
  now: number,
  rules?: Partial<GuardrailRules>,
): TuneState {
  const recent = state.recent.map((m, i) =>
    i === state.recent.length - 1 ? { ...m, rolledBackAt: now } : m,
  );
  return recordApplied({ ...state, recent }, previous, now, rules);
}

export interface Observation {
  /** Requests that arrived (processed, failed or expired) in the observed window. */
  requests: number;
  p95TimeToResultSeconds: number;
  expired: number;
}

export interface RollbackInput {
  objective: Objective;
  /** Observed over a window before the change, and over the same length after it. */
  before: Observation;
  after: Observation;
  previous: ScalingConfig;
  current: ScalingConfig;
  /** Fewer requests than this after the change: too early to judge p95. */
  minRequests?: number;
}

export type RollbackDecision =
  | { action: 'rollback'; to: ScalingConfig; alert: string }
  | { action: 'keep'; reason: string }
  | { action: 'wait'; reason: string };

export function decideRollback(input: RollbackInput): RollbackDecision {
  const { objective: o, before, after } = input;
  const minRequests = input.minRequests ?? 20;
  const expiredBreach = after.expired > o.maxExpired;
  const p95Breach = after.requests >= minRequests && after.p95TimeToResultSeconds > o.p95TimeToResultSeconds;
  if (!expiredBreach && !p95Breach) {
    if (after.requests < minRequests)
      return {
        action: 'wait',
        reason: `only ${after.requests} requests since the change (need ${minRequests})`,
      };
    return { action: 'keep', reason: 'the objective holds after the change' };
  }
  const wasBroken = before.expired > o.maxExpired || before.p95TimeToResultSeconds > o.p95TimeToResultSeconds;
  const worse =
    after.expired > before.expired || after.p95TimeToResultSeconds > 1.1 * before.p95TimeToResultSeconds;
  if (wasBroken && !worse) {
    return {
      action: 'keep',
      reason: 'the objective was already broken before the change, which did not make it worse',
    };
  }
  const what = expiredBreach
    ? `${after.expired} requests expired (objective: at most ${o.maxExpired})`
    : `observed p95 time to result ${Math.round(after.p95TimeToResultSeconds)} s exceeds the objective's ${o.p95TimeToResultSeconds} s`;
  return { action: 'rollback', to: input.previous, alert: `${what} after the tuner's change; rolling back` };
}
