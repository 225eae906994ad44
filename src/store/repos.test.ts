import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateSql, encodeRange } from './sqlite/metrics.js';
import { openSqliteStore, type SqliteStore } from './sqlite/store.js';

let s: SqliteStore;
beforeEach(() => {
  s = openSqliteStore(':memory:');
});
afterEach(() => s.close());

describe('instances', () => {
  it('gives the count in force at a window start and the transitions strictly inside', async () => {
    const ins = async (at: number, count: number): Promise<void> => {
      await s.instances.insert({ endpoint: 'e', variant: 'v', at, count, source: 'poll' });
    };
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

  it('rejects a negative count', async () => {
    await expect(
      s.instances.insert({ endpoint: 'e', variant: 'v', at: 1, count: -1, source: 'poll' }),
    ).rejects.toThrow(RangeError);
  });
});

describe('metrics', () => {
  it('upserts and aggregates over many ranges in one statement', async () => {
    const m = 60_000;
    await s.metrics.upsert([
      { endpoint: 'e', metric: 'X', minute: 0, value: 1 },
      { endpoint: 'e', metric: 'X', minute: m, value: 0 },
      { endpoint: 'e', metric: 'X', minute: 2 * m, value: 5 },
      { endpoint: 'e', metric: 'X', minute: 3 * m, value: 2 },
      { endpoint: 'other', metric: 'X', minute: m, value: 100 },
    ]);
    await s.metrics.upsert([{ endpoint: 'e', metric: 'X', minute: 3 * m, value: 3 }]);
    const ranges = [
      { from: 0, to: m },
      { from: m, to: 3 * m },
      { from: 10 * m, to: 20 * m },
    ];
    expect(await s.metrics.aggregate('e', 'X', ranges, 'max')).toEqual([1, 5, undefined]);
    expect(await s.metrics.aggregate('e', 'X', ranges, 'sum')).toEqual([1, 8, undefined]);
    expect(await s.metrics.aggregate('e', 'X', [{ from: m, to: 3 * m }], 'firstPositive')).toEqual([2 * m]);
    expect(await s.metrics.series('e', 'X', 2 * m, 3 * m)).toEqual([
      { minute: 2 * m, value: 5 },
      { minute: 3 * m, value: 3 },
    ]);
    expect(await s.metrics.prune(2 * m)).toBe(3);
    expect(await s.metrics.latestMinute('e', 'X')).toBe(3 * m);
    // After the prune, the oldest point left is minute 2 (the tuner starts its history there).
    expect(await s.metrics.earliestMinute('e', 'X')).toBe(2 * m);
    expect(await s.metrics.earliestMinute('e', 'nothing')).toBeUndefined();
  });

  it('encodes whole-minute ranges and drops empty ones', () => {
    const m = 60_000;
    expect(encodeRange({ from: 5 * m, to: 7 * m })).toBe(5 * 1_048_576 + 2);
    expect(encodeRange({ from: 5 * m + 1, to: 7 * m + 59_999 })).toBe(6 * 1_048_576 + 1);
    expect(encodeRange({ from: 5 * m + 1, to: 5 * m + 2 })).toBeUndefined();
    expect(encodeRange({ from: -Infinity, to: 0 })).toBeUndefined();
  });

  it('aggregates with a primary-key range search per range, not a scan', () => {
    const plan = s.db
      .prepare(`EXPLAIN QUERY PLAN ${aggregateSql('MAX(m.value)')}`)
      .all('e', 'X', '[1048576]')
      .map((r) => (r as { detail: string }).detail);
    expect(plan.join('\n')).toMatch(
      /SEARCH m USING PRIMARY KEY \(endpoint=\? AND metric=\? AND minute>\? AND minute<\?\)/,
    );
    expect(plan.join('\n')).not.toMatch(/SCAN m\b/);
  });
});

describe('activities, probes, alerts, api calls, controllers, prices, meta', () => {
  it('refreshes an activity that completes after it was first seen', async () => {
    const a = {
      activityId: 'x',
      endpoint: 'e',
      variant: 'v',
      startTime: 10,
      status: 'InProgress',
      description: 'Setting desired count to 1.',
      cause: 'alarm',
      desiredCount: 1,
    };
    expect(await s.activities.upsert(a)).toBe(true);
    expect(await s.activities.upsert({ ...a, status: 'Successful', endTime: 20 })).toBe(false);
    expect(await s.activities.get('x')).toMatchObject({ status: 'Successful', endTime: 20, desiredCount: 1 });
    expect(await s.activities.between('e', 0, 10)).toHaveLength(1);
  });

  it('keeps price history per source', async () => {
    const p = { region: 'us-east-1', instanceType: 'ml.g5.xlarge', source: 'api' as const, detail: '' };
    await s.prices.insert({ ...p, usdPerHour: 1.5, fetchedAt: 10 });
    await s.prices.insert({ ...p, usdPerHour: 1.4, fetchedAt: 20 });
    expect((await s.prices.latest('us-east-1', 'ml.g5.xlarge', 'api'))?.usdPerHour).toBe(1.4);
    expect((await s.prices.history('us-east-1', 'ml.g5.xlarge', 'api')).map((x) => x.usdPerHour)).toEqual([
      1.5, 1.4,
    ]);
    expect(await s.prices.latest('us-east-1', 'ml.g5.xlarge', 'table')).toBeUndefined();
    await expect(s.prices.insert({ ...p, usdPerHour: Number.NaN, fetchedAt: 1 })).rejects.toThrow(RangeError);
  });

  it('stores meta values and spec cache entries', async () => {
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
    await s.specCache.put({ key: 'm@1', json: '{}', fetchedAt: 3 });
    expect(await s.specCache.get('m@1')).toEqual({ key: 'm@1', json: '{}', fetchedAt: 3 });
  });

  it('records telemetry gaps and finds the ones overlapping a window', async () => {
    await s.gaps.record({ endpoint: 'e', start: 100, end: 200, backfilledTransitions: 2 });
    expect(await s.gaps.overlapping(150, 300)).toEqual([
      { endpoint: 'e', start: 100, end: 200, backfilledTransitions: 2 },
    ]);
    expect(await s.gaps.overlapping(200, 300)).toEqual([]);
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
});
