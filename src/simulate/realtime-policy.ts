// The `aws-recommended` scaling policy of a real-time inference component, as `simulate --kind
// realtime` installs it through the Cloud port: the scalable target `inference-component/<name>`
// (dimension sagemaker:inference-component:DesiredCopyCount, min 0), a target-tracking policy on
// requests in flight per copy, and a step "wake" policy (+1 copy) on an alarm on
// NoCapacityInvocationFailures (Sum, 60 s, >= 1, 1 of 1), because target tracking cannot scale a
// component out of zero copies (no copy, no per-copy metric). Source:
// https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html
//
// CONVERGE: src/scaling/ (issue 15's policy builder, written at the same time) will build these same
// resources from a component's `scaling:` block for `apply`; once it lands this file should call that
// builder, as runner.ts does for async endpoints, so a simulated policy is the deployed one.
import {
  componentResourceId,
  type AlarmSpec,
  type Cloud,
  type StepScalingPolicySpec,
  type TargetTrackingPolicySpec,
} from '../cloud/types.js';

export interface RealtimePolicyParams {
  maxCopies: number;
  /** Target of ConcurrentRequestsPerCopy (Average): requests in flight per serving copy. */
  targetConcurrentRequestsPerCopy: number;
  /** Target tracking's cooldowns (AAS's default for SageMaker is 300 s each). */
  scaleInCooldownSeconds: number;
  scaleOutCooldownSeconds: number;
  /**
   * The wake policy's cooldown. While it runs, a wake that still fails adds nothing; after it, each
   * minute the alarm is still in ALARM adds a copy. Shorter than boot + model load + the alarm's
   * delay, one wake brings up two copies.
   */
  wakeCooldownSeconds: number;
}

export interface RealtimePolicyResources {
  resourceId: string;
  targetTracking: TargetTrackingPolicySpec;
  wake: StepScalingPolicySpec;
  /** The wake alarm, without its action (the step policy's ARN, known once it is put). */
  alarm: Omit<AlarmSpec, 'alarmActions'>;
}

export function realtimePolicyResources(component: string, p: RealtimePolicyParams): RealtimePolicyResources {
  const resourceId = componentResourceId(component);
  const dimensions = [{ name: 'InferenceComponentName', value: component }];
  return {
    resourceId,
    targetTracking: {
      type: 'TargetTracking',
      policyName: `${component}-concurrency`,
      resourceId,
      targetValue: p.targetConcurrentRequestsPerCopy,
      metricName: 'ConcurrentRequestsPerCopy',
      namespace: 'AWS/SageMaker',
      dimensions,
      statistic: 'Average',
      scaleInCooldownSeconds: p.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: p.scaleOutCooldownSeconds,
      disableScaleIn: false,
    },
    wake: {
      type: 'StepScaling',
      policyName: `${component}-wake`,
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: p.wakeCooldownSeconds,
      metricAggregationType: 'Maximum',
    },
    alarm: {
      name: `${component}-no-capacity`,
      description: 'Invocations found no copy of the inference component: wake it (+1 copy).',
      metric: {
        namespace: 'AWS/SageMaker',
        metricName: 'NoCapacityInvocationFailures',
        dimensions,
        statistic: 'Sum',
        periodSeconds: 60,
      },
      // 1 of 1 with >= 1: the first failed minute wakes the component (AWS's own example uses an
      // operator that needs two failures, issue 15).
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      tags: {},
    },
  };
}

/** Registers the target and puts both policies and the wake alarm. */
export async function installRealtimePolicy(
  cloud: Cloud,
  component: string,
  p: RealtimePolicyParams,
): Promise<RealtimePolicyResources> {
  const r = realtimePolicyResources(component, p);
  await cloud.registerScalableTarget({
    resourceId: r.resourceId,
    minCapacity: 0,
    maxCapacity: p.maxCopies,
    tags: {},
  });
  await cloud.putScalingPolicy(r.targetTracking);
  const wakeArn = await cloud.putScalingPolicy(r.wake);
  await cloud.putAlarm({ ...r.alarm, alarmActions: [wakeArn] });
  return r;
}
