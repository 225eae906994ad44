// Writes a whole scaling resource set: target first (policies need it), then policies (alarms need
// their ARNs), then alarms and scheduled actions. Every call is a create-or-replace, so running it
// again after an interruption converges instead of duplicating.
import type { Cloud } from '../cloud/types.js';
import type { DesiredAlarm, ScalingResourceSet } from './build.js';

export async function installScalingResources(cloud: Cloud, set: ScalingResourceSet): Promise<void> {
  await cloud.registerScalableTarget(set.target);
  const arns = new Map<string, string>();
  for (const policy of set.policies) {
    arns.set(policy.policyName, await cloud.putScalingPolicy(policy));
  }
  for (const alarm of set.alarms) {
    await cloud.putAlarm(withAction(alarm, arns));
  }
  for (const action of set.scheduledActions) {
    await cloud.putScheduledAction(action);
  }
}

export function withAction(
  alarm: DesiredAlarm,
  policyArns: ReadonlyMap<string, string>,
): DesiredAlarm['spec'] {
  const arn = policyArns.get(alarm.actionPolicyName);
  if (!arn)
    throw new Error(`internal: alarm ${alarm.spec.name} refers to unknown policy ${alarm.actionPolicyName}`);
  return { ...alarm.spec, alarmActions: [arn] };
}
