// Reads the scaling resources sagezero owns for one endpoint, and nothing else: policies and
// scheduled actions by the sagezero- prefix on the endpoint's own scalable target, alarms by exact name.
import type {
  AlarmState,
  Cloud,
  ScalableTargetState,
  ScalingPolicyState,
  ScheduledActionState,
} from '../cloud/types.js';
import { alarmPrefix, isSagezeroName, ownsAlarmName } from './names.js';

export interface ScalingObserved {
  target?: ScalableTargetState;
  policies: ScalingPolicyState[];
  /** Policies on the same target that sagezero did not create: they would fight with ours. */
  foreignPolicies: string[];
  alarms: AlarmState[];
  scheduledActions: ScheduledActionState[];
}

export async function observeScaling(
  cloud: Cloud,
  endpointName: string,
  resourceId: string,
): Promise<ScalingObserved> {
  const [target, allPolicies, alarms, allActions] = await Promise.all([
    cloud.getScalableTarget(resourceId),
    cloud.listScalingPolicies(resourceId),
    cloud.listAlarms(alarmPrefix(endpointName)),
    cloud.listScheduledActions(resourceId),
  ]);
  return {
    target,
    policies: allPolicies.filter((p) => isSagezeroName(p.policyName)),
    foreignPolicies: allPolicies.filter((p) => !isSagezeroName(p.policyName)).map((p) => p.policyName),
    alarms: alarms.filter((a) => ownsAlarmName(endpointName, a.name)),
    scheduledActions: allActions.filter((a) => isSagezeroName(a.name)),
  };
}

export function emptyScalingObserved(): ScalingObserved {
  return { policies: [], foreignPolicies: [], alarms: [], scheduledActions: [] };
}
