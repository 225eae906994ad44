import { describe, expect, it } from 'vitest';
import type { ScalableTargetState, ScalingPolicyState } from '../cloud/types.js';
import { combineComponentScaling, summarizeScaling } from './scaling.js';

const RID = 'endpoint/e/variant/AllTraffic';
const target = (min: number, max = 2): ScalableTargetState => ({
  resourceId: RID,
  minCapacity: min,
  maxCapacity: max,
  tags: {},
  createdAt: 0,
});
const tracking: ScalingPolicyState = {
  type: 'TargetTracking',
  policyName: 'track',
  resourceId: RID,
  targetValue: 5,
  metricName: 'ApproximateBacklogSizePerInstance',
  namespace: 'AWS/SageMaker',
  dimensions: [],
  statistic: 'Average',
  scaleInCooldownSeconds: 600,
  scaleOutCooldownSeconds: 300,
  disableScaleIn: false,
  policyArn: 'arn:track',
  alarmNames: ['TargetTracking-high', 'TargetTracking-low'],
};
const wake = (over: Partial<ScalingPolicyState & { type: 'StepScaling' }> = {}): ScalingPolicyState => ({
  type: 'StepScaling',
  policyName: 'wake',
  resourceId: RID,
  adjustmentType: 'ChangeInCapacity',
  stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
  cooldownSeconds: 300,
  metricAggregationType: 'Average',
  policyArn: 'arn:wake',
  alarmNames: ['has-backlog-without-capacity'],
  ...over,
});

describe('summarizeScaling', () => {
  it('no target: always on', () => {
    expect(summarizeScaling('async', undefined, [])).toMatchObject({
      target: false,
      reachesZero: false,
      policies: [],
    });
  });

  it('min above zero never reaches zero', () => {
    expect(summarizeScaling('async', target(1), [tracking])).toMatchObject({
      reachesZero: false,
      minCapacity: 1,
    });
  });

  it('async at min 0 reaches zero only with a step policy an alarm drives', () => {
    expect(summarizeScaling('async', target(0), [tracking]).reachesZero).toBe(false);
    expect(summarizeScaling('async', target(0), [tracking, wake({ alarmNames: [] })]).reachesZero).toBe(
      false,
    );
    expect(
      summarizeScaling('async', target(0), [tracking, wake({ adjustmentType: 'PercentChangeInCapacity' })])
        .reachesZero,
    ).toBe(false);
    expect(summarizeScaling('async', target(0), [tracking, wake()])).toMatchObject({
      reachesZero: true,
      policies: ['track', 'wake'],
    });
  });

  it('a classic real-time variant cannot reach zero whatever its target says', () => {
    expect(summarizeScaling('realtime', target(0), [tracking, wake()]).reachesZero).toBe(false);
  });

  it('inference components: managed scaling to 0 and every component woken', () => {
    const ok = { name: 'c1', summary: summarizeScaling('realtime-components', target(0), [wake()]) };
    const stuck = { name: 'c2', summary: summarizeScaling('realtime-components', target(1), [tracking]) };
    expect(combineComponentScaling(0, [ok]).reachesZero).toBe(true);
    expect(combineComponentScaling(1, [ok]).reachesZero).toBe(false);
    expect(combineComponentScaling(undefined, [ok]).reachesZero).toBe(false);
    expect(combineComponentScaling(0, [ok, stuck])).toMatchObject({
      reachesZero: false,
      minCapacity: 0,
      maxCapacity: 2,
    });
  });
});
