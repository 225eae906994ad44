// The bill cache's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { BillingRow } from '../../cloud/billing.js';
import type { StoredBillingDay } from '../billing.js';
import type { Store } from '../types.js';

const day = (d: string, over: Partial<StoredBillingDay> = {}): StoredBillingDay => ({
  day: d,
  source: 'cost-explorer',
  fetchedAt: 1,
  estimated: true,
  final: false,
  ...over,
});
const row = (
  d: string,
  usageType: string,
  tag: string,
  costUsd: number,
  usageQuantity = 1,
  unit = 'Hrs',
): BillingRow => ({
  day: d,
  usageType,
  tag,
  costUsd,
  usageQuantity,
  unit,
});

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`billing on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('replaces what a day held and leaves other days alone', async () => {
      await s.billing.saveDay(day('2026-01-05'), [
        row('2026-01-05', 'USE1-AsyncInf:ml.g5.xlarge', 'a', 1.5),
        row('2026-01-05', 'USE1-AsyncInf:ml.g5.xlarge', '', 0.25),
      ]);
      await s.billing.saveDay(day('2026-01-06'), [row('2026-01-06', 'USE1-AsyncInf:ml.g5.xlarge', 'a', 7)]);
      await s.billing.saveDay(
        day('2026-01-05', { fetchedAt: 2, estimated: false, final: true, source: 'sim' }),
        [row('2026-01-05', 'USE1-Host:ml.m5.large', 'b', 0.5, 24, 'Hrs')],
      );
      expect(await s.billing.days('2026-01-01', '2026-02-01')).toEqual([
        day('2026-01-05', { fetchedAt: 2, estimated: false, final: true, source: 'sim' }),
        day('2026-01-06'),
      ]);
      expect(await s.billing.rows('2026-01-01', '2026-02-01')).toEqual([
        row('2026-01-05', 'USE1-Host:ml.m5.large', 'b', 0.5, 24, 'Hrs'),
        row('2026-01-06', 'USE1-AsyncInf:ml.g5.xlarge', 'a', 7),
      ]);
      // A day billed nothing: its rows go, the day stays known.
      await s.billing.saveDay(day('2026-01-06', { final: true }), []);
      expect(await s.billing.rows('2026-01-06', '2026-01-07')).toEqual([]);
      expect((await s.billing.days('2026-01-06', '2026-01-07')).map((d) => d.final)).toEqual([true]);
    });

    it('reads days in [start, end), rows by day, usage type and tag in byte order', async () => {
      for (const d of ['2026-01-04', '2026-01-05', '2026-01-06']) {
        await s.billing.saveDay(day(d), [row(d, 'b', 't', 1), row(d, 'a', 'x', 2), row(d, 'a', 'X', 3)]);
      }
      expect((await s.billing.days('2026-01-05', '2026-01-06')).map((d) => d.day)).toEqual(['2026-01-05']);
      expect(
        (await s.billing.rows('2026-01-05', '2026-01-07')).map((r) => `${r.day} ${r.usageType} ${r.tag}`),
      ).toEqual([
        '2026-01-05 a X',
        '2026-01-05 a x',
        '2026-01-05 b t',
        '2026-01-06 a X',
        '2026-01-06 a x',
        '2026-01-06 b t',
      ]);
    });

    it('adds up rows repeating a usage type and tag in the order given, keeping the first unit', async () => {
      await s.billing.saveDay(day('2026-01-05'), [
        row('2026-01-05', 'u', 't', 0.1, 1, 'Hrs'),
        row('2026-01-05', 'u', 't', 0.2, 2, 'GB-Mo'),
        row('2026-01-05', 'u', 't', 0.3, 4, ''),
      ]);
      // Floating-point addition is not associative: 0.1 + 0.2 + 0.3 left to right is not 0.1 + (0.2 + 0.3).
      expect(0.1 + 0.2 + 0.3).not.toBe(0.1 + (0.2 + 0.3));
      expect(await s.billing.rows('2026-01-05', '2026-01-06')).toEqual([
        row('2026-01-05', 'u', 't', 0.1 + 0.2 + 0.3, 7, 'Hrs'),
      ]);
    });
  });
}
