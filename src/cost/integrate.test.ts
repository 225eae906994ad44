import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSegments, integrate, integrateBuckets, percentile, priceAt } from './integrate.js';

const H = 3600_000;

describe('countSegments / integrate', () => {
  it('integrates a step function against a price step function', () => {
    // 2 instances 0-1 h, 0 for 1-2 h, 3 for 2-4 h; $1/h until 3 h, $2/h after.
    const segs = countSegments(
      2,
      [
        { at: H, count: 0 },
        { at: 2 * H, count: 3 },
      ],
      0,
      4 * H,
    );
    expect(segs).toEqual([
      { from: 0, to: H, count: 2 },
      { from: H, to: 2 * H, count: 0 },
      { from: 2 * H, to: 4 * H, count: 3 },
    ]);
    const r = integrate(segs, [
      { from: -Infinity, usdPerHour: 1 },
      { from: 3 * H, usdPerHour: 2 },
    ]);
    expect(r.instanceHours).toBe(8); // 2 + 0 + 6
    expect(r.spendUsd).toBe(2 + 3 * 1 + 3 * 2);
    expect(integrate(segs, []).spendUsd).toBeUndefined();
  });

  it('ignores transitions outside the window but takes the last one before it', () => {
    const segs = countSegments(
      0,
      [
        { at: -5, count: 4 },
        { at: 50, count: 1 },
        { at: 200, count: 9 },
      ],
      0,
      100,
    );
    expect(segs).toEqual([
      { from: 0, to: 50, count: 4 },
      { from: 50, to: 100, count: 1 },
    ]);
  });

  it('uses the first price for times before it', () => {
    expect(
      priceAt(
        [
          { from: 10, usdPerHour: 3 },
          { from: 20, usdPerHour: 5 },
        ],
        0,
      ),
    ).toBe(3);
    expect(
      priceAt(
        [
          { from: 10, usdPerHour: 3 },
          { from: 20, usdPerHour: 5 },
        ],
        20,
      ),
    ).toBe(5);
  });

  it('bucket totals add up to the window total for any step function', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 5 })), {
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 5 }),
        (raw, initial) => {
          const steps = [...raw].sort((a, b) => a[0] - b[0]).map(([at, count]) => ({ at, count }));
          const segs = countSegments(initial, steps, 0, 1000);
          const prices = [
            { from: -Infinity, usdPerHour: 2 },
            { from: 500, usdPerHour: 3 },
          ];
          const whole = integrate(segs, prices);
          const edges = [0, 100, 250, 600, 1000];
          const parts = integrateBuckets(
            segs,
            prices,
            edges.slice(1).map((end, i) => ({ start: edges[i]!, end })),
          );
          const sumHours = parts.reduce((n, b) => n + b.instanceHours, 0);
          const sumSpend = parts.reduce((n, b) => n + (b.spendUsd ?? 0), 0);
          expect(sumHours).toBeCloseTo(whole.instanceHours, 9);
          expect(sumSpend).toBeCloseTo(whole.spendUsd!, 9);
        },
      ),
    );
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([10, 20], 0.95)).toBeCloseTo(19.5, 9);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
