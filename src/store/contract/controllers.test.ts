// The controller-run repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`controllers on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('tracks consecutive controller errors', async () => {
      await s.controllers.error('telemetry', 1, 'a');
      await s.controllers.error('telemetry', 2, 'b');
      expect(await s.controllers.get('telemetry')).toMatchObject({
        errorCount: 2,
        consecutiveErrors: 2,
        lastError: 'b',
      });
      await s.controllers.ok('telemetry', 3);
      expect(await s.controllers.get('telemetry')).toMatchObject({
        okCount: 1,
        consecutiveErrors: 0,
        lastOkAt: 3,
      });
    });

    it('keeps the last error after a success, leaves out what never happened, lists by name', async () => {
      await s.controllers.ok('tuner', 1);
      await s.controllers.error('probe', 2, 'x'.repeat(2500));
      await s.controllers.ok('probe', 3);
      await s.controllers.ok('Alerts', 4);
      expect(await s.controllers.all()).toEqual([
        { controller: 'Alerts', okCount: 1, errorCount: 0, consecutiveErrors: 0, lastOkAt: 4 },
        // The message is cut to its first 2000 characters.
        {
          controller: 'probe',
          okCount: 1,
          errorCount: 1,
          consecutiveErrors: 0,
          lastOkAt: 3,
          lastErrorAt: 2,
          lastError: 'x'.repeat(2000),
        },
        { controller: 'tuner', okCount: 1, errorCount: 0, consecutiveErrors: 0, lastOkAt: 1 },
      ]);
      expect(await s.controllers.get('nothing')).toBeUndefined();
    });

    it('counts every run of runs recorded at once', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.controllers.error('c', i, `e${i}`)));
      expect(await s.controllers.get('c')).toMatchObject({ errorCount: 20, consecutiveErrors: 20 });
    });
  });
}
