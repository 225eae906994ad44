// The search space: which values of each policy parameter are worth replaying for this traffic.
// Bounded by what the traffic can tell apart (two idle timeouts that bridge the same idle gaps behave
// alike), by the oracle (more instances than the oracle ever needs buy nothing) and by rent-or-buy:
// staying up through a gap costs the gap, going to zero costs a boot, so cooldowns shorter than a boot
// only relaunch instances that are still booting.
import {
  TARGET_TRACKING_IDLE_MINUTES,
  type KeepWarmWindow,
  type ScalingConfig,
  type WakeConfig,
} from '../config/scaling-schema.js';
import { gapsLongerThan } from './patterns.js';

/** Idle timeouts (minutes) the search may pick from, before pruning. */
export const IDLE_GRID = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600,
  720, 960, 1440,
];

export type IdleChoice =
  | { kind: 'step'; minutes: number }
  | { kind: 'target-tracking' }
  /** Never below one instance: the endpoint is always warm. */
  | { kind: 'always-warm' };

/**
 * Seconds from the end of the last request until a step idle rule of `minutes` has taken the last
 * instance away: the first whole idle minute starts at the next minute boundary (half a minute on
 * average), then `minutes` idle minutes, then the alarm's evaluation half a minute later.
 */
export function scaleInDelaySeconds(minutes: number): number {
  return 60 * minutes + 60;
}

/**
 * Step idle timeouts that the traffic can tell apart: of several timeouts that bridge the same gaps
 * (give or take the minute the alarm needs), only the shortest is kept, and timeouts longer than the
 * longest gap collapse into one (the endpoint would never go idle).
 */
export function idleMinutesCandidates(gaps: Float64Array): number[] {
  const out: number[] = [];
  let lastKey = -1;
  for (const m of IDLE_GRID) {
    const key = gapsLongerThan(gaps, scaleInDelaySeconds(m));
    if (key === lastKey) continue;
    out.push(m);
    lastKey = key;
    if (key === 0) break;
  }
  return out;
}

export function idleChoices(gaps: Float64Array): IdleChoice[] {
  return [
    ...idleMinutesCandidates(gaps).map((minutes) => ({ kind: 'step' as const, minutes })),
    { kind: 'target-tracking' },
    { kind: 'always-warm' },
  ];
}

export function applyIdle(s: ScalingConfig, c: IdleChoice): ScalingConfig {
  if (c.kind === 'always-warm') return { ...s, minCapacity: Math.max(1, s.minCapacity) };
  const base = { ...s, minCapacity: 0 };
  if (c.kind === 'target-tracking')
    return { ...base, idle: { mode: 'target-tracking', minutes: TARGET_TRACKING_IDLE_MINUTES } };
  return { ...base, idle: { mode: 'step', minutes: c.minutes } };
}

export const WAKE_CHOICES: WakeConfig[] = [
  { periodSeconds: 60, evaluationPeriods: 1 },
  { periodSeconds: 60, evaluationPeriods: 2 },
];

/** The wake step policy's cooldown should outlast a boot, or it launches a second instance. */
export function scaleOutCooldownChoices(current: number, bootP90Seconds: number): number[] {
  const pastBoot = Math.ceil((bootP90Seconds + 120) / 60) * 60;
  return unique([current, pastBoot, Math.min(86_400, 2 * pastBoot)]);
}

/** Capacities from one instance up to what the oracle ever runs at once (bounded). */
export function maxCapacityChoices(current: number, oraclePeak: number): number[] {
  const peak = Math.max(1, Math.min(1000, oraclePeak));
  const list = [1, 2, 3, 4, 6, 8].filter((n) => n <= peak);
  list.push(peak, current);
  return unique(list);
}

export function targetBacklogChoices(current: number): number[] {
  return unique([current, 1, 2, 5, 10]);
}

export function scaleInCooldownChoices(current: number): number[] {
  return unique([current, 60, 300, 900]);
}

export function withKeepWarm(s: ScalingConfig, windows: KeepWarmWindow[]): ScalingConfig {
  return { ...s, keepWarm: windows.map((w) => ({ ...w })) };
}

function unique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** A stable identity for a policy (cache key; equality of two policies). */
export function policyKey(s: ScalingConfig): string {
  return JSON.stringify([
    s.minCapacity,
    s.maxCapacity,
    s.targetBacklogPerInstance,
    s.scaleOutCooldownSeconds,
    s.scaleInCooldownSeconds,
    s.wake === false ? false : [s.wake.periodSeconds, s.wake.evaluationPeriods],
    s.idle.mode,
    s.idle.mode === 'step' ? s.idle.minutes : TARGET_TRACKING_IDLE_MINUTES,
    s.keepWarm.map((w) => [w.from, w.to, w.timezone, w.minCapacity]),
  ]);
}
