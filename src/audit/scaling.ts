// Can an endpoint's scaling reach zero instances, and come back? Judged from what Application Auto
// Scaling has registered, the same way for sagezero's own policies and anyone else's.
import type { ScalableTargetState, ScalingPolicyState } from '../cloud/types.js';
import type { EndpointKind, ScalingSummary } from './types.js';

/**
 * A policy that can take a zero-instance endpoint back up: a step policy with a positive step that an
 * alarm drives. Target tracking cannot: its metric (backlog or invocations per instance) is undefined
 * with no instance, which is why AWS's async guide adds a step policy on HasBacklogWithoutCapacity.
 * A percentage of zero is zero, so PercentChangeInCapacity cannot either.
 */
export function wakesFromZero(p: ScalingPolicyState): boolean {
  return (
    p.type === 'StepScaling' &&
    p.adjustmentType !== 'PercentChangeInCapacity' &&
    p.stepAdjustments.some((s) => s.scalingAdjustment > 0) &&
    p.alarmNames.length > 0
  );
}

export function summarizeScaling(
  kind: EndpointKind,
  target: ScalableTargetState | undefined,
  policies: readonly ScalingPolicyState[],
): ScalingSummary {
  const base = {
    target: target !== undefined,
    minCapacity: target?.minCapacity ?? null,
    maxCapacity: target?.maxCapacity ?? null,
    policies: policies.map((p) => p.policyName),
  };
  if (!target) return { ...base, reachesZero: false, detail: 'no scalable target: always on' };
  if (policies.length === 0)
    return { ...base, reachesZero: false, detail: `scalable target without a policy: stays at its count` };
  if (target.minCapacity > 0)
    return {
      ...base,
      reachesZero: false,
      detail: `scales ${target.minCapacity}-${target.maxCapacity}, never to 0`,
    };
  if (kind === 'realtime')
    return {
      ...base,
      reachesZero: false,
      detail: 'a real-time variant with a model cannot scale to 0 (it needs inference components)',
    };
  const wake = policies.find(wakesFromZero);
  if (!wake)
    return {
      ...base,
      reachesZero: false,
      detail: 'min 0 but no step policy with an alarm to wake it: work waits at 0 until something scales it',
    };
  return { ...base, reachesZero: true, detail: `to 0, woken by ${wake.policyName}` };
}

/** The components' summaries folded into one: the endpoint reaches zero only if every component does. */
export function combineComponentScaling(
  managedMinInstances: number | undefined,
  perComponent: readonly { name: string; summary: ScalingSummary }[],
): ScalingSummary {
  const policies = perComponent.flatMap((c) => c.summary.policies);
  const mins = perComponent.map((c) => c.summary.minCapacity).filter((m): m is number => m !== null);
  const maxs = perComponent.map((c) => c.summary.maxCapacity).filter((m): m is number => m !== null);
  const base = {
    target: perComponent.length > 0 && perComponent.every((c) => c.summary.target),
    minCapacity: mins.length > 0 ? Math.min(...mins) : null,
    maxCapacity: maxs.length > 0 ? Math.max(...maxs) : null,
    policies,
  };
  if (managedMinInstances === undefined || managedMinInstances > 0)
    return {
      ...base,
      reachesZero: false,
      detail:
        managedMinInstances === undefined
          ? 'no managed instance scaling: the instances stay'
          : `managed instance scaling keeps at least ${managedMinInstances} instance(s)`,
    };
  if (perComponent.length === 0)
    return { ...base, reachesZero: true, detail: 'no components; managed instance scaling releases to 0' };
  const stuck = perComponent.find((c) => !c.summary.reachesZero);
  if (stuck)
    return { ...base, reachesZero: false, detail: `component ${stuck.name}: ${stuck.summary.detail}` };
  return { ...base, reachesZero: true, detail: 'every component scales to 0 and wakes' };
}
