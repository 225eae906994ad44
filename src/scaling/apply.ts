// Carries out the scaling part of a plan. Only the resources the plan names are written, so an
// unchanged endpoint costs no mutating call; alarm wiring always uses the policy's current ARN.
import type { Cloud } from '../cloud/types.js';
import type { ResourceChange } from '../provision/types.js';
import type { ScalingResourceSet } from './build.js';
import { withAction } from './install.js';
import type { ScalingObserved } from './observe.js';

export async function applyScalingChanges(
  cloud: Cloud,
  set: ScalingResourceSet,
  observed: ScalingObserved,
  changes: readonly ResourceChange[],
  log: (line: string) => void,
): Promise<void> {
  const wants = (kind: ResourceChange['kind'], name: string): boolean =>
    changes.some((c) => c.kind === kind && c.name === name && c.action !== 'delete');

  // Deletions first, alarms before the policies they call.
  const deletes = changes.filter((c) => c.action === 'delete');
  const alarmDeletes = deletes.filter((c) => c.kind === 'alarm').map((c) => c.name);
  if (alarmDeletes.length > 0) {
    await cloud.deleteAlarms(alarmDeletes);
    alarmDeletes.forEach((n) => log(`deleted alarm ${n}`));
  }
  for (const c of deletes.filter((d) => d.kind === 'scaling-policy')) {
    await cloud.deleteScalingPolicy(set.resourceId, c.name);
    log(`deleted scaling policy ${c.name}`);
  }
  for (const c of deletes.filter((d) => d.kind === 'scheduled-action')) {
    await cloud.deleteScheduledAction(set.resourceId, c.name);
    log(`deleted scheduled action ${c.name}`);
  }

  if (wants('scalable-target', set.resourceId)) {
    await cloud.registerScalableTarget(set.target);
    log(
      `registered scalable target ${set.resourceId} (min ${set.target.minCapacity}, max ${set.target.maxCapacity})`,
    );
  }
  const arns = new Map(observed.policies.map((p) => [p.policyName, p.policyArn]));
  // Policies whose ARN this apply changed (an updated policy can come back under a new ARN; moto
  // does that): their alarms are re-wired even when the plan had nothing else to change on them.
  const rearned = new Set<string>();
  for (const p of set.policies) {
    if (!wants('scaling-policy', p.policyName)) continue;
    const arn = await cloud.putScalingPolicy(p);
    const before = arns.get(p.policyName);
    if (before !== undefined && before !== arn) rearned.add(p.policyName);
    arns.set(p.policyName, arn);
    log(`put ${p.type} policy ${p.policyName}`);
  }
  for (const a of set.alarms) {
    if (!wants('alarm', a.spec.name) && !rearned.has(a.actionPolicyName)) continue;
    await cloud.putAlarm(withAction(a, arns));
    log(`put alarm ${a.spec.name} -> ${a.actionPolicyName}`);
  }
  for (const s of set.scheduledActions) {
    if (!wants('scheduled-action', s.name)) continue;
    await cloud.putScheduledAction(s);
    log(`put scheduled action ${s.name} (${s.schedule})`);
  }
}

/** Removes every scaling resource sagezero owns for the endpoint (destroy, or before a replacement). */
export async function removeScaling(
  cloud: Cloud,
  resourceId: string,
  observed: ScalingObserved,
  log: (line: string) => void,
): Promise<void> {
  for (const s of observed.scheduledActions) {
    await cloud.deleteScheduledAction(resourceId, s.name);
    log(`deleted scheduled action ${s.name}`);
  }
  if (observed.alarms.length > 0) {
    await cloud.deleteAlarms(observed.alarms.map((a) => a.name));
    observed.alarms.forEach((a) => log(`deleted alarm ${a.name}`));
  }
  for (const p of observed.policies) {
    await cloud.deleteScalingPolicy(resourceId, p.policyName);
    log(`deleted scaling policy ${p.policyName}`);
  }
  if (observed.target) {
    await cloud.deregisterScalableTarget(resourceId);
    log(`deregistered scalable target ${resourceId}`);
  }
}
