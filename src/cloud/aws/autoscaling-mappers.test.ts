import { describe, expect, it } from 'vitest';
import type { StepScalingPolicySpec, TargetTrackingPolicySpec } from '../types.js';
import {
  SCALABLE_DIMENSION,
  fromScalingActivity,
  fromScalingPolicy,
  fromScheduledAction,
  parseDesiredCapacity,
  toPutScalingPolicyInput,
  toPutScheduledActionInput,
} from './autoscaling-mappers.js';

const resourceId = 'endpoint/ep/variant/AllTraffic';

const tt: TargetTrackingPolicySpec = {
  type: 'TargetTracking',
  policyName: 'sagezero-ep-backlog-target',
  resourceId,
  targetValue: 5,
  metricName: 'ApproximateBacklogSizePerInstance',
  namespace: 'AWS/SageMaker',
  dimensions: [{ name: 'EndpointName', value: 'ep' }],
  statistic: 'Average',
  scaleInCooldownSeconds: 600,
  scaleOutCooldownSeconds: 60,
  disableScaleIn: false,
};

const step: StepScalingPolicySpec = {
  type: 'StepScaling',
  policyName: 'sagezero-ep-wake',
  resourceId,
  adjustmentType: 'ChangeInCapacity',
  stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
  cooldownSeconds: 300,
  metricAggregationType: 'Average',
};

describe('scaling policy mapping', () => {
  it('writes target tracking as a customized metric on the variant dimension', () => {
    expect(toPutScalingPolicyInput(tt)).toEqual({
      PolicyName: tt.policyName,
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 5,
        CustomizedMetricSpecification: {
          MetricName: 'ApproximateBacklogSizePerInstance',
          Namespace: 'AWS/SageMaker',
          Dimensions: [{ Name: 'EndpointName', Value: 'ep' }],
          Statistic: 'Average',
        },
        ScaleInCooldown: 600,
        ScaleOutCooldown: 60,
        DisableScaleIn: false,
      },
    });
  });

  it('writes step scaling with interval bounds', () => {
    expect(toPutScalingPolicyInput(step).StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: undefined, ScalingAdjustment: 1 },
      ],
      Cooldown: 300,
      MetricAggregationType: 'Average',
    });
  });

  it('reads both kinds back to the spec, with the ARN and the alarm names', () => {
    for (const spec of [tt, step]) {
      const input = toPutScalingPolicyInput(spec);
      const state = fromScalingPolicy({
        ...input,
        PolicyType: input.PolicyType,
        PolicyARN: 'arn:p',
        CreationTime: new Date(0),
        Alarms: [{ AlarmName: 'a-high', AlarmARN: 'arn:a' }],
      });
      expect(state).toEqual({ ...spec, policyArn: 'arn:p', alarmNames: ['a-high'] });
    }
  });

  it('names a predefined-metric policy by its metric type, so it never equals sagezero’s', () => {
    const state = fromScalingPolicy({
      PolicyARN: 'arn:p',
      PolicyName: 'console-made',
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: SCALABLE_DIMENSION,
      PolicyType: 'TargetTrackingScaling',
      CreationTime: new Date(0),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      },
    });
    expect(state).toMatchObject({
      type: 'TargetTracking',
      metricName: 'SageMakerVariantInvocationsPerInstance',
    });
  });

  it('skips policy types the port cannot express', () => {
    expect(
      fromScalingPolicy({
        PolicyARN: 'arn:p',
        PolicyName: 'p',
        ServiceNamespace: 'sagemaker',
        ResourceId: resourceId,
        ScalableDimension: SCALABLE_DIMENSION,
        PolicyType: 'PredictiveScaling',
        CreationTime: new Date(0),
      }),
    ).toBeUndefined();
  });
});

describe('scheduled action mapping', () => {
  it('round-trips schedule, timezone and capacities', () => {
    const spec = {
      name: 'warm',
      resourceId,
      schedule: 'cron(0 8 * * ? *)',
      timezone: 'Europe/Paris',
      minCapacity: 1,
      maxCapacity: 2,
    };
    const input = toPutScheduledActionInput(spec);
    expect(input.ScalableTargetAction).toEqual({ MinCapacity: 1, MaxCapacity: 2 });
    const back = fromScheduledAction({
      ScheduledActionName: input.ScheduledActionName,
      ScheduledActionARN: 'arn:s',
      ServiceNamespace: 'sagemaker',
      Schedule: input.Schedule,
      Timezone: input.Timezone,
      ResourceId: input.ResourceId,
      ScalableTargetAction: input.ScalableTargetAction,
      CreationTime: new Date(0),
    });
    expect(back).toEqual({ ...spec, arn: 'arn:s' });
  });
});

describe('scaling activities', () => {
  it('parses the desired count from SageMaker wording and its variants', () => {
    expect(parseDesiredCapacity('Setting desired instance count to 1.')).toBe(1);
    expect(parseDesiredCapacity('Setting desired instance count to 0.')).toBe(0);
    expect(parseDesiredCapacity('Setting desired count to 12.')).toBe(12);
    expect(parseDesiredCapacity('Setting desired capacity to 3.')).toBe(3);
    expect(parseDesiredCapacity('Failed to set desired instance count')).toBeUndefined();
    expect(parseDesiredCapacity(undefined)).toBeUndefined();
  });

  it('maps an activity with times in ms and the parsed count', () => {
    expect(
      fromScalingActivity({
        ActivityId: 'a1',
        ServiceNamespace: 'sagemaker',
        ResourceId: resourceId,
        ScalableDimension: SCALABLE_DIMENSION,
        Description: 'Setting desired instance count to 2.',
        Cause: 'monitor alarm X in state ALARM triggered policy Y',
        StartTime: new Date(1000),
        EndTime: new Date(5000),
        StatusCode: 'Successful',
      }),
    ).toEqual({
      activityId: 'a1',
      resourceId,
      description: 'Setting desired instance count to 2.',
      cause: 'monitor alarm X in state ALARM triggered policy Y',
      startTime: 1000,
      endTime: 5000,
      statusCode: 'Successful',
      desiredCapacity: 2,
    });
  });
});
