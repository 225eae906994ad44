// The price-history repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

const p = { region: 'us-east-1', instanceType: 'ml.g5.xlarge', source: 'api' as const, detail: '' };

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`prices on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('keeps price history per source', async () => {
      await s.prices.insert({ ...p, usdPerHour: 1.5, fetchedAt: 10 });
      await s.prices.insert({ ...p, usdPerHour: 1.4, fetchedAt: 20 });
      expect((await s.prices.latest('us-east-1', 'ml.g5.xlarge', 'api'))?.usdPerHour).toBe(1.4);
      expect((await s.prices.history('us-east-1', 'ml.g5.xlarge', 'api')).map((x) => x.usdPerHour)).toEqual([
        1.5, 1.4,
      ]);
      expect(await s.prices.latest('us-east-1', 'ml.g5.xlarge', 'table')).toBeUndefined();
      expect(await s.prices.history('us-east-1', 'ml.g5.xlarge', 'table')).toEqual([]);
    });

    it('refuses a price that is not a finite non-negative number, storing nothing', async () => {
      for (const usdPerHour of [Number.NaN, -0.01, Infinity])
        await expect(s.prices.insert({ ...p, usdPerHour, fetchedAt: 1 })).rejects.toThrow(RangeError);
      expect(await s.prices.history('us-east-1', 'ml.g5.xlarge', 'api')).toEqual([]);
    });

    it('orders prices fetched at the same time by insertion, and returns every field', async () => {
      await s.prices.insert({ ...p, usdPerHour: 2, fetchedAt: 30, detail: 'first' });
      await s.prices.insert({ ...p, usdPerHour: 0, fetchedAt: 30, detail: 'second' });
      await s.prices.insert({ ...p, usdPerHour: 9, fetchedAt: 5, detail: 'older, inserted last' });
      expect(await s.prices.latest('us-east-1', 'ml.g5.xlarge', 'api')).toEqual({
        ...p,
        usdPerHour: 0,
        fetchedAt: 30,
        detail: 'second',
      });
      expect((await s.prices.history('us-east-1', 'ml.g5.xlarge', 'api')).map((x) => x.detail)).toEqual([
        'older, inserted last',
        'first',
        'second',
      ]);
    });
  });
}
