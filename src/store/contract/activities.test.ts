// The scaling-activity repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { StoredActivity } from '../activities.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`activities on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    const activity = (over: Partial<StoredActivity> = {}): StoredActivity => ({
      activityId: 'x',
      endpoint: 'e',
      variant: 'v',
      startTime: 10,
      status: 'InProgress',
      description: 'Setting desired count to 1.',
      cause: 'alarm',
      desiredCount: 1,
      ...over,
    });

    it('refreshes an activity that completes after it was first seen', async () => {
      const a = activity();
      expect(await s.activities.upsert(a)).toBe(true);
      expect(await s.activities.upsert({ ...a, status: 'Successful', endTime: 20 })).toBe(false);
      expect(await s.activities.get('x')).toMatchObject({
        status: 'Successful',
        endTime: 20,
        desiredCount: 1,
      });
      expect(await s.activities.between('e', 0, 10)).toHaveLength(1);
    });

    it('a refresh keeps where and when the activity started, and clears what the new sighting lacks', async () => {
      await s.activities.upsert(activity({ endTime: 15 }));
      await s.activities.upsert(
        activity({
          endpoint: 'moved',
          variant: 'w',
          startTime: 99,
          endTime: undefined,
          desiredCount: undefined,
          cause: 'c2',
        }),
      );
      const got = await s.activities.get('x');
      expect(got).toEqual({
        activityId: 'x',
        endpoint: 'e',
        variant: 'v',
        startTime: 10,
        status: 'InProgress',
        description: 'Setting desired count to 1.',
        cause: 'c2',
      });
      expect(Object.keys(got!)).not.toContain('endTime');
      expect(await s.activities.between('moved', 0, 1000)).toEqual([]);
    });

    it('lists an endpoint’s activities by start time within inclusive bounds, ties by id', async () => {
      await s.activities.upsert(activity({ activityId: 'c', startTime: 200 }));
      await s.activities.upsert(activity({ activityId: 'b', startTime: 100 }));
      await s.activities.upsert(activity({ activityId: 'a', startTime: 200 }));
      await s.activities.upsert(activity({ activityId: 'B', startTime: 200 }));
      await s.activities.upsert(activity({ activityId: 'd', startTime: 300 }));
      await s.activities.upsert(activity({ activityId: 'o', endpoint: 'other', startTime: 200 }));
      // Ids compare bytewise: 'B' (0x42) before 'a' (0x61).
      expect((await s.activities.between('e', 100, 200)).map((a) => a.activityId)).toEqual([
        'b',
        'B',
        'a',
        'c',
      ]);
      expect((await s.activities.between('e', 100.5, 299.5)).map((a) => a.activityId)).toEqual([
        'B',
        'a',
        'c',
      ]);
      expect((await s.activities.between('e', -Infinity, Infinity)).map((a) => a.activityId)).toEqual([
        'b',
        'B',
        'a',
        'c',
        'd',
      ]);
      expect(await s.activities.between('e', 201, 299)).toEqual([]);
      expect(await s.activities.get('missing')).toBeUndefined();
    });
  });
}
