// The instance-history repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { InstanceSource, InstanceTransition } from '../instances.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`instances on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    const ins = (at: number, count: number, source: InstanceSource = 'poll', endpoint = 'e', variant = 'v') =>
      s.instances.insert({ endpoint, variant, at, count, source });

    it('gives the count in force at a window start and the transitions strictly inside', async () => {
      await ins(100, 1);
      await ins(200, 0);
      await ins(300, 2);
      await ins(400, 0);
      expect(await s.instances.window('e', 'v', 250, 400)).toEqual({
        initial: 0,
        transitions: [{ at: 300, count: 2 }],
      });
      expect(await s.instances.window('e', 'v', 200, 1000)).toEqual({
        initial: 0,
        transitions: [
          { at: 300, count: 2 },
          { at: 400, count: 0 },
        ],
      });
      expect((await s.instances.window('e', 'v', 50, 150)).initial).toBeUndefined();
      expect(await s.instances.countAt('e', 'v', 399)).toBe(2);
      expect((await s.instances.latest('e', 'v'))?.count).toBe(0);
      expect(await s.instances.keys()).toEqual([{ endpoint: 'e', variant: 'v' }]);
    });

    it('ignores a second transition from the same scaling activity', async () => {
      const t = {
        endpoint: 'e',
        variant: 'v',
        at: 5,
        count: 1,
        source: 'activity' as const,
        activityId: 'a-1',
      };
      expect(await s.instances.insert(t)).toBe(true);
      expect(await s.instances.insert({ ...t, at: 6 })).toBe(false);
      expect(await s.instances.all('e', 'v')).toHaveLength(1);
    });

    it('rejects a negative or fractional count', async () => {
      await expect(ins(1, -1)).rejects.toThrow(RangeError);
      await expect(ins(1, 1.5)).rejects.toThrow(RangeError);
      expect(await s.instances.all('e', 'v')).toEqual([]);
    });

    it('skips, without an error, a transition whose source the schema refuses (INSERT OR IGNORE)', async () => {
      expect(await ins(1, 1, 'bogus' as InstanceSource)).toBe(false);
      expect(await s.instances.all('e', 'v')).toEqual([]);
    });

    it('answers nothing for a variant without history', async () => {
      expect(await s.instances.latest('e', 'v')).toBeUndefined();
      expect(await s.instances.first('e', 'v')).toBeUndefined();
      expect(await s.instances.countAt('e', 'v', 1000)).toBeUndefined();
      expect(await s.instances.window('e', 'v', 0, 1000)).toEqual({ initial: undefined, transitions: [] });
      expect(await s.instances.all('e', 'v')).toEqual([]);
      expect(await s.instances.lives('e', 'v')).toEqual([]);
      expect(await s.instances.keys()).toEqual([]);
      expect(await s.instances.earliest()).toBeUndefined();
    });

    it('orders transitions at the same time by insertion, and leaves activityId out when there is none', async () => {
      await ins(100, 1);
      await s.instances.insert({
        endpoint: 'e',
        variant: 'v',
        at: 100,
        count: 3,
        source: 'activity',
        activityId: 'x',
      });
      await ins(100, 2);
      const all = await s.instances.all('e', 'v');
      expect(all.map((t) => t.count)).toEqual([1, 3, 2]);
      expect(all[0]).toEqual({ endpoint: 'e', variant: 'v', at: 100, count: 1, source: 'poll' });
      expect(Object.keys(all[0]!)).not.toContain('activityId');
      expect(all[1]).toEqual<InstanceTransition>({
        endpoint: 'e',
        variant: 'v',
        at: 100,
        count: 3,
        source: 'activity',
        activityId: 'x',
      });
      // The last inserted of a tie is in force; the first inserted starts the history.
      expect((await s.instances.latest('e', 'v'))?.count).toBe(2);
      expect((await s.instances.first('e', 'v'))?.count).toBe(1);
      expect(await s.instances.countAt('e', 'v', 100)).toBe(2);
      expect(await s.instances.window('e', 'v', 99, 101)).toEqual({
        initial: undefined,
        transitions: [
          { at: 100, count: 1 },
          { at: 100, count: 3 },
          { at: 100, count: 2 },
        ],
      });
    });

    it('takes fractional, infinite and NaN bounds as numbers compared with the stored times', async () => {
      await ins(100, 1);
      await ins(200, 2);
      await ins(300, 3);
      expect(await s.instances.countAt('e', 'v', 199.5)).toBe(1);
      expect(await s.instances.countAt('e', 'v', Infinity)).toBe(3);
      expect(await s.instances.countAt('e', 'v', -Infinity)).toBeUndefined();
      expect(await s.instances.countAt('e', 'v', Number.NaN)).toBeUndefined();
      // (100.5, 300.5): 200 and 300 lie strictly inside; 100 is in force at the start.
      expect(await s.instances.window('e', 'v', 100.5, 300.5)).toEqual({
        initial: 1,
        transitions: [
          { at: 200, count: 2 },
          { at: 300, count: 3 },
        ],
      });
      expect(await s.instances.window('e', 'v', -Infinity, Infinity)).toEqual({
        initial: undefined,
        transitions: [
          { at: 100, count: 1 },
          { at: 200, count: 2 },
          { at: 300, count: 3 },
        ],
      });
      expect(await s.instances.window('e', 'v', 300, 200)).toEqual({ initial: 3, transitions: [] });
    });

    it('splits the history into lives at deletions; a repeated deletion starts nothing', async () => {
      await ins(100, 1, 'created');
      await ins(200, 0, 'deleted');
      await ins(250, 0, 'deleted');
      await ins(300, 2, 'poll');
      await ins(400, 1, 'activity');
      await ins(500, 0, 'deleted');
      await ins(600, 1, 'created');
      await ins(100, 9, 'poll', 'e', 'other');
      expect(await s.instances.lives('e', 'v')).toEqual([
        { start: 100, startSource: 'created', end: 200 },
        { start: 300, startSource: 'poll', end: 500 },
        { start: 600, startSource: 'created' },
      ]);
      expect(await s.instances.lives('e', 'other')).toEqual([{ start: 100, startSource: 'poll' }]);
    });

    it('a deletion at the same time as a later record ends the life, and that record starts the next', async () => {
      await ins(100, 1, 'poll');
      await ins(200, 0, 'deleted');
      await ins(200, 1, 'created');
      expect(await s.instances.lives('e', 'v')).toEqual([
        { start: 100, startSource: 'poll', end: 200 },
        { start: 200, startSource: 'created' },
      ]);
    });

    it('lists the keys in byte order and the earliest time of any endpoint', async () => {
      await ins(500, 1, 'poll', 'ab', 'v');
      await ins(400, 1, 'poll', 'a-b', 'v');
      await ins(300, 1, 'poll', 'B', 'v');
      await ins(200, 1, 'poll', 'ab', 'V');
      await ins(600, 1, 'poll', 'ab', 'v');
      // Bytewise: '-' (0x2d) < 'B' (0x42) < 'V' (0x56) < 'a' (0x61) < 'b' (0x62) < 'v' (0x76).
      expect(await s.instances.keys()).toEqual([
        { endpoint: 'B', variant: 'v' },
        { endpoint: 'a-b', variant: 'v' },
        { endpoint: 'ab', variant: 'V' },
        { endpoint: 'ab', variant: 'v' },
      ]);
      expect(await s.instances.earliest()).toBe(200);
    });
  });
}
