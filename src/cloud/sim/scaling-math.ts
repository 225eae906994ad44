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
 * How target tracking's scale-in is damped beyond the proportional computation (SimOptions.scaleInDamping).
 * - 'none' (default): the documented rule. Target tracking "calculates the scaling adjustment based on
 *   the metric and the target value" (Application Auto Scaling User Guide, "How target tracking scaling
 *   for Application Auto Scaling works",
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html),
 *   i.e. the capacity proportional to metric / target, for scale-in as for scale-out. The only damping AWS
 *   documents is the scale-in cooldown and the 15-of-15 low alarm ("You should scale in conservatively",
 *   TargetTrackingScalingPolicyConfiguration.ScaleInCooldown, Application Auto Scaling API Reference).
 * - 'ten-percent': ASSUMED, no AWS source. Removes at most 10% of the capacity (at least one instance) per
 *   scale-in activity. Kept as an option because AWS says target tracking removes capacity "more
 *   conservatively" than it adds it and users report slow drains; how much it removes at once is not
 *   documented (DESIGN.md, "AWS facts").
 */
export type ScaleInDamping = 'none' | 'ten-percent';

/** The capacity a target-tracking scale-in sets, never below the proportional capacity. */
export function scaleInCapacity(current: number, proportional: number, damping: ScaleInDamping): number {
  if (proportional >= current) return current;
  if (damping === 'none') return proportional;
  const maxStep = Math.max(1, Math.floor(current * 0.1));
  return Math.max(proportional, current - maxStep);
}
