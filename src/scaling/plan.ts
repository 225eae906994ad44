// Desired scaling set vs what the cloud has -> the changes, field by field. A difference on a resource
// sagezero created is drift: someone edited it outside sagezero (or the config changed), and apply
// puts it back.
import type {
  AlarmSpec,
  AlarmState,
  ScalingPolicySpec,
  ScalingPolicyState,
  ScheduledActionSpec,
  ScheduledActionState,
} from '../cloud/types.js';
import { diffFields, sameValue, type FieldChange } from '../provision/diff.js';
import type { ResourceChange } from '../provision/types.js';
import type { ScalingResourceSet } from './build.js';
import type { ScalingObserved } from './observe.js';

const POLICY_FIELDS: Record<ScalingPolicySpec['type'], string[]> = {
  TargetTracking: [
    'targetValue',
    'metricName',
    'namespace',
    'dimensions',
    'statistic',
    'scaleInCooldownSeconds',
    'scaleOutCooldownSeconds',
    'disableScaleIn',
  ],
  StepScaling: ['adjustmentType', 'stepAdjustments', 'cooldownSeconds', 'metricAggregationType'],
};

const ALARM_FIELDS: (keyof AlarmSpec & string)[] = [
  'metric',
  'metrics',
  'evaluationPeriods',
  'datapointsToAlarm',
  'threshold',
  'comparisonOperator',
  'treatMissingData',
];

const ACTION_FIELDS: (keyof ScheduledActionSpec & string)[] = [
  'schedule',
  'timezone',
  'minCapacity',
  'maxCapacity',
];

export function planScaling(desired: ScalingResourceSet, observed: ScalingObserved): ResourceChange[] {
  if (desired.unmanaged) return [];
  const changes: ResourceChange[] = [];
  const t = observed.target;
  if (!t) {
    changes.push(create('scalable-target', desired.resourceId, 'no scalable target is registered'));
  } else {
    const fields = diffFields(desired.target, t, ['minCapacity', 'maxCapacity']);
    if (fields.length > 0) changes.push(update('scalable-target', desired.resourceId, fields));
  }

  const observedPolicies = new Map(observed.policies.map((p) => [p.policyName, p]));
  // A policy that is re-created gets a new ARN; its alarm must then point at the new one.
  const policiesChanging = new Set<string>();
  for (const p of desired.policies) {
    const actual = observedPolicies.get(p.policyName);
    if (!actual) {
      changes.push(create('scaling-policy', p.policyName, `no ${p.type} policy of that name`));
      policiesChanging.add(p.policyName);
      continue;
    }
    const fields = policyDiff(p, actual);
    if (fields.length > 0) {
      changes.push(update('scaling-policy', p.policyName, fields));
      policiesChanging.add(p.policyName);
    }
  }

  const observedAlarms = new Map(observed.alarms.map((a) => [a.name, a]));
  for (const a of desired.alarms) {
    const actual = observedAlarms.get(a.spec.name);
    if (!actual) {
      changes.push(create('alarm', a.spec.name, `wired to policy ${a.actionPolicyName}`));
      continue;
    }
    const fields = alarmDiff(
      a.spec,
      actual,
      observedPolicies.get(a.actionPolicyName)?.policyArn,
      policiesChanging.has(a.actionPolicyName),
    );
    if (fields.length > 0) changes.push(update('alarm', a.spec.name, fields));
  }

  const observedActions = new Map(observed.scheduledActions.map((a) => [a.name, a]));
  for (const s of desired.scheduledActions) {
    const actual = observedActions.get(s.name);
    if (!actual) {
      changes.push(
        create(
          'scheduled-action',
          s.name,
          `${s.schedule} ${s.timezone ?? 'UTC'} -> minCapacity ${s.minCapacity}`,
        ),
      );
      continue;
    }
    const fields = actionDiff(s, actual);
    if (fields.length > 0) changes.push(update('scheduled-action', s.name, fields));
  }

  // Ours but no longer wanted (an idle mode or keep-warm window removed from the config).
  const wantedPolicies = new Set(desired.policies.map((p) => p.policyName));
  const wantedAlarms = new Set(desired.alarms.map((a) => a.spec.name));
  const wantedActions = new Set(desired.scheduledActions.map((a) => a.name));
  for (const a of observed.alarms) {
    if (!wantedAlarms.has(a.name)) changes.push(remove('alarm', a.name, 'no longer in the config'));
  }
  for (const p of observed.policies) {
    if (!wantedPolicies.has(p.policyName))
      changes.push(remove('scaling-policy', p.policyName, 'no longer in the config'));
  }
  for (const s of observed.scheduledActions) {
    if (!wantedActions.has(s.name))
      changes.push(remove('scheduled-action', s.name, 'no longer in the config'));
  }
  return changes;
}

function policyDiff(desired: ScalingPolicySpec, actual: ScalingPolicyState): FieldChange[] {
  if (desired.type !== actual.type) return [{ field: 'type', expected: desired.type, actual: actual.type }];
  const fields = POLICY_FIELDS[desired.type];
  const d = desired as unknown as Record<string, unknown>;
  const a = actual as unknown as Record<string, unknown>;
  return fields
    .filter((f) => !sameValue(d[f], a[f]))
    .map((f) => ({ field: f, expected: d[f], actual: a[f] }));
}

function alarmDiff(
  desired: AlarmSpec,
  actual: AlarmState,
  policyArn: string | undefined,
  policyChanging: boolean,
): FieldChange[] {
  const fields = diffFields(desired, actual, ALARM_FIELDS);
  if (policyChanging) {
    // The wiring is re-written with the policy; only say so when it is actually wrong now.
    if (!policyArn || !actual.alarmActions.includes(policyArn)) {
      fields.push({
        field: 'alarmActions',
        expected: ['(ARN known after apply)'],
        actual: actual.alarmActions,
      });
    }
  } else if (!policyArn || !sameValue([policyArn], actual.alarmActions)) {
    fields.push({
      field: 'alarmActions',
      expected: policyArn ? [policyArn] : ['(policy ARN)'],
      actual: actual.alarmActions,
    });
  }
  return fields;
}

function actionDiff(desired: ScheduledActionSpec, actual: ScheduledActionState): FieldChange[] {
  const normalized = { ...actual, timezone: actual.timezone ?? 'UTC' };
  return diffFields({ ...desired, timezone: desired.timezone ?? 'UTC' }, normalized, ACTION_FIELDS);
}

function create(kind: ResourceChange['kind'], name: string, reason: string): ResourceChange {
  return { kind, name, action: 'create', reason, fields: [] };
}

function update(kind: ResourceChange['kind'], name: string, fields: FieldChange[]): ResourceChange {
  return {
    kind,
    name,
    action: 'update',
    reason: 'differs from the config (drift: changed outside sagezero, or the config changed)',
    fields,
    drift: true,
  };
}

function remove(kind: ResourceChange['kind'], name: string, reason: string): ResourceChange {
  return { kind, name, action: 'delete', reason, fields: [] };
}
