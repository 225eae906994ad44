// Config -> the exact set of Application Auto Scaling and CloudWatch resources that make one endpoint
// scale to zero and wake again (docs/ARCHITECTURE.md, "AWS facts the code honours"). Pure: the same input always builds the same set,
// which is what lets plan compare it with what AWS has.
import type {
  AlarmSpec,
  ScalableTargetSpec,
  ScalingPolicySpec,
  ScheduledActionSpec,
  Tags,
} from '../cloud/types.js';
import { scalableResourceId } from '../cloud/types.js';
import type { EndpointConfig } from '../config/load.js';
import { toAwsCron } from '../config/cron.js';
import { alarmName, keepWarmActionName, policyName } from './names.js';

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';

export interface DesiredAlarm {
  /** `alarmActions` is empty here: the installer fills in the ARN of `actionPolicyName`. */
  spec: AlarmSpec;
  actionPolicyName: string;
}

export interface ScalingResourceSet {
  endpointName: string;
  resourceId: string;
  target: ScalableTargetSpec;
  policies: ScalingPolicySpec[];
  alarms: DesiredAlarm[];
  scheduledActions: ScheduledActionSpec[];
  /**
   * `scaling.preset: none`: sagezero manages no scaling for the endpoint, so plan compares nothing
   * (whatever is registered, sagezero's or not, is left alone).
   */
  unmanaged?: true;
}

export function buildScalingResources(endpoint: EndpointConfig, ownerTags: Tags): ScalingResourceSet {
  const s = endpoint.scaling;
  const name = endpoint.name;
  const resourceId = scalableResourceId(name, endpoint.variantName);
  const endpointDim = [{ name: 'EndpointName', value: name }];
  if (s.preset === 'none') {
    const target = { resourceId, minCapacity: s.minCapacity, maxCapacity: s.maxCapacity, tags: ownerTags };
    return {
      endpointName: name,
      resourceId,
      target,
      policies: [],
      alarms: [],
      scheduledActions: [],
      unmanaged: true,
    };
  }

  const policies: ScalingPolicySpec[] = [
    {
      type: 'TargetTracking',
      policyName: policyName(name, 'target'),
      resourceId,
      targetValue: s.targetBacklogPerInstance,
      metricName: 'ApproximateBacklogSizePerInstance',
      namespace: SAGEMAKER_NAMESPACE,
      dimensions: endpointDim,
      statistic: 'Average',
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      // In step idle mode sagezero's own idle policy takes the endpoint to zero; letting target
      // tracking scale in as well would make the two fight over the last instance.
      disableScaleIn: s.idle.mode === 'step',
    },
  ];
  const alarms: DesiredAlarm[] = [];

  if (s.wake !== false) {
    const wakePolicy = policyName(name, 'wake');
    policies.push({
      type: 'StepScaling',
      policyName: wakePolicy,
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: s.scaleOutCooldownSeconds,
      metricAggregationType: 'Average',
    });
    alarms.push({
      actionPolicyName: wakePolicy,
      spec: {
        name: alarmName(name, 'wake'),
        description: `sagezero: wake ${name} from zero instances when requests wait without capacity`,
        metric: {
          namespace: SAGEMAKER_NAMESPACE,
          metricName: 'HasBacklogWithoutCapacity',
          dimensions: endpointDim,
          statistic: 'Average',
          periodSeconds: s.wake.periodSeconds,
        },
        evaluationPeriods: s.wake.evaluationPeriods,
        datapointsToAlarm: s.wake.evaluationPeriods,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'missing',
        alarmActions: [],
        tags: ownerTags,
      },
    });
  }

  if (s.idle.mode === 'step') {
    const idlePolicy = policyName(name, 'idle');
    policies.push({
      type: 'StepScaling',
      policyName: idlePolicy,
      resourceId,
      adjustmentType: 'ExactCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 0 }],
      cooldownSeconds: s.scaleInCooldownSeconds,
      metricAggregationType: 'Average',
    });
    alarms.push({ actionPolicyName: idlePolicy, spec: idleAlarm(endpoint, ownerTags) });
  }

  const scheduledActions: ScheduledActionSpec[] = s.keepWarm.flatMap((w, i) => [
    {
      name: keepWarmActionName(name, i, 'open'),
      resourceId,
      schedule: toAwsCron(w.from),
      timezone: w.timezone,
      minCapacity: w.minCapacity,
      maxCapacity: s.maxCapacity,
    },
    {
      name: keepWarmActionName(name, i, 'close'),
      resourceId,
      schedule: toAwsCron(w.to),
      timezone: w.timezone,
      minCapacity: s.minCapacity,
      maxCapacity: s.maxCapacity,
    },
  ]);

  return {
    endpointName: name,
    resourceId,
    target: { resourceId, minCapacity: s.minCapacity, maxCapacity: s.maxCapacity, tags: ownerTags },
    policies,
    alarms,
    scheduledActions,
  };
}

/**
 * "Idle" = no request waiting and none processed in a minute, for `idle.minutes` minutes in a row.
 * Async endpoints publish no Invocations metric, so idleness is computed with metric math over the
 * backlog and the processed count. Missing data does not breach: sagezero never removes capacity
 * on the strength of an absent metric.
 */
function idleAlarm(endpoint: EndpointConfig, tags: Tags): AlarmSpec {
  const name = endpoint.name;
  const minutes = endpoint.scaling.idle.minutes;
  return {
    name: alarmName(name, 'idle'),
    description: `sagezero: scale ${name} to zero after ${minutes} idle minutes`,
    metrics: [
      {
        id: 'backlog',
        metric: {
          namespace: SAGEMAKER_NAMESPACE,
          metricName: 'ApproximateBacklogSize',
          dimensions: [{ name: 'EndpointName', value: name }],
          stat: 'Maximum',
          periodSeconds: 60,
        },
        returnData: false,
      },
      {
        id: 'processed',
        metric: {
          namespace: SAGEMAKER_NAMESPACE,
          metricName: 'InvocationsProcessed',
          dimensions: [
            { name: 'EndpointName', value: name },
            { name: 'VariantName', value: endpoint.variantName },
          ],
          stat: 'Sum',
          periodSeconds: 60,
        },
        returnData: false,
      },
      {
        id: 'idle',
        expression: 'IF(FILL(backlog, 0) + FILL(processed, 0) == 0, 1, 0)',
        label: 'idle minute',
        returnData: true,
      },
    ],
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [],
    tags,
  };
}
