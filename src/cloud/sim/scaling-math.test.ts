import { describe, expect, it } from 'vitest';
import { applyAdjustment, scaleInCapacity, selectStep, targetTrackingCapacity } from './scaling-math.js';

describe('step selection', () => {
  const steps = [
    { upperBound: 0, scalingAdjustment: -1 },
    { lowerBound: 0, upperBound: 10, scalingAdjustment: 1 },
    { lowerBound: 10, scalingAdjustment: 3 },
  ];
  it('uses [lower, upper) above the threshold and (lower, upper] below it', () => {
    expect(selectStep(steps, 0)?.scalingAdjustment).toBe(1);
    expect(selectStep(steps, 9.99)?.scalingAdjustment).toBe(1);
    expect(selectStep(steps, 10)?.scalingAdjustment).toBe(3);
    expect(selectStep(steps, -0.5)?.scalingAdjustment).toBe(-1);
    expect(selectStep([{ lowerBound: 0, scalingAdjustment: 1 }], -1)).toBeUndefined();
  });
});

describe('adjustments', () => {
  it('changes, sets or scales by percent (rounding away from zero)', () => {
    expect(applyAdjustment('ChangeInCapacity', 1, 0)).toBe(1);
    expect(applyAdjustment('ExactCapacity', 0, 3)).toBe(0);
    expect(applyAdjustment('PercentChangeInCapacity', 10, 4)).toBe(5);
    expect(applyAdjustment('PercentChangeInCapacity', -50, 3)).toBe(2);
    expect(applyAdjustment('PercentChangeInCapacity', 200, 0)).toBe(0);
  });
});

describe('target tracking', () => {
  it('asks for the capacity that brings the per-instance metric to the target', () => {
    expect(targetTrackingCapacity(12, 5, 1)).toBe(3);
    expect(targetTrackingCapacity(10, 5, 2)).toBe(4);
    expect(targetTrackingCapacity(5, 5, 1)).toBe(1);
    // At zero instances the metric is the backlog itself: 4 < 5 asks for 1, which the high alarm never triggers.
    expect(targetTrackingCapacity(4, 5, 0)).toBe(1);
    expect(targetTrackingCapacity(0, 5, 3)).toBe(0);
  });

  it('scales in straight to the proportional capacity by default (the documented computation)', () => {
    // metric 0 on 10 instances: ceil(0 x 10 / 5) = 0, and 'none' sets it at once.
    expect(scaleInCapacity(10, 0, 'none')).toBe(0);
    // metric 2 on 10 instances, target 5: ceil(2 x 10 / 5) = 4.
    expect(scaleInCapacity(10, targetTrackingCapacity(2, 5, 10), 'none')).toBe(4);
    // Never a scale-out.
    expect(scaleInCapacity(3, 5, 'none')).toBe(3);
  });

  it("removes at most 10% (at least one instance) per scale-in with 'ten-percent' damping", () => {
    expect(scaleInCapacity(2, 0, 'ten-percent')).toBe(1);
    expect(scaleInCapacity(30, 0, 'ten-percent')).toBe(27);
    expect(scaleInCapacity(30, 29, 'ten-percent')).toBe(29);
  });
});
