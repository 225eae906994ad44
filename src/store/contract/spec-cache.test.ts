// The JumpStart spec cache's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`specCache on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('stores spec cache entries', async () => {
      await s.specCache.put({ key: 'm@1', json: '{}', fetchedAt: 3 });
      expect(await s.specCache.get('m@1')).toEqual({ key: 'm@1', json: '{}', fetchedAt: 3 });
    });

    it('replaces an entry, keeps its JSON text as given, and deletes it', async () => {
      // Key order and spacing survive: the column is text, not parsed JSON.
      const json = '{"z": 1,  "a": [2, 1]}';
      await s.specCache.put({ key: 'm@1', json: '{}', fetchedAt: 3 });
      await s.specCache.put({ key: 'm@1', json, fetchedAt: 4 });
      await s.specCache.put({ key: 'm@2', json: '[]', fetchedAt: 5 });
      expect(await s.specCache.get('m@1')).toEqual({ key: 'm@1', json, fetchedAt: 4 });
      await s.specCache.delete('m@1');
      await s.specCache.delete('never');
      expect(await s.specCache.get('m@1')).toBeUndefined();
      expect(await s.specCache.get('m@2')).toEqual({ key: 'm@2', json: '[]', fetchedAt: 5 });
    });
  });
}
