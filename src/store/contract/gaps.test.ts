// The telemetry-gap repo's contract, on SQLite and on PostgreSQL. (Gaps recorded before schema
// version 4, for all endpoints, come only from migrating an old SQLite file: store.test.ts.)
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`gaps on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('records telemetry gaps and finds the ones overlapping a window', async () => {
      await s.gaps.record({ endpoint: 'e', start: 100, end: 200, backfilledTransitions: 2 });
      expect(await s.gaps.overlapping(150, 300)).toEqual([
        { endpoint: 'e', start: 100, end: 200, backfilledTransitions: 2 },
      ]);
      expect(await s.gaps.overlapping(200, 300)).toEqual([]);
      expect(await s.gaps.overlapping(0, 100)).toEqual([]);
      expect(await s.gaps.overlapping(199.5, 300)).toHaveLength(1);
      expect(await s.gaps.overlapping(-Infinity, Infinity)).toHaveLength(1);
      expect(await s.gaps.overlapping(Number.NaN, 300)).toEqual([]);
    });

    it('keeps one gap per endpoint and start: endpoints sharing a start do not overwrite each other', async () => {
      await s.gaps.record({ endpoint: 'b', start: 100, end: 300, backfilledTransitions: 3 });
      await s.gaps.record({ endpoint: 'a', start: 100, end: 200, backfilledTransitions: 2 });
      await s.gaps.record({ endpoint: 'a', start: 50, end: 100, backfilledTransitions: 0 });
      expect(await s.gaps.overlapping(0, 1000)).toEqual([
        { endpoint: 'a', start: 50, end: 100, backfilledTransitions: 0 },
        { endpoint: 'a', start: 100, end: 200, backfilledTransitions: 2 },
        { endpoint: 'b', start: 100, end: 300, backfilledTransitions: 3 },
      ]);
      // The same endpoint and start again replaces that endpoint's row only.
      await s.gaps.record({ endpoint: 'a', start: 100, end: 250, backfilledTransitions: 4 });
      expect(await s.gaps.overlapping(220, 1000)).toEqual([
        { endpoint: 'a', start: 100, end: 250, backfilledTransitions: 4 },
        { endpoint: 'b', start: 100, end: 300, backfilledTransitions: 3 },
      ]);
    });

    it('orders gaps sharing a start by endpoint, bytewise', async () => {
      for (const endpoint of ['ab', 'a-b', 'B'])
        await s.gaps.record({ endpoint, start: 100, end: 200, backfilledTransitions: 0 });
      // '-' (0x2d) < 'B' (0x42) < 'a' (0x61) < 'b' (0x62).
      expect((await s.gaps.overlapping(0, 1000)).map((g) => g.endpoint)).toEqual(['B', 'a-b', 'ab']);
    });
  });
}
