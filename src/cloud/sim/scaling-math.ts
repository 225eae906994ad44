// The arithmetic of Application Auto Scaling, kept pure so each rule can be pinned by a unit test.
import type { StepAdjustment, StepScalingPolicySpec } from '../types.js';

/**
 * The step whose bounds (relative to the alarm threshold) contain `breach` = metric - threshold.
 * Above the threshold the lower bound is inclusive and the upper exclusive; below it, the reverse
 * (AAS step scaling documentation).
 */
export function selectStep(steps: readonly StepAdjustment[], breach: number): StepAdjustment | undefined {
  for (const s of steps) {
    const lo = s.lowerBound ?? -Infinity;
    const hi = s.upperBound ?? Infinity;
    if (breach >= 0 ? breach >= lo && breach < hi : breach > lo && breach <= hi) return s;
  }
  return undefined;
}

/** New capacity from an adjustment, before clamping to the target's min/max. */
export function applyAdjustment(
  type: StepScalingPolicySpec['adjustmentType'],
  adjustment: number,
  current: number,
): number {
  if (type === 'ExactCapacity') return adjustment;
  if (type === 'ChangeInCapacity') return current + adjustment;
  // PercentChangeInCapacity: fractions round away from zero so a non-zero percentage always moves.
  const delta = (current * adjustment) / 100;
  if (delta === 0) return current;
  return current + (delta > 0 ? Math.max(1, Math.floor(delta)) : Math.min(-1, Math.ceil(delta)));
}

export function clamp(n: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, n));
}

/**
 * Target tracking's proportional capacity: the count that brings a per-instance metric to the target.
 * SageMaker's per-instance backlog is published as the backlog itself when no instance serves, so
 * dividing by max(1, serving) reproduces AWS's rule that a zero-instance endpoint wakes only once the
 * backlog exceeds the target.
 */
export function targetTrackingCapacity(metric: number, target: number, serving: number): number {
  return Math.max(0, Math.ceil((metric * Math.max(1, serving)) / target - 1e-9));
}

/**
 * Target tracking removes capacity gradually: at most 10% of the current capacity (at least one
 * instance) per scale-in activity, never below the proportional capacity.
 */
export function gradualScaleIn(current: number, proportional: number): number {
  const maxStep = Math.max(1, Math.floor(current * 0.1));
  return Math.max(proportional, current - maxStep);
}
