import { describe, expect, it } from 'vitest';
import { parsePriceTable } from '../cost/price-table.js';
import type { ScalingActivity } from '../cloud/types.js';
import { countSteps, instanceSeconds, priceOf, usdOf } from './cost.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

function activity(
  startH: number,
  endH: number,
  desired: number,
  status: ScalingActivity['statusCode'] = 'Successful',
): ScalingActivity {
  return {
    activityId: `a${startH}`,
    resourceId: 'endpoint/e/variant/AllTraffic',
    description: `Setting desired instance count to ${desired}.`,
    cause: 'alarm',
    startTime: T0 + startH * H,
    endTime: T0 + endH * H,
    statusCode: status,
    desiredCapacity: desired,
  };
}

const table = parsePriceTable(
  'region\tinstance_type\tusd_per_hour\tsource\n' +
    'us-east-1\tml.g5.xlarge\t1.5\tt\n' +
    'eu-west-1\tml.g5.xlarge\t1.75\tt\n',
);

describe('instance count and cost', () => {
  it('without scaling activities the count now holds for the whole life', () => {
    const { steps, note } = countSteps({
      createdAt: T0,
      initialInstanceCount: 1,
      instanceCount: 2,
      activities: [],
      activitiesSince: T0,
    });
    expect(note).toBeUndefined();
    // 2 instances for the 10 hours from the window start: 20 instance-hours = 72,000 s.
    expect(instanceSeconds(steps, T0, T0 + 10 * H)).toBe(72_000);
  });

  it('a scale-out counts from its start and a scale-in from its end', () => {
    const { steps } = countSteps({
      createdAt: T0,
      initialInstanceCount: 1,
      instanceCount: 0,
      // Up to 2 at 2h (ends 2.2h), down to 0 at 5h (ends 5.5h); a failed one changes nothing.
      activities: [activity(5, 5.5, 0), activity(2, 2.2, 2), activity(3, 3.1, 7, 'Failed')],
      activitiesSince: T0,
    });
    expect(steps).toEqual([
      { at: T0, count: 1 },
      { at: T0 + 2 * H, count: 2 },
      { at: T0 + 5.5 * H, count: 0 },
    ]);
    // 1 x 2 h + 2 x 3.5 h + 0 = 9 instance-hours; the window 1h..8h takes 1 x 1 h + 2 x 3.5 h = 8.
    expect(instanceSeconds(steps, T0, T0 + 8 * H)).toBe(9 * 3600);
    expect(instanceSeconds(steps, T0 + H, T0 + 8 * H)).toBe(8 * 3600);
  });

  it('a brand-new endpoint costs only from its creation', () => {
    const created = T0 + 9.5 * H;
    const { steps } = countSteps({
      createdAt: created,
      initialInstanceCount: 1,
      instanceCount: 1,
      activities: [],
      activitiesSince: T0,
    });
    // Window of 10 h, endpoint 30 minutes old: 1,800 instance-seconds, $0.75 at $1.5/h.
    const s = instanceSeconds(steps, Math.max(T0, created), T0 + 10 * H);
    expect(s).toBe(1800);
    expect(usdOf(s, priceOf('us-east-1', 'ml.g5.xlarge', table))).toBe(0.75);
  });

  it('says when the count before the activities read is assumed', () => {
    const { note } = countSteps({
      createdAt: T0 - 30 * 24 * H,
      initialInstanceCount: 1,
      instanceCount: 0,
      activities: [activity(1, 1.5, 0)],
      activitiesSince: T0,
    });
    expect(note).toMatch(/taken as the config's initial 1/);
  });

  it('prices from the table, us-east-1 as an estimate elsewhere, and says when it knows none', () => {
    expect(priceOf('eu-west-1', 'ml.g5.xlarge', table)).toEqual({
      usdPerHour: 1.75,
      source: 'bundled table',
    });
    expect(priceOf('ap-south-1', 'ml.g5.xlarge', table)).toEqual({
      usdPerHour: 1.5,
      source: 'bundled table, us-east-1 price as an estimate',
    });
    const unknown = priceOf('us-east-1', 'ml.p5.48xlarge', table);
    expect(unknown).toEqual({
      usdPerHour: null,
      source: 'unknown: the bundled price table has no ml.p5.48xlarge',
    });
    expect(usdOf(3600, unknown)).toBeNull();
  });
});
