// The scaling set of one inference component of a `kind: realtime` endpoint: the same shape as an
// async endpoint's (ScalingResourceSet), so plan.ts and apply.ts in this folder diff and write it
// unchanged. Pure: the same component always builds the same set.
//
// AWS facts:
// - Scalable target `inference-component/<name>`, dimension
//   `sagemaker:inference-component:DesiredCopyCount`, MinCapacity 0 for scale to zero; "An endpoint
//   can scale to and from zero instances only if it hosts inference components", and scaling out of
//   zero needs a step scaling policy on a CloudWatch alarm; "the provisioning process takes several
//   minutes. During that time, any attempts to invoke the endpoint will produce an error."
//   https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html
// - Target tracking on the predefined metric SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution
//   (requests in flight per copy, published every 10 s; added to Application Auto Scaling 2024-07-25):
//   https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
//   A per-copy metric has no datapoints while there are no copies, so target tracking alone can never
//   take a component out of zero: that is the wake policy's job.
// - The wake alarm: NoCapacityInvocationFailures (AWS/SageMaker, dimension InferenceComponentName),
//   Sum over 60 s, GreaterThanOrEqualToThreshold 1, 1 of 1. AWS's example uses GreaterThanThreshold 1,
//   which needs two failed invocations in the minute: a lone request after idle would fail and never
//   wake the component (issue 15).
// - Step policy ChangeInCapacity +1: from zero that is one copy; the endpoint's managed instance
//   scaling launches an instance for it.
//
// Chosen values (aws-recommended, src/config/realtime-schema.ts REALTIME_PRESET_VALUES):
// - target 5 concurrent requests per copy: a model server with continuous batching (TGI, vLLM, LMI)
//   serves a handful of requests at once without each one slowing much; 1 would add a copy (often an
//   instance) for every second concurrent user, and 5 keeps a lone user's burst on one copy. The tuner
//   and `custom` move it.
// - target tracking cooldowns 300 s each, Application Auto Scaling's default for SageMaker: a new copy
//   that needs a new instance takes minutes to serve, and a shorter scale-out cooldown would add copies
//   for the same load while it boots.
// - wake cooldown: the boot the component's tune block assumes (p90 of the prior, 480 s -> 582 s) plus
//   the alarm's lag, in whole minutes, at least 300 s (720 s by default): failures keep coming while
//   the first copy boots, and a shorter cooldown would add a second copy for the same wake.
import {
  componentResourceId,
  PREDEFINED_METRIC_NAMESPACE,
  type AlarmState,
  type Cloud,
  type ScalingPolicySpec,
  type Tags,
} from '../cloud/types.js';
import type { ComponentConfig } from '../config/load.js';
import { SAGEMAKER_NAMESPACE, type DesiredAlarm, type ScalingResourceSet } from './build.js';
import { isSagezeroName } from './names.js';
import type { ScalingObserved } from './observe.js';

export const CONCURRENCY_PER_COPY_METRIC =
  'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution';
export const NO_CAPACITY_METRIC = 'NoCapacityInvocationFailures';

/** Policies are scoped to the component's scalable target, so these names need only be unique on it. */
export function componentPolicyName(component: string, role: 'target' | 'wake'): string {
  return `sagezero-${component}-${role === 'target' ? 'concurrency-target' : 'wake'}`;
}

/**
 * Alarm names are account-wide. An endpoint name cannot contain "/", so `sagezero-inference-component/`
 * never collides with an async endpoint's `sagezero-<endpoint>-wake`, whatever the names.
 */
export function componentAlarmPrefix(component: string): string {
  return `sagezero-${componentResourceId(component)}-`;
}

export function componentAlarmName(component: string): string {
  return `${componentAlarmPrefix(component)}wake`;
}

export function buildComponentScaling(component: ComponentConfig, ownerTags: Tags): ScalingResourceSet {
  const s = component.scaling;
  const name = component.componentName;
  const resourceId = componentResourceId(name);
  const policies: ScalingPolicySpec[] = [
    {
      type: 'TargetTracking',
      policyName: componentPolicyName(name, 'target'),
      resourceId,
      targetValue: s.targetConcurrentRequestsPerCopy,
      metricName: CONCURRENCY_PER_COPY_METRIC,
      namespace: PREDEFINED_METRIC_NAMESPACE,
      dimensions: [],
      statistic: 'Average',
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      disableScaleIn: false,
    },
  ];
  const alarms: DesiredAlarm[] = [];
  if (s.wake !== false) {
    const wakePolicy = componentPolicyName(name, 'wake');
    policies.push({
      type: 'StepScaling',
      policyName: wakePolicy,
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: s.wake.cooldownSeconds,
      metricAggregationType: 'Maximum',
    });
    alarms.push({
      actionPolicyName: wakePolicy,
      spec: {
        name: componentAlarmName(name),
        description: `sagezero: add a copy of ${name} when an invocation finds none`,
        metric: {
          namespace: SAGEMAKER_NAMESPACE,
          metricName: NO_CAPACITY_METRIC,
          dimensions: [{ name: 'InferenceComponentName', value: name }],
          statistic: 'Sum',
          periodSeconds: s.wake.periodSeconds,
        },
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No invocations, no datapoint: that is not a failure.
        treatMissingData: 'notBreaching',
        alarmActions: [],
        tags: ownerTags,
      },
    });
  }
  return {
    endpointName: name,
    resourceId,
    target: { resourceId, minCapacity: s.minCopies, maxCapacity: s.maxCopies, tags: ownerTags },
    policies,
    alarms,
    scheduledActions: [],
  };
}

/** What sagezero owns on the component's scalable target, and its wake alarm by exact name. */
export async function observeComponentScaling(cloud: Cloud, component: string): Promise<ScalingObserved> {
  const resourceId = componentResourceId(component);
  const [target, allPolicies, alarms, allActions] = await Promise.all([
    cloud.getScalableTarget(resourceId),
    cloud.listScalingPolicies(resourceId),
    cloud.listAlarms(componentAlarmPrefix(component)),
    cloud.listScheduledActions(resourceId),
  ]);
  return {
    target,
    policies: allPolicies.filter((p) => isSagezeroName(p.policyName)),
    foreignPolicies: allPolicies.filter((p) => !isSagezeroName(p.policyName)).map((p) => p.policyName),
    alarms: alarms.filter((a: AlarmState) => a.name === componentAlarmName(component)),
    scheduledActions: allActions.filter((a) => isSagezeroName(a.name)),
  };
}
