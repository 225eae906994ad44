import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import { ownerTags } from '../ownership.js';
import { buildScalingResources } from './build.js';

function build(yaml: string) {
  const config = testConfig(yaml);
  const ep = config.endpoints[0]!;
  return buildScalingResources(ep, ownerTags(config.project, ep.name));
}

describe('buildScalingResources', () => {
  it('aws-recommended: target tracking on backlog per instance plus a wake step policy and its alarm', () => {
    const set = build('scaling: { preset: aws-recommended }');
    expect(set.resourceId).toBe('endpoint/llm-async/variant/AllTraffic');
    expect(set.target).toMatchObject({ minCapacity: 0, maxCapacity: 2 });
    expect(set.policies.map((p) => `${p.type}:${p.policyName}`)).toEqual([
      'TargetTracking:sagezero-llm-async-backlog-target',
      'StepScaling:sagezero-llm-async-wake',
    ]);
    const tt = set.policies[0]!;
    expect(tt).toMatchObject({
      metricName: 'ApproximateBacklogSizePerInstance',
      namespace: 'AWS/SageMaker',
      dimensions: [{ name: 'EndpointName', value: 'llm-async' }],
      statistic: 'Average',
      targetValue: 5,
      scaleInCooldownSeconds: 600,
      // The wake cooldown covers the assumed boot: default prior 480 s -> p90 480 * e^(1.2816 * 0.15)
      // = 581.7 s; max(300, ceil((581.7 + 60 + 60) / 60) * 60) = 720.
      scaleOutCooldownSeconds: 720,
      disableScaleIn: false,
    });
    expect(set.policies[1]).toMatchObject({
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: 720,
    });
    expect(set.alarms).toHaveLength(1);
    const wake = set.alarms[0]!;
    expect(wake.actionPolicyName).toBe('sagezero-llm-async-wake');
    expect(wake.spec).toMatchObject({
      metric: {
        metricName: 'HasBacklogWithoutCapacity',
        statistic: 'Average',
        periodSeconds: 60,
        dimensions: [{ name: 'EndpointName', value: 'llm-async' }],
      },
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
    });
    expect(wake.spec.tags['sagezero:project']).toBe('test');
    expect(set.scheduledActions).toEqual([]);
  });

  it('blog: target tracking only, no wake policy', () => {
    const set = build('scaling: { preset: blog }');
    expect(set.policies.map((p) => p.type)).toEqual(['TargetTracking']);
    expect(set.alarms).toEqual([]);
  });

  it('explicit keys override the preset', () => {
    const set = build(
      'scaling: { preset: aws-recommended, maxCapacity: 4, targetBacklogPerInstance: 2, wake: { periodSeconds: 120, evaluationPeriods: 1 } }',
    );
    expect(set.target.maxCapacity).toBe(4);
    expect(set.policies[0]).toMatchObject({ targetValue: 2 });
    expect(set.alarms[0]!.spec).toMatchObject({ evaluationPeriods: 1, metric: { periodSeconds: 120 } });
  });

  it('idle step mode: exact-capacity-0 policy on a metric-math idle alarm, and target tracking does not scale in', () => {
    const set = build(
      'scaling: { preset: custom, minCapacity: 0, maxCapacity: 3, targetBacklogPerInstance: 4, wake: { periodSeconds: 60, evaluationPeriods: 2 }, idle: { mode: step, minutes: 7 } }',
    );
    expect(set.policies[0]).toMatchObject({ type: 'TargetTracking', disableScaleIn: true });
    const idle = set.policies.find((p) => p.policyName === 'sagezero-llm-async-idle');
    expect(idle).toMatchObject({
      type: 'StepScaling',
      adjustmentType: 'ExactCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 0 }],
    });
    const alarm = set.alarms.find((a) => a.actionPolicyName === 'sagezero-llm-async-idle')!;
    expect(alarm.spec.evaluationPeriods).toBe(7);
    expect(alarm.spec.datapointsToAlarm).toBe(7);
    expect(alarm.spec.treatMissingData).toBe('notBreaching');
    const ids = alarm.spec.metrics!.map((m) => m.id);
    expect(ids).toEqual(['backlog', 'processed', 'idle']);
    expect(alarm.spec.metrics!.filter((m) => m.returnData)).toHaveLength(1);
    expect(alarm.spec.metrics![1]!.metric!.dimensions).toContainEqual({
      name: 'VariantName',
      value: 'AllTraffic',
    });
  });

  it('keep-warm windows become an opening and a closing scheduled action in AWS cron syntax', () => {
    const set = build(`scaling:
  keepWarm:
    - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels, minCapacity: 1 }`);
    expect(set.scheduledActions).toEqual([
      expect.objectContaining({
        name: 'sagezero-llm-async-keepwarm-0-open',
        schedule: 'cron(0 8 ? * MON-FRI *)',
        timezone: 'Europe/Brussels',
        minCapacity: 1,
        maxCapacity: 2,
      }),
      expect.objectContaining({
        name: 'sagezero-llm-async-keepwarm-0-close',
        schedule: 'cron(0 18 ? * MON-FRI *)',
        minCapacity: 0,
      }),
    ]);
  });

  it('no scaling block means aws-recommended', () => {
    const set = build('');
    expect(set.policies).toHaveLength(2);
    expect(set.target.minCapacity).toBe(0);
  });
});
