// The minute-metric repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { MetricPoint, MinuteRange } from '../metrics.js';
import type { Store } from '../types.js';

const m = 60_000;
const pt = (minute: number, value: number, endpoint = 'e', metric = 'X'): MetricPoint => ({
  endpoint,
  metric,
  minute,
  value,
});

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`metrics on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('upserts and aggregates over many ranges in one statement', async () => {
      await s.metrics.upsert([pt(0, 1), pt(m, 0), pt(2 * m, 5), pt(3 * m, 2), pt(m, 100, 'other')]);
      await s.metrics.upsert([pt(3 * m, 3)]);
      const ranges = [
        { from: 0, to: m },
        { from: m, to: 3 * m },
        { from: 10 * m, to: 20 * m },
      ];
      expect(await s.metrics.aggregate('e', 'X', ranges, 'max')).toEqual([1, 5, undefined]);
      expect(await s.metrics.aggregate('e', 'X', ranges, 'sum')).toEqual([1, 8, undefined]);
      expect(await s.metrics.aggregate('e', 'X', [{ from: m, to: 3 * m }], 'firstPositive')).toEqual([2 * m]);
      expect(await s.metrics.series('e', 'X', 2 * m, 3 * m)).toEqual([
        { minute: 2 * m, value: 5 },
        { minute: 3 * m, value: 3 },
      ]);
      expect(await s.metrics.prune(2 * m)).toBe(3);
      expect(await s.metrics.latestMinute('e', 'X')).toBe(3 * m);
      // After the prune, the oldest point left is minute 2 (the tuner starts its history there).
      expect(await s.metrics.earliestMinute('e', 'X')).toBe(2 * m);
      expect(await s.metrics.earliestMinute('e', 'nothing')).toBeUndefined();
      expect(await s.metrics.latestMinute('e', 'nothing')).toBeUndefined();
    });

    it('answers undefined or [] for ranges without points or without a whole minute, in range order', async () => {
      await s.metrics.upsert([pt(m, 4), pt(2 * m, 0), pt(5 * m, 7)]);
      const ranges: MinuteRange[] = [
        { from: 5 * m, to: 5 * m }, // the single minute 5
        { from: 3 * m, to: 4 * m }, // inside the stored span, no point
        { from: m + 1, to: 2 * m - 1 }, // no whole minute
        { from: 2 * m, to: m }, // backwards
        { from: -Infinity, to: Infinity }, // not a range of minutes
        { from: Number.NaN, to: 5 * m },
        { from: 30 * m, to: 40 * m }, // after every point
        { from: m - 1, to: 2 * m + 1 }, // minutes 1 and 2
        { from: 0, to: m }, // ends at the first stored minute
        { from: 0, to: m - 1 }, // ends just before it
      ];
      expect(await s.metrics.aggregate('e', 'X', ranges, 'max')).toEqual([
        7,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        4,
        4,
        undefined,
      ]);
      expect(await s.metrics.aggregate('e', 'X', ranges, 'sum')).toEqual([
        7,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        4,
        4,
        undefined,
      ]);
      // Minute 2 holds 0: only positive values count, so minute 1 is the first.
      expect(await s.metrics.aggregate('e', 'X', ranges, 'firstPositive')).toEqual([
        5 * m,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        m,
        m,
        undefined,
      ]);
      expect(await s.metrics.positivePoints('e', 'X', ranges)).toEqual([
        [[5 * m, 7]],
        [],
        [],
        [],
        [],
        [],
        [],
        [[m, 4]],
        [[m, 4]],
        [],
      ]);
      expect(await s.metrics.aggregate('e', 'X', [], 'max')).toEqual([]);
      expect(await s.metrics.positivePoints('e', 'X', [])).toEqual([]);
      expect(await s.metrics.aggregate('nobody', 'X', ranges.slice(0, 1), 'sum')).toEqual([undefined]);
    });

    it('gives every range its own answer when ranges overlap or repeat', async () => {
      // Minute k holds k for k = 1..10, so a range's sum is the arithmetic series of its minutes.
      await s.metrics.upsert(Array.from({ length: 10 }, (_, k) => pt((k + 1) * m, k + 1)));
      const ranges = [
        { from: 3 * m, to: 6 * m },
        { from: 1 * m, to: 10 * m },
        { from: 3 * m, to: 6 * m },
        { from: 6 * m, to: 7 * m },
      ];
      // 3+4+5+6 = 18, 1+...+10 = 55, 6+7 = 13.
      expect(await s.metrics.aggregate('e', 'X', ranges, 'sum')).toEqual([18, 55, 18, 13]);
      expect(await s.metrics.aggregate('e', 'X', ranges, 'max')).toEqual([6, 10, 6, 7]);
      expect(await s.metrics.aggregate('e', 'X', ranges, 'firstPositive')).toEqual([3 * m, m, 3 * m, 6 * m]);
      const six = [
        [3 * m, 3],
        [4 * m, 4],
        [5 * m, 5],
        [6 * m, 6],
      ];
      expect(await s.metrics.positivePoints('e', 'X', ranges)).toEqual([
        six,
        Array.from({ length: 10 }, (_, k) => [(k + 1) * m, k + 1]),
        six,
        [
          [6 * m, 6],
          [7 * m, 7],
        ],
      ]);
    });

    it('aggregates thousands of ranges, each the same as computed point by point', async () => {
      // Values cycle 0..6 over 2000 minutes: zeros, repeats and gaps (every 5th minute is missing).
      const points: MetricPoint[] = [];
      for (let k = 0; k < 2000; k++) if (k % 5 !== 4) points.push(pt(k * m, k % 7));
      await s.metrics.upsert(points);
      const ranges: MinuteRange[] = [];
      for (let k = 0; k < 3000; k++) {
        const first = (k * 7) % 2100;
        ranges.push({ from: first * m, to: (first + (k % 13)) * m });
      }
      const byMinute = new Map(points.map((p) => [p.minute, p]));
      const inRange = (r: MinuteRange): MetricPoint[] => {
        const ps: MetricPoint[] = [];
        for (let t = r.from; t <= r.to; t += m) if (byMinute.has(t)) ps.push(byMinute.get(t)!);
        return ps;
      };
      const expected = ranges.map((r) => {
        const ps = inRange(r);
        if (ps.length === 0) return { max: undefined, sum: undefined, first: undefined };
        return {
          max: Math.max(...ps.map((p) => p.value)),
          sum: ps.reduce((a, p) => a + p.value, 0),
          first: ps.find((p) => p.value > 0)?.minute,
        };
      });
      expect(await s.metrics.aggregate('e', 'X', ranges, 'max')).toEqual(expected.map((e) => e.max));
      expect(await s.metrics.aggregate('e', 'X', ranges, 'sum')).toEqual(expected.map((e) => e.sum));
      expect(await s.metrics.aggregate('e', 'X', ranges, 'firstPositive')).toEqual(
        expected.map((e) => e.first),
      );
      expect(await s.metrics.positivePoints('e', 'X', ranges)).toEqual(
        ranges.map((r) =>
          inRange(r)
            .filter((p) => p.value > 0)
            .map((p) => [p.minute, p.value]),
        ),
      );
    });

    it('keeps the last of several points for one minute in a batch, and a later batch overwrites', async () => {
      await s.metrics.upsert([pt(m, 1), pt(m, 2), pt(2 * m, 5), pt(m, 3)]);
      expect(await s.metrics.series('e', 'X', 0, 10 * m)).toEqual([
        { minute: m, value: 3 },
        { minute: 2 * m, value: 5 },
      ]);
      await s.metrics.upsert([pt(2 * m, 0.25)]);
      expect(await s.metrics.series('e', 'X', 2 * m, 2 * m)).toEqual([{ minute: 2 * m, value: 0.25 }]);
      await s.metrics.upsert([]);
      expect(await s.metrics.series('e', 'X', 0, 10 * m)).toHaveLength(2);
    });

    it('stores a large batch whole, keeping values exactly (fractions and infinity)', async () => {
      // Past the PostgreSQL repo's 10,000 points per statement.
      const n = 12_345;
      await s.metrics.upsert(Array.from({ length: n }, (_, k) => pt(k * m, k / 3)));
      await s.metrics.upsert([pt(n * m, Infinity)]);
      const all = await s.metrics.series('e', 'X', 0, Infinity);
      expect(all).toHaveLength(n + 1);
      expect(all[1]).toEqual({ minute: m, value: 1 / 3 });
      expect(all[n - 1]).toEqual({ minute: (n - 1) * m, value: (n - 1) / 3 });
      expect(all[n]).toEqual({ minute: n * m, value: Infinity });
      expect(await s.metrics.aggregate('e', 'X', [{ from: 0, to: Infinity }], 'max')).toEqual([undefined]);
      expect(await s.metrics.aggregate('e', 'X', [{ from: (n - 1) * m, to: n * m }], 'max')).toEqual([
        Infinity,
      ]);
    });

    it('refuses a batch holding a NaN value, storing none of it', async () => {
      await expect(s.metrics.upsert([pt(m, 1), pt(2 * m, Number.NaN)])).rejects.toThrow(
        /async_metrics\.value/,
      );
      expect(await s.metrics.series('e', 'X', 0, Infinity)).toEqual([]);
    });

    it('reads series with fractional bounds as numbers, and prunes strictly before', async () => {
      await s.metrics.upsert([pt(m, 1), pt(2 * m, 2), pt(3 * m, 3)]);
      expect((await s.metrics.series('e', 'X', m + 0.5, 3 * m - 0.5)).map((p) => p.value)).toEqual([2]);
      expect(await s.metrics.series('e', 'X', Number.NaN, Infinity)).toEqual([]);
      expect(await s.metrics.prune(2 * m - 0.5)).toBe(1);
      expect(await s.metrics.prune(2 * m)).toBe(0);
      expect(await s.metrics.earliestMinute('e', 'X')).toBe(2 * m);
    });
  });
}
