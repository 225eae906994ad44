import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { buildReport } from '../cost/report.js';
import { META, openStore, type Store } from '../store/index.js';
import { FakeCloud } from '../cloud/fake.js';
import { CloudError } from '../cloud/types.js';
import {
  minuteMetrics,
  seedActivity,
  seedEndpoint,
  setInstances,
  type MinuteMetrics,
} from '../../test/support/fake-cloud-seed.js';
import { config, endpoint, tablePrices } from '../../test/report/helpers.js';
import {
  METRIC_OVERLAP_MS,
  METRIC_RETENTION_MS,
  pollOnce,
  PRUNE_EVERY_MS,
  type PollContext,
} from './poll.js';
import { ASYNC_METRICS } from './queries.js';

const MIN = 60_000;
const HOUR = 3600_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);

let store: Store;
let cloud: FakeCloud;
let metrics: MinuteMetrics;
let clock: VirtualClock;

const cfg = (names: string[]): PollContext['config'] => ({
  endpoints: names.map((name) => ({
    name,
    variantName: 'AllTraffic',
  })) as unknown as PollContext['config']['endpoints'],
});
const ctx = (names = ['a']): PollContext => ({ cloud, clock, store, config: cfg(names) });
const history = async (name = 'a'): Promise<[number, number, string][]> =>
  (await store.instances.all(name, 'AllTraffic')).map((t) => [t.at - T0, t.count, t.source]);

/** Endpoints 'a' and 'b', long created and at zero instances, polled once. */
async function twoScaledToZeroAndPolled(): Promise<void> {
  for (const name of ['a', 'b']) {
    seedEndpoint(cloud, {
      name,
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    });
  }
  await pollOnce(ctx(['a', 'b']));
}

beforeEach(async () => {
  store = await openStore(':memory:');
  cloud = new FakeCloud();
  metrics = minuteMetrics(cloud);
  clock = new VirtualClock(T0);
});
afterEach(() => store.close());

describe('pollOnce', () => {
  it('prunes metrics past the retention once a day, not at every poll', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    });
    const metric = 'ApproximateBacklogSize';
    /** A point a minute past the retention at `at`, and whether it is still stored. */
    const stale = (at: number) => at - METRIC_RETENTION_MS - MIN;
    const kept = async (minute: number) =>
      (await store.metrics.series('a', metric, minute, minute + MIN)).length > 0;
    await store.metrics.upsert([{ endpoint: 'a', metric, minute: stale(T0), value: 1 }]);
    await pollOnce(ctx()); // the first poll prunes
    expect(await kept(stale(T0))).toBe(false);
    // An hour later a point past the retention is left for the next daily prune ...
    await clock.advanceTo(T0 + HOUR);
    await store.metrics.upsert([{ endpoint: 'a', metric, minute: stale(T0 + HOUR), value: 1 }]);
    await pollOnce(ctx());
    expect(await kept(stale(T0 + HOUR))).toBe(true);
    // ... which removes it a day after the last one.
    await clock.advanceTo(T0 + PRUNE_EVERY_MS);
    await pollOnce(ctx());
    expect(await kept(stale(T0 + HOUR))).toBe(false);
  });

  it('records the creation when the first poll runs at the instant the endpoint was created', async () => {
    // The daemon's first telemetry can run at the same virtual instant as CreateEndpoint (the creation
    // goes on in the background): its life must still start from 'created', not a first poll record.
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      desired: 1,
      createdAt: T0,
      initialCount: 1,
    });
    await pollOnce(ctx());
    expect((await history())[0]).toEqual([0, 1, 'created']);
  });

  it('on first start rebuilds history from creation and scaling activities', async () => {
    clock = new VirtualClock(T0 + 3 * HOUR);
    seedEndpoint(cloud, { name: 'a', variant: 'AllTraffic', count: 1, createdAt: T0, initialCount: 1 });
    const act = (id: string, start: number, end: number, desired: number) =>
      seedActivity(cloud, 'a', 'AllTraffic', {
        activityId: id,
        description: `Setting desired count to ${desired}.`,
        cause: 'alarm',
        startTime: T0 + start,
        endTime: T0 + end,
        statusCode: 'Successful',
        desiredCapacity: desired,
      });
    act('in-1', 30 * MIN, 31 * MIN, 0);
    act('out-1', 90 * MIN, 98 * MIN, 1);
    // An activity that did not complete changes nothing.
    seedActivity(cloud, 'a', 'AllTraffic', {
      activityId: 'failed',
      description: 'Setting desired count to 2.',
      cause: 'alarm',
      startTime: T0 + 100 * MIN,
      statusCode: 'Failed',
      desiredCapacity: 2,
    });

    const res = await pollOnce(ctx());

    expect(res.errors).toEqual([]);
    // The scale-in counts from its end (instances gone), the scale-out from its start (launch).
    expect(await history()).toEqual([
      [0, 1, 'created'],
      [31 * MIN, 0, 'activity'],
      [90 * MIN, 1, 'activity'],
    ]);
    expect((await store.activities.get('failed'))?.status).toBe('Failed');
    expect(await store.meta.getNumber(META.lastPollAt)).toBe(T0 + 3 * HOUR);
    expect(
      await store.meta.getJson<{ status: string; instances: number }>(META.endpointStatus('a')),
    ).toMatchObject({
      status: 'InService',
      instances: 1,
    });
  });

  it('backfill is idempotent: the same activities seen again add nothing', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    });
    await pollOnce(ctx());
    expect(await history()).toEqual([[0, 0, 'poll']]);
    // Daemon down for an hour; the endpoint woke and slept again meanwhile.
    seedActivity(cloud, 'a', 'AllTraffic', {
      activityId: 'o',
      description: '',
      cause: '',
      startTime: T0 + 10 * MIN,
      endTime: T0 + 18 * MIN,
      statusCode: 'Successful',
      desiredCapacity: 1,
    });
    seedActivity(cloud, 'a', 'AllTraffic', {
      activityId: 'i',
      description: '',
      cause: '',
      startTime: T0 + 40 * MIN,
      endTime: T0 + 41 * MIN,
      statusCode: 'Successful',
      desiredCapacity: 0,
    });
    await clock.advance(HOUR);
    const r1 = await pollOnce(ctx());
    expect(r1.endpoints[0]?.gap).toEqual({ start: T0, end: T0 + HOUR });
    expect(r1.endpoints[0]?.fromActivities).toBe(2);
    await clock.advance(10 * MIN);
    await pollOnce(ctx());
    expect(await history()).toEqual([
      [0, 0, 'poll'],
      [10 * MIN, 1, 'activity'],
      [41 * MIN, 0, 'activity'],
    ]);
    // The second silence (10 min) is a gap too: its backfill saw the same activities and added none.
    expect(await store.gaps.overlapping(T0, T0 + 2 * HOUR)).toEqual([
      { endpoint: 'a', start: T0, end: T0 + HOUR, backfilledTransitions: 2 },
      { endpoint: 'a', start: T0 + HOUR, end: T0 + 70 * MIN, backfilledTransitions: 0 },
    ]);
    expect(cloud.callCount('DescribeScalingActivities')).toBe(3);
  });

  it('records each endpoint its own gap under a shared start, and the report sums what they recovered', async () => {
    await twoScaledToZeroAndPolled();
    // Daemon down for an hour: 'a' woke and slept (2 transitions), 'b' woke, grew and slept (3).
    const act = (name: string, id: string, start: number, desired: number) =>
      seedActivity(cloud, name, 'AllTraffic', {
        activityId: id,
        description: '',
        cause: '',
        startTime: T0 + start,
        endTime: T0 + start + MIN,
        statusCode: 'Successful',
        desiredCapacity: desired,
      });
    act('a', 'a-out', 10 * MIN, 1);
    act('a', 'a-in', 30 * MIN, 0);
    act('b', 'b-out', 5 * MIN, 1);
    act('b', 'b-more', 15 * MIN, 2);
    act('b', 'b-in', 40 * MIN, 0);
    await clock.advance(HOUR);
    const res = await pollOnce(ctx(['a', 'b']));
    expect(res.endpoints.map((e) => [e.endpoint, e.gap, e.fromActivities])).toEqual([
      ['a', { start: T0, end: T0 + HOUR }, 2],
      ['b', { start: T0, end: T0 + HOUR }, 3],
    ]);
    // Both silences start at the same last poll; neither overwrites the other.
    expect(await store.gaps.overlapping(T0, T0 + HOUR)).toEqual([
      { endpoint: 'a', start: T0, end: T0 + HOUR, backfilledTransitions: 2 },
      { endpoint: 'b', start: T0, end: T0 + HOUR, backfilledTransitions: 3 },
    ]);

    const cfg = config([endpoint('a'), endpoint('b')]);
    const r = await buildReport(
      { store, config: cfg, prices: tablePrices(store, clock), clock },
      { start: T0, end: T0 + HOUR },
    );
    const iso = (t: number): string => new Date(t).toISOString();
    expect(r.gaps).toEqual([
      { endpoint: 'a', start: iso(T0), end: iso(T0 + HOUR), backfilledTransitions: 2 },
      { endpoint: 'b', start: iso(T0), end: iso(T0 + HOUR), backfilledTransitions: 3 },
    ]);
    expect(r.backfilledTransitions).toBe(5);
    expect(r.warnings.filter((w) => w.startsWith('no telemetry'))).toEqual([
      `no telemetry from ${iso(T0)} to ${iso(T0 + HOUR)} for all 2 endpoints; instance history there comes ` +
        'from scaling activities (5 transitions recovered: a 2, b 3)',
    ]);
    // Scoped to one endpoint, the report shows that endpoint's gap and count only.
    const onlyB = await buildReport(
      { store, config: config([endpoint('b')]), prices: tablePrices(store, clock), clock },
      { start: T0, end: T0 + HOUR },
    );
    expect(onlyB.gaps.map((g) => [g.endpoint, g.backfilledTransitions])).toEqual([['b', 3]]);
    expect(onlyB.backfilledTransitions).toBe(3);
  });

  it("does not stretch one endpoint's gap to another's longer silence under the same start", async () => {
    await twoScaledToZeroAndPolled();
    // After a 30-minute silence a poll reaches 'a' but not 'b' (as a poll killed midway would), and
    // the next poll a minute later reaches both: 'b' was silent 31 minutes, 'a' only 30.
    await clock.advance(30 * MIN);
    cloud.failNext(
      'DescribeEndpoint',
      new CloudError('DescribeEndpoint failed for b', 'Throttling', true),
      (n) => n === 'b',
    );
    expect((await pollOnce(ctx(['a', 'b']))).errors).toHaveLength(1);
    await clock.advance(MIN);
    expect((await pollOnce(ctx(['a', 'b']))).errors).toEqual([]);
    expect(await store.gaps.overlapping(T0, T0 + HOUR)).toEqual([
      { endpoint: 'a', start: T0, end: T0 + 30 * MIN, backfilledTransitions: 0 },
      { endpoint: 'b', start: T0, end: T0 + 31 * MIN, backfilledTransitions: 0 },
    ]);
  });

  it('records a transition only when the billed count changes, timed by the activity when there is one', async () => {
    const ep = {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    };
    seedEndpoint(cloud, ep);
    await pollOnce(ctx());
    await clock.advance(MIN);
    await pollOnce(ctx());
    expect(cloud.callCount('DescribeScalingActivities')).toBe(1); // first start only

    // The wake policy raises the desired count 20 s after the last poll: an instance boots (and bills).
    const wake = {
      activityId: 'wake',
      description: 'Setting desired instance count to 1.',
      cause: 'alarm',
      startTime: T0 + MIN + 20_000,
      statusCode: 'InProgress' as const,
      desiredCapacity: 1,
    };
    const wakeActivity = seedActivity(cloud, 'a', 'AllTraffic', wake);
    setInstances(cloud, 'a', 0, 1);
    await clock.advance(MIN);
    await pollOnce(ctx());
    // Eight minutes later it is in service and the activity completes: nothing new is billed.
    setInstances(cloud, 'a', 1);
    Object.assign(wakeActivity, {
      statusCode: 'Successful',
      endTime: T0 + 9 * MIN,
    });
    await clock.advance(8 * MIN);
    await pollOnce(ctx());
    // Scaled in by hand (UpdateEndpointWeightsAndCapacities, no activity): the poll time is all there is.
    setInstances(cloud, 'a', 0);
    await clock.advance(MIN);
    await pollOnce(ctx());
    await clock.advance(MIN);
    await pollOnce(ctx());

    expect(await history()).toEqual([
      [0, 0, 'poll'],
      [MIN + 20_000, 1, 'activity'],
      [11 * MIN, 0, 'poll'],
    ]);
    expect(
      await store.meta.getJson<{ billed: number; instances: number; desired: number }>(
        META.endpointStatus('a'),
      ),
    ).toMatchObject({
      billed: 0,
      instances: 0,
    });
  });

  it('treats a missing endpoint as zero instances', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 2,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 2,
    });
    await pollOnce(ctx());
    cloud.endpoints.delete('a');
    await clock.advance(MIN);
    const r = await pollOnce(ctx());
    expect(r.endpoints[0]?.status).toBe('Missing');
    // DescribeEndpoint says it does not exist: the end of its life, recorded once.
    expect(await history()).toEqual([
      [0, 2, 'poll'],
      [MIN, 0, 'deleted'],
    ]);
    await clock.advance(MIN);
    await pollOnce(ctx());
    expect(await history()).toHaveLength(2);
    expect(await store.instances.lives('a', 'AllTraffic')).toEqual([
      { start: T0, startSource: 'poll', end: T0 + MIN },
    ]);
  });

  it('records the deletion of an endpoint already at zero, and nothing for one never seen to exist', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    });
    await pollOnce(ctx(['a', 'never']));
    cloud.endpoints.delete('a');
    await clock.advance(MIN);
    await pollOnce(ctx(['a', 'never']));
    expect(await history()).toEqual([
      [0, 0, 'poll'],
      [MIN, 0, 'deleted'],
    ]);
    // A configured endpoint not created yet has no life: no record that would start its baseline.
    expect(await history('never')).toEqual([]);
  });

  it('starts a new life at the CreationTime of an endpoint re-created after a deletion', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 1,
      createdAt: T0 - 100 * 24 * HOUR,
      initialCount: 1,
    });
    await pollOnce(ctx());
    cloud.endpoints.delete('a');
    await clock.advance(MIN);
    await pollOnce(ctx());
    // Re-created 30 s after the deletion was seen, with 2 initial instances; polled 1.5 min later.
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 2,
      createdAt: T0 + MIN + 30_000,
      initialCount: 2,
    });
    await clock.advance(2 * MIN);
    await pollOnce(ctx());
    expect(await history()).toEqual([
      [0, 1, 'poll'],
      [MIN, 0, 'deleted'],
      [MIN + 30_000, 2, 'created'],
    ]);
    expect(await store.instances.lives('a', 'AllTraffic')).toEqual([
      { start: T0, startSource: 'poll', end: T0 + MIN },
      { start: T0 + MIN + 30_000, startSource: 'created' },
    ]);
  });

  it('asks CloudWatch for every metric of every endpoint in as few calls as the 500-query limit allows', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `ep-${i}`);
    for (const n of names)
      seedEndpoint(cloud, {
        name: n,
        variant: 'AllTraffic',
        count: 0,
        createdAt: T0 - 1e10,
        initialCount: 1,
      });
    metrics.value = (ep, metric, minute) =>
      ep === 'ep-7' && metric === 'InvocationsProcessed' ? (minute - T0) / MIN : 0;
    clock = new VirtualClock(T0 + HOUR + 30_000);
    const res = await pollOnce(ctx(names));

    expect(metrics.requests).toHaveLength(2);
    const queries = metrics.requests.flatMap((c) => c.queries);
    expect(queries).toHaveLength(60 * ASYNC_METRICS.length);
    expect(metrics.requests.every((c) => c.queries.length <= 500)).toBe(true);
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length);
    const processed = queries.find((q) => q.metricName === 'InvocationsProcessed')!;
    expect(processed.dimensions).toEqual([
      { name: 'EndpointName', value: 'ep-0' },
      { name: 'VariantName', value: 'AllTraffic' },
    ]);
    expect(processed.stat).toBe('Sum');
    const backlog = queries.find((q) => q.metricName === 'HasBacklogWithoutCapacity')!;
    expect(backlog.dimensions).toEqual([{ name: 'EndpointName', value: 'ep-0' }]);
    expect(res.metricPoints).toBeGreaterThan(0);
    // The minute that ended at T0+59m was read; the running minute was not.
    expect(await store.metrics.series('ep-7', 'InvocationsProcessed', T0 + 58 * MIN, T0 + 2 * HOUR)).toEqual([
      { minute: T0 + 58 * MIN, value: 58 },
      { minute: T0 + 59 * MIN, value: 59 },
    ]);

    // The next poll re-reads the last minutes (CloudWatch revises them, or publishes them late) but
    // not the whole hour again.
    await clock.advance(MIN);
    await pollOnce(ctx(names));
    const next = metrics.requests[2]!;
    expect(next.end).toBe(T0 + 61 * MIN);
    expect(next.start).toBe(T0 + 60 * MIN - METRIC_OVERLAP_MS);
  });

  it('stores datapoints CloudWatch publishes minutes late, up to the re-read overlap', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 1e10,
      initialCount: 1,
    });
    // Each minute's datapoint appears 12 minutes after the minute ends (within 15 minutes of overlap).
    const delay = 12 * MIN;
    metrics.value = (_ep, metric, minute) =>
      metric === 'InvocationsProcessed' && clock.now() >= minute + MIN + delay
        ? (minute - T0) / MIN
        : undefined;
    // Polled every minute for an hour, from T0 + 1 h.
    clock = new VirtualClock(T0 + HOUR);
    for (let i = 0; i < 60; i++) {
      await pollOnce(ctx());
      await clock.advance(MIN);
    }
    // Every minute published by the last poll is stored, none lost between polls.
    const last = T0 + 2 * HOUR - MIN;
    const visibleUntil = last - MIN - delay;
    const got = await store.metrics.series('a', 'InvocationsProcessed', T0 + HOUR, visibleUntil);
    expect(got.length).toBe((visibleUntil - (T0 + HOUR)) / MIN + 1);
    expect(got.every((p) => p.value === (p.minute - T0) / MIN)).toBe(true);
  });

  it('keeps polling the other endpoints when one fails, and records the failure', async () => {
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 1,
      createdAt: T0 - 1e10,
      initialCount: 1,
    });
    seedEndpoint(cloud, {
      name: 'b',
      variant: 'AllTraffic',
      count: 1,
      createdAt: T0 - 1e10,
      initialCount: 1,
    });
    cloud.failAlways(
      'DescribeEndpoint',
      new CloudError('DescribeEndpoint failed for a', 'Throttling', true),
      (n) => n === 'a',
    );
    cloud.failAlways('GetMetricData', new CloudError('GetMetricData denied', 'AccessDenied', false));
    const res = await pollOnce(ctx(['a', 'b']));
    expect(res.errors).toEqual(['a: DescribeEndpoint failed for a', 'metrics: GetMetricData denied']);
    expect(await history('b')).toEqual([[0, 1, 'poll']]);
    expect(await history('a')).toEqual([]);
    expect(await store.meta.getNumber(META.lastPollAt)).toBeUndefined();
    expect(await store.controllers.get('telemetry')).toMatchObject({ errorCount: 1, consecutiveErrors: 1 });
  });
});
