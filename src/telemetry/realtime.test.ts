// Real-time endpoints are polled like async ones (their variant's instances are the bill), and their
// components' copies are recorded when a component's scaling activity says they moved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { componentResourceId, type InferenceComponentState } from '../cloud/types.js';
import { openStore, type Store } from '../store/index.js';
import { seedEndpoint, setInstances } from '../../test/support/fake-cloud-seed.js';
import { pollOnce, type PollContext } from './poll.js';
import { PollMemory } from './poll-memory.js';
import { componentCopiesKey } from './realtime.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const COMP = 'rt-llm';

let store: Store;
let cloud: FakeCloud;
let clock: VirtualClock;
let memory: PollMemory;

const ctx = (): PollContext => ({
  cloud,
  clock,
  store,
  memory,
  config: {
    endpoints: ['a', 'b'].map((name) => ({
      name,
      variantName: 'AllTraffic',
    })) as unknown as PollContext['config']['endpoints'],
    realtimeEndpoints: [{ name: 'rt', variantName: 'AllTraffic', components: [{ componentName: COMP }] }],
  },
});

function component(copies: number): InferenceComponentState {
  return {
    name: COMP,
    endpointName: 'rt',
    variantName: 'AllTraffic',
    modelName: 'm',
    acceleratorsPerCopy: 1,
    memoryMbPerCopy: 1024,
    copyCount: 1,
    tags: {},
    arn: `arn:aws:sagemaker:us-east-1:123456789012:inference-component/${COMP}`,
    status: 'InService',
    currentCopyCount: copies,
    desiredCopyCount: copies,
    createdAt: T0 - 86_400_000,
    lastModifiedAt: T0 - 86_400_000,
  };
}

const copies = async (): Promise<[number, number][]> =>
  (await store.instances.all('rt', componentCopiesKey(COMP))).map((t) => [(t.at - T0) / MIN, t.count]);
const instances = async (): Promise<[number, number][]> =>
  (await store.instances.all('rt', 'AllTraffic')).map((t) => [(t.at - T0) / MIN, t.count]);

beforeEach(async () => {
  store = await openStore(':memory:');
  cloud = new FakeCloud();
  clock = new VirtualClock(T0);
  memory = new PollMemory();
  for (const name of ['a', 'b', 'rt'])
    seedEndpoint(cloud, {
      name,
      variant: 'AllTraffic',
      count: 0,
      createdAt: T0 - 30 * 86_400_000,
      initialCount: 1,
    });
  cloud.components.set(COMP, component(0));
  const r = await pollOnce(ctx());
  expect(r.errors).toEqual([]);
});
afterEach(() => store.close());

describe('telemetry of real-time endpoints', () => {
  it("records the variant's instances and each component's copies", async () => {
    // Created 30 days ago with one instance (its CreationTime), at zero now.
    expect(await instances()).toEqual([
      [-30 * 24 * 60, 1],
      [0, 0],
    ]);
    expect(await copies()).toEqual([[0, 0]]);
  });

  it("describes the endpoint when one of its components' scaling activities appears, and records both counts", async () => {
    await clock.advance(MIN);
    await pollOnce(ctx());
    const before = cloud.callCount('DescribeEndpoint');
    // The wake: the component's policy asks for a copy, managed scaling adds an instance. Neither
    // the endpoint's status nor its variant has an activity: only the component's activity says so.
    cloud.components.set(COMP, component(1));
    setInstances(cloud, 'rt', 1);
    cloud.activities.push({
      activityId: 'copy-1',
      resourceId: componentResourceId(COMP),
      description: 'Setting desired copy count to 1.',
      cause: 'alarm',
      startTime: T0 + 90_000,
      statusCode: 'InProgress',
      desiredCapacity: 1,
    });
    await clock.advance(MIN);
    const r = await pollOnce(ctx());
    expect(r.errors).toEqual([]);
    expect(cloud.callCount('DescribeEndpoint') - before).toBe(1);
    expect(r.endpoints.find((e) => e.endpoint === 'rt')).toMatchObject({ described: true, instances: 1 });
    expect((await instances()).slice(1)).toEqual([
      [0, 0],
      [2, 1],
    ]);
    expect(await copies()).toEqual([
      [0, 0],
      [2, 1],
    ]);
    // A quiet minute: nothing described, no component read.
    const reads = cloud.callCount('DescribeInferenceComponent');
    await clock.advance(MIN);
    await pollOnce(ctx());
    expect(cloud.callCount('DescribeInferenceComponent')).toBe(reads);
  });
});
