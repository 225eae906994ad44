// The meta key/value repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`meta on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('stores meta values', async () => {
      await s.meta.setJson('endpoint.status.a', { status: 'InService' }, 1);
      await s.meta.set('endpoint.status.b', 'x', 1);
      await s.meta.set('other', '5', 1);
      expect((await s.meta.getJson<{ status: string }>('endpoint.status.a'))?.status).toBe('InService');
      expect(await s.meta.getJson('endpoint.status.b')).toBeUndefined();
      expect((await s.meta.list('endpoint.status.')).map((e) => e.key)).toEqual([
        'endpoint.status.a',
        'endpoint.status.b',
      ]);
      expect(await s.meta.getNumber('other')).toBe(5);
    });

    it('overwrites a value and its time; deletes; misses are undefined', async () => {
      await s.meta.set('k', 'one', 1);
      await s.meta.set('k', 'two', 2);
      expect(await s.meta.get('k')).toBe('two');
      expect(await s.meta.list('k')).toEqual([{ key: 'k', value: 'two', updatedAt: 2 }]);
      await s.meta.delete('k');
      await s.meta.delete('never');
      expect(await s.meta.get('k')).toBeUndefined();
      expect(await s.meta.getNumber('k')).toBeUndefined();
      expect(await s.meta.getJson('k')).toBeUndefined();
      expect(await s.meta.list('')).toEqual([]);
    });

    it('reads numbers as Number() does, and keeps text exactly', async () => {
      await s.meta.set('empty', '', 1);
      await s.meta.set('word', 'abc', 1);
      await s.meta.set('inf', 'Infinity', 1);
      await s.meta.set('frac', ' 2.5 ', 1);
      expect(await s.meta.getNumber('empty')).toBe(0);
      expect(await s.meta.getNumber('word')).toBeUndefined();
      expect(await s.meta.getNumber('inf')).toBeUndefined();
      expect(await s.meta.getNumber('frac')).toBe(2.5);
      expect(await s.meta.get('empty')).toBe('');
      const text = 'ünïcödé \u{1F600} "quoted"\n';
      await s.meta.setJson('j', { text, n: [1, null] }, 3);
      expect(await s.meta.getJson('j')).toEqual({ text, n: [1, null] });
    });

    it('lists by a literal prefix in byte order', async () => {
      for (const key of ['p.b', 'p.B', 'p.a-b', 'p.ab', 'p_x', 'pX', 'q.a', 'p%'])
        await s.meta.set(key, key, 1);
      // The prefix is text, not a pattern: '%', '_' and '.' match only themselves.
      expect((await s.meta.list('p.')).map((e) => e.key)).toEqual(['p.B', 'p.a-b', 'p.ab', 'p.b']);
      expect((await s.meta.list('p_')).map((e) => e.key)).toEqual(['p_x']);
      expect((await s.meta.list('p%')).map((e) => e.key)).toEqual(['p%']);
      expect((await s.meta.list('')).map((e) => e.key)).toEqual([
        'p%',
        'p.B',
        'p.a-b',
        'p.ab',
        'p.b',
        'pX',
        'p_x',
        'q.a',
      ]);
    });
  });
}
