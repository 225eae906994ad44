// Application Auto Scaling shapes <-> the port's scaling types. Pure.
import type {
  MetricType,
  PutScalingPolicyRequest,
  PutScheduledActionRequest,
  ScalableTarget,
  ScalingActivity as SdkScalingActivity,
  ScalingPolicy,
  ScheduledAction,
  TargetTrackingScalingPolicyConfiguration,
} from '@aws-sdk/client-application-auto-scaling';
import { scalableDimensionOf } from '../types.js';
import type {
  ScalableTargetState,
  ScalingActivity,
  ScalingPolicySpec,
  ScalingPolicyState,
  ScheduledActionSpec,
  ScheduledActionState,
  StepAdjustment,
  StepScalingPolicySpec,
  Tags,
  TargetTrackingPolicySpec,
} from '../types.js';

export const SERVICE_NAMESPACE = 'sagemaker';
/** A variant's dimension; an inference component's is scalableDimensionOf(`inference-component/...`). */
export const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

const STATISTICS = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount'] as const;
const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'] as const;
const AGGREGATIONS = ['Average', 'Minimum', 'Maximum'] as const;
const ACTIVITY_STATUSES = [
  'Pending',
  'InProgress',
  'Successful',
  'Overridden',
  'Unfulfilled',
  'Failed',
] as const;

export function fromScalableTarget(t: ScalableTarget, tags: Tags): ScalableTargetState {
  const state: ScalableTargetState = {
    resourceId: t.ResourceId ?? '',
    minCapacity: t.MinCapacity ?? 0,
    maxCapacity: t.MaxCapacity ?? 0,
    tags,
    createdAt: t.CreationTime?.getTime() ?? 0,
  };
  if (t.ScalableTargetARN) state.arn = t.ScalableTargetARN;
  return state;
}

export function toPutScalingPolicyInput(spec: ScalingPolicySpec): PutScalingPolicyRequest {
  const base = {
    PolicyName: spec.policyName,
    ServiceNamespace: SERVICE_NAMESPACE,
    ResourceId: spec.resourceId,
    ScalableDimension: scalableDimensionOf(spec.resourceId),
  } as const;
  if (spec.type === 'TargetTracking') {
    // An empty namespace is the port's spelling of a predefined metric (PREDEFINED_METRIC_NAMESPACE in
    // types.ts): metricName is then the PredefinedMetricType, e.g.
    // SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution, the form fromScalingPolicy reads.
    const metric =
      spec.namespace === ''
        ? { PredefinedMetricSpecification: { PredefinedMetricType: spec.metricName as MetricType } }
        : {
            CustomizedMetricSpecification: {
              MetricName: spec.metricName,
              Namespace: spec.namespace,
              Dimensions: spec.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
              Statistic: spec.statistic,
            },
          };
    return {
      ...base,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: spec.targetValue,
        ...metric,
        ScaleInCooldown: spec.scaleInCooldownSeconds,
        ScaleOutCooldown: spec.scaleOutCooldownSeconds,
        DisableScaleIn: spec.disableScaleIn,
      },
    };
  }
  return {
    ...base,
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: {
      AdjustmentType: spec.adjustmentType,
      StepAdjustments: spec.stepAdjustments.map((s) => ({
        MetricIntervalLowerBound: s.lowerBound,
        MetricIntervalUpperBound: s.upperBound,
        ScalingAdjustment: s.scalingAdjustment,
      })),
      Cooldown: spec.cooldownSeconds,
      MetricAggregationType: spec.metricAggregationType,
    },
  };
}

function targetTrackingMetric(
  c: TargetTrackingScalingPolicyConfiguration,
): Pick<TargetTrackingPolicySpec, 'metricName' | 'namespace' | 'dimensions' | 'statistic'> {
  const custom = c.CustomizedMetricSpecification;
  if (custom?.MetricName !== undefined) {
    return {
      metricName: custom.MetricName,
      namespace: custom.Namespace ?? '',
      dimensions: (custom.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })),
      statistic: oneOf(custom.Statistic, STATISTICS, 'Average'),
    };
  }
  // A metric-math customized metric: the query that returns data is the tracked metric.
  const query = custom?.Metrics?.find((m) => m.ReturnData !== false && m.MetricStat) ?? custom?.Metrics?.[0];
  if (query?.MetricStat?.Metric) {
    const m = query.MetricStat.Metric;
    return {
      metricName: m.MetricName ?? '',
      namespace: m.Namespace ?? '',
      dimensions: (m.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })),
      statistic: oneOf(query.MetricStat.Stat, STATISTICS, 'Average'),
    };
  }
  // A predefined metric (e.g. SageMakerVariantInvocationsPerInstance), which sagezero never writes:
  // named by its type so that a diff shows it as something other than sagezero's policy.
  return {
    metricName: c.PredefinedMetricSpecification?.PredefinedMetricType ?? '',
    namespace: '',
    dimensions: [],
    statistic: 'Average',
  };
}

/** Undefined for policy types the port has no words for (predictive scaling is not offered for SageMaker). */
export function fromScalingPolicy(p: ScalingPolicy): ScalingPolicyState | undefined {
  const common = {
    policyName: p.PolicyName ?? '',
    resourceId: p.ResourceId ?? '',
    policyArn: p.PolicyARN ?? '',
    alarmNames: (p.Alarms ?? []).map((a) => a.AlarmName ?? '').filter((n) => n !== ''),
  };
  if (p.PolicyType === 'TargetTrackingScaling' && p.TargetTrackingScalingPolicyConfiguration) {
    const c = p.TargetTrackingScalingPolicyConfiguration;
    return {
      type: 'TargetTracking',
      ...common,
      targetValue: c.TargetValue ?? 0,
      ...targetTrackingMetric(c),
      scaleInCooldownSeconds: c.ScaleInCooldown ?? 0,
      scaleOutCooldownSeconds: c.ScaleOutCooldown ?? 0,
      disableScaleIn: c.DisableScaleIn ?? false,
    } satisfies TargetTrackingPolicySpec & typeof common;
  }
  if (p.PolicyType === 'StepScaling' && p.StepScalingPolicyConfiguration) {
    const c = p.StepScalingPolicyConfiguration;
    return {
      type: 'StepScaling',
      ...common,
      adjustmentType: oneOf(c.AdjustmentType, ADJUSTMENT_TYPES, 'ChangeInCapacity'),
      stepAdjustments: (c.StepAdjustments ?? []).map((s) => {
        const step: StepAdjustment = { scalingAdjustment: s.ScalingAdjustment ?? 0 };
        if (s.MetricIntervalLowerBound !== undefined) step.lowerBound = s.MetricIntervalLowerBound;
        if (s.MetricIntervalUpperBound !== undefined) step.upperBound = s.MetricIntervalUpperBound;
        return step;
      }),
      cooldownSeconds: c.Cooldown ?? 0,
      metricAggregationType: oneOf(c.MetricAggregationType, AGGREGATIONS, 'Average'),
    } satisfies StepScalingPolicySpec & typeof common;
  }
  return undefined;
}

export function toPutScheduledActionInput(spec: ScheduledActionSpec): PutScheduledActionRequest {
  return {
    ServiceNamespace: SERVICE_NAMESPACE,
    ScalableDimension: scalableDimensionOf(spec.resourceId),
    ScheduledActionName: spec.name,
    ResourceId: spec.resourceId,
    Schedule: spec.schedule,
    Timezone: spec.timezone,
    ScalableTargetAction: { MinCapacity: spec.minCapacity, MaxCapacity: spec.maxCapacity },
  };
}

export function fromScheduledAction(a: ScheduledAction): ScheduledActionState {
  const state: ScheduledActionState = {
    name: a.ScheduledActionName ?? '',
    resourceId: a.ResourceId ?? '',
    schedule: a.Schedule ?? '',
  };
  if (a.Timezone) state.timezone = a.Timezone;
  if (a.ScalableTargetAction?.MinCapacity !== undefined)
    state.minCapacity = a.ScalableTargetAction.MinCapacity;
  if (a.ScalableTargetAction?.MaxCapacity !== undefined)
    state.maxCapacity = a.ScalableTargetAction.MaxCapacity;
  if (a.ScheduledActionARN) state.arn = a.ScheduledActionARN;
  return state;
}

/**
 * SageMaker activities read "Setting desired instance count to 2." for a variant and "Setting desired
 * copy count to 1." for an inference component (the port's doc says "desired count"; all are accepted). Other services' wording ("Setting desired count to ...",
 * "Setting desired capacity to ...") is accepted as well since the number means the same thing.
 */
export function parseDesiredCapacity(description: string | undefined): number | undefined {
  const m = /setting desired (?:instance |copy )?(?:count|capacity) to (\d+)/i.exec(description ?? '');
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

export function fromScalingActivity(a: SdkScalingActivity): ScalingActivity {
  const activity: ScalingActivity = {
    activityId: a.ActivityId ?? '',
    resourceId: a.ResourceId ?? '',
    description: a.Description ?? '',
    cause: a.Cause ?? '',
    startTime: a.StartTime?.getTime() ?? 0,
    statusCode: oneOf(a.StatusCode, ACTIVITY_STATUSES, 'Pending'),
  };
  if (a.EndTime) activity.endTime = a.EndTime.getTime();
  const desired = parseDesiredCapacity(a.Description);
  if (desired !== undefined) activity.desiredCapacity = desired;
  return activity;
}
