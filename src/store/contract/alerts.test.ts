// The alert repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { AlertRecord } from '../alerts.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`alerts on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('keeps alert state by key', async () => {
      await s.alerts.save({
        key: 'k',
        rule: 'r',
        state: 'firing',
        firstFiredAt: 1,
        lastFiredAt: 2,
        summary: 's',
      });
      expect((await s.alerts.firing()).map((a) => a.key)).toEqual(['k']);
      await s.alerts.save({ ...(await s.alerts.get('k'))!, state: 'resolved', resolvedAt: 3 });
      expect(await s.alerts.firing()).toEqual([]);
      expect((await s.alerts.get('k'))?.resolvedAt).toBe(3);
    });

    it('replaces the whole record on save: a field left out is gone, not kept', async () => {
      const full: Required<AlertRecord> = {
        key: 'probe-failed:e',
        endpoint: 'e',
        rule: 'probe-failed',
        state: 'firing',
        firstFiredAt: 10,
        lastFiredAt: 20,
        lastNotifiedAt: 20,
        resolvedAt: 5,
        summary: 'The last probe of e failed.',
      };
      await s.alerts.save(full);
      expect(await s.alerts.get(full.key)).toEqual(full);
      const bare: AlertRecord = {
        key: full.key,
        rule: 'r2',
        state: 'firing',
        firstFiredAt: 30,
        lastFiredAt: 31,
        summary: '',
      };
      await s.alerts.save(bare);
      expect(await s.alerts.get(full.key)).toEqual(bare);
      expect(await s.alerts.all()).toHaveLength(1);
      expect(await s.alerts.get('missing')).toBeUndefined();
    });

    it('lists firing alerts by first firing and every alert by key in byte order', async () => {
      const alert = (key: string, firstFiredAt: number, state: AlertRecord['state']): AlertRecord => ({
        key,
        rule: 'r',
        state,
        firstFiredAt,
        lastFiredAt: firstFiredAt,
        summary: key,
      });
      await s.alerts.save(alert('b', 3, 'firing'));
      await s.alerts.save(alert('a', 5, 'firing'));
      await s.alerts.save(alert('C', 1, 'resolved'));
      await s.alerts.save(alert('c', 4, 'firing'));
      expect((await s.alerts.firing()).map((a) => a.key)).toEqual(['b', 'c', 'a']);
      // SQLite compares text bytewise: uppercase sorts before lowercase whatever the locale.
      expect((await s.alerts.all()).map((a) => a.key)).toEqual(['C', 'a', 'b', 'c']);
    });
  });
}
