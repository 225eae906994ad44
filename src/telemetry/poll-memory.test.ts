// Telemetry's API budget: with a PollMemory, DescribeEndpoint is called when an endpoint changes, not
// every minute. Counts come from FakeCloud's call log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { openStore, type Store } from '../store/index.js';
import {
  minuteMetrics,
  seedActivity,
  seedEndpoint,
  setInstances,
} from '../../test/support/fake-cloud-seed.js';
import { pollOnce, type PollContext } from './poll.js';
import { PollMemory, REFRESH_MS, SETTLING_REFRESH_MS } from './poll-memory.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);

let store: Store;
let cloud: FakeCloud;
let clock: VirtualClock;
let memory: PollMemory;

const names = ['a', 'b', 'c'];
const ctx = (): PollContext => ({
  cloud,
  clock,
  store,
  memory,
  config: {
    endpoints: names.map((name) => ({
      name,
      variantName: 'AllTraffic',
    })) as unknown as PollContext['config']['endpoints'],
  },
});

/** Polls once a minute `minutes` times; returns the calls each operation made over them. */
async function pollMinutes(minutes: number): Promise<Record<string, number>> {
  const from = cloud.calls.length;
  for (let i = 0; i < minutes; i++) {
    await clock.advance(MIN);
    const r = await pollOnce(ctx());
    expect(r.errors).toEqual([]);
  }
  const counts: Record<string, number> = {};
  for (const op of cloud.calls.slice(from)) counts[op] = (counts[op] ?? 0) + 1;
  return counts;
}

function ensure<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('missing');
  return v;
}

const describes = (counts: Record<string, number>): number => counts['DescribeEndpoint'] ?? 0;

beforeEach(async () => {
  store = await openStore(':memory:');
  cloud = new FakeCloud();
  minuteMetrics(cloud);
  clock = new VirtualClock(T0);
  memory = new PollMemory();
  for (const name of names)
    seedEndpoint(cloud, {
      name,
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 30 * 86_400_000,
      initialCount: 1,
    });
  // The first poll describes everything (nothing is known yet).
  await pollOnce(ctx());
});
afterEach(() => store.close());

describe('PollMemory', () => {
  it('describes no endpoint while nothing changes: two namespace-wide reads a minute, whatever the count', async () => {
    const counts = await pollMinutes(30);
    expect(describes(counts)).toBe(0);
    // One ListEndpoints and one DescribeScalingActivities per poll, not one per endpoint.
    expect(counts['ListEndpoints']).toBe(30);
    expect(counts['DescribeScalingActivities']).toBe(30);
  });

  it('describes only the endpoint whose scaling activity appeared, and again when the activity ends', async () => {
    await pollMinutes(2);
    // 'b' wakes: an activity starts and the endpoint boots one instance (desired 1, current 0).
    const wake = seedActivity(cloud, 'b', 'AllTraffic', {
      activityId: 'wake-1',
      description: 'Setting desired count to 1.',
      cause: 'alarm',
      startTime: clock.now() + 10_000,
      statusCode: 'InProgress',
      desiredCapacity: 1,
    });
    setInstances(cloud, 'b', 0, 1);
    // Minute 1: the new activity → 'b' described; minutes 2-4: nothing new (the activity is the same,
    // the list status the same, the last describe under SETTLING_REFRESH_MS old).
    expect(describes(await pollMinutes(4))).toBe(1);
    // The activity ends (the instance is in service): its status moves, 'b' is described once more.
    wake.statusCode = 'Successful';
    wake.endTime = clock.now();
    setInstances(cloud, 'b', 1, 1);
    expect(describes(await pollMinutes(5))).toBe(1);
    // The wake is timed from its activity's start, not from the poll that noticed it.
    expect(await store.instances.latest('b', 'AllTraffic')).toMatchObject({
      count: 1,
      at: wake.startTime,
      source: 'activity',
    });
  });

  it('describes a moving endpoint every SETTLING_REFRESH_MS when nothing else says it changed', async () => {
    setInstances(cloud, 'c', 0, 1);
    ensure(cloud.endpoints.get('c')).status = 'Updating';
    // Minute 1: status change → described, seen moving. Then nothing new until the settling refresh.
    const minutes = SETTLING_REFRESH_MS / MIN;
    expect(describes(await pollMinutes(minutes))).toBe(1);
    expect(describes(await pollMinutes(1))).toBe(1);
  });

  it('describes an endpoint whose status changed in ListEndpoints', async () => {
    const ep = cloud.endpoints.get('c');
    if (!ep) throw new Error('no c');
    ep.status = 'Updating';
    expect(describes(await pollMinutes(1))).toBe(1);
  });

  it('confirms with DescribeEndpoint before recording a deletion, and records it once', async () => {
    cloud.endpoints.delete('a');
    const counts = await pollMinutes(3);
    // Minute 1: 'a' is missing from the list → described, gone → deletion recorded. Minutes 2-3: known
    // missing and still absent from the list: no describe.
    expect((await store.instances.all('a', 'AllTraffic')).filter((t) => t.source === 'deleted')).toHaveLength(
      1,
    );
    expect(describes(counts)).toBe(1);
    // A re-creation shows up in ListEndpoints and is described at once (a new life).
    seedEndpoint(cloud, {
      name: 'a',
      variant: 'AllTraffic',
      count: 1,
      createdAt: clock.now() + 1,
      initialCount: 1,
    });
    expect(describes(await pollMinutes(1))).toBe(1);
    expect((await store.instances.latest('a', 'AllTraffic'))?.count).toBe(1);
  });

  it('describes every endpoint at least once per refresh interval', async () => {
    const minutes = REFRESH_MS / MIN;
    const counts = await pollMinutes(minutes);
    expect(describes(counts)).toBe(names.length);
  });
});
