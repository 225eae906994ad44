import { describe, expect, it } from 'vitest';
import { resolveScaling, scalingInputSchema } from '../config/scaling-schema.js';
import { dailyFigures } from './daily.js';
import { alarmDelayEstimates } from './fit.js';

const D = Date.UTC(2026, 2, 10);
const H = 3_600_000;

describe('dailyFigures', () => {
  it('integrates, counts wakes and scale-ins per UTC day, hand-computed', () => {
    // 0 until 22:00, 1 from 22:00, 2 from 23:00, 0 from 01:00 next day, 1 from 02:00 to 02:30.
    const steps = [
      { at: D + 22 * H, count: 1 },
      { at: D + 23 * H, count: 2 },
      { at: D + 25 * H, count: 0 },
      { at: D + 26 * H, count: 1 },
      { at: D + 26.5 * H, count: 0 },
    ];
    const days = dailyFigures(0, steps, D + 12 * H, D + 36 * H, [
      { at: D + 22 * H, seconds: 600 },
      { at: D + 26 * H, seconds: 500 },
      { at: D + 26.1 * H, seconds: 700 },
    ]);
    expect(days.map((d) => d.day)).toEqual(['2026-03-10', '2026-03-11']);
    expect(days[0]).toMatchObject({
      instanceHours: 1 + 2,
      wakes: 1,
      scaleIns: 0,
      ttfrSeconds: 600,
      ttfrSamples: 1,
    });
    expect(days[1]).toMatchObject({
      instanceHours: 2 + 0.5,
      wakes: 1,
      scaleIns: 2,
      ttfrSeconds: 600,
      ttfrSamples: 2,
    });
  });
});

describe('alarmDelayEstimates', () => {
  it('takes the alarm datapoints off each lag: wake k x period, step idle (minutes + 1) x 60', () => {
    const step = {
      ...resolveScaling(scalingInputSchema.parse({ preset: 'aws-recommended' })),
      idle: { mode: 'step' as const, minutes: 5 },
    };
    if (step.wake === false) throw new Error('aws-recommended wakes');
    const wakePeriods = step.wake.evaluationPeriods * step.wake.periodSeconds;
    const e = alarmDelayEstimates({ wake: [wakePeriods + 90], scaleIn: [6 * 60 + 150] }, step);
    expect(e).toEqual({ wake: [90], scaleIn: [150] });
    // Target tracking's scale-in lag says nothing about the alarm delay.
    const tt = resolveScaling(undefined);
    expect(alarmDelayEstimates({ wake: [], scaleIn: [600] }, tt).scaleIn).toEqual([]);
  });
});
