// The calibration repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

interface Fit {
  boot: { p50: number; shape: number[] };
  note: string | null;
}

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`calibrations on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('gives back the fit as saved, the newest by time and then by insertion, all oldest first', async () => {
      const fit = (p50: number): Fit => ({ boot: { p50, shape: [1 / 3, 2] }, note: null });
      await s.calibrations.save({ endpoint: 'e', madeAt: 200, fit: fit(1), agrees: true });
      await s.calibrations.save({ endpoint: 'e', madeAt: 100, fit: fit(2), agrees: false });
      await s.calibrations.save({ endpoint: 'e', madeAt: 200, fit: fit(3), agrees: false });
      await s.calibrations.save({ endpoint: 'f', madeAt: 900, fit: fit(4), agrees: true });
      expect(await s.calibrations.latest<Fit>('e')).toEqual({
        endpoint: 'e',
        madeAt: 200,
        fit: fit(3),
        agrees: false,
      });
      expect((await s.calibrations.all<Fit>('e')).map((c) => [c.madeAt, c.fit.boot.p50, c.agrees])).toEqual([
        [100, 2, false],
        [200, 1, true],
        [200, 3, false],
      ]);
      expect(await s.calibrations.latest('none')).toBeUndefined();
      // Several endpoints at once: the same newest fits, none for an endpoint without one.
      const many = await s.calibrations.latestOf<Fit>(['f', 'none', 'e']);
      expect([...many.keys()].sort()).toEqual(['e', 'f']);
      expect(many.get('e')).toEqual(await s.calibrations.latest<Fit>('e'));
      expect(many.get('f')).toEqual({ endpoint: 'f', madeAt: 900, fit: fit(4), agrees: true });
      expect((await s.calibrations.latestOf([])).size).toBe(0);
      expect(await s.calibrations.all('none')).toEqual([]);
    });

    it('keeps the fit JSON text as written: key order survives', async () => {
      await s.calibrations.save({ endpoint: 'e', madeAt: 1, fit: { z: 1, a: { y: 2, b: 3 } }, agrees: true });
      const got = await s.calibrations.latest('e');
      expect(JSON.stringify(got?.fit)).toBe('{"z":1,"a":{"y":2,"b":3}}');
    });
  });
}
