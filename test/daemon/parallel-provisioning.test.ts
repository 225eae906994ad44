// Provisioning many endpoints at once on the simulated cloud, in virtual time: at most
// daemon.provisionConcurrency endpoints are created at a time, fewer after AWS throttles; the rounds
// return while creations go on, check the endpoints that already run meanwhile, and never create one
// twice.
import { afterEach, describe, expect, it } from 'vitest';
import { createSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { ApiCallCounter, CloudError } from '../../src/cloud/types.js';
import type { VirtualClock } from '../../src/clock.js';
import { reconcileOnce, newReconcileMemory, type ReconcileMemory } from '../../src/daemon/reconcile.js';
import { scalableResourceId } from '../../src/cloud/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import { advanceUntil, fleetConfig, fleetNames, reconcileContext, settle } from '../support/fleet.js';

// Every endpoint boots in exactly 8 minutes; the wait polls every 30 s, which divides it, so an
// endpoint is seen InService the moment it is.
const BOOT_S = 480;
const BOOT_MS = BOOT_S * 1000;

let store: Store;
afterEach(() => store?.close());

function region(): { cloud: SimCloud; clock: VirtualClock; calls: ApiCallCounter } {
  const calls = new ApiCallCounter();
  const { cloud, clock } = createSimCloud({ boot: { kind: 'fixed', seconds: BOOT_S } }, calls);
  return { cloud, clock, calls };
}

async function creating(cloud: SimCloud): Promise<number> {
  return (await cloud.listEndpoints()).filter((e) => e.status === 'Creating').length;
}

const count = (calls: ApiCallCounter, op: string): number =>
  calls.calls.filter((c) => c.operation === op && c.ok).length;

describe('parallel provisioning', () => {
  it('20 new endpoints, 5 at a time: four creation times, not twenty, with each endpoint’s progress logged', async () => {
    const { cloud, clock, calls } = region();
    store = await openStore(':memory:');
    const names = fleetNames(20);
    const { ctx, lines } = reconcileContext(
      cloud,
      clock,
      store,
      fleetConfig(names, '{ provisionConcurrency: 5 }'),
    );
    const memory: ReconcileMemory = newReconcileMemory(ctx);

    const first = await reconcileOnce({ ...ctx, memory });
    // The round returns at once; the creations go on in the background.
    expect(first.provisioned).toEqual([]);
    expect([...first.provisioning].sort()).toEqual(names);

    let most = 0;
    const took = await advanceUntil(clock, () => memory.queue.inFlight().length === 0, {
      each: async () => {
        most = Math.max(most, await creating(cloud));
      },
    });
    expect(most).toBe(5);
    // 20 endpoints over 5 slots is 4 in a row per slot: at least 4 boots, and less than a fifth (the
    // serial creation of before took 20 boots, 160 minutes).
    expect(took).toBeGreaterThanOrEqual(4 * BOOT_MS);
    expect(took).toBeLessThan(5 * BOOT_MS);

    // The next round reports them, and creates nothing again.
    const next = await reconcileOnce({ ...ctx, memory });
    expect([...next.provisioned].sort()).toEqual(names);
    expect(count(calls, 'CreateEndpoint')).toBe(20);
    for (const n of names) {
      expect((await cloud.getEndpoint(n))?.status).toBe('InService');
      const mine = (msg: string) => lines(msg).filter((l) => l.endpoint === n);
      expect(mine(`creating endpoint ${n} (this takes several minutes for large models)`)).toHaveLength(1);
      expect(mine(`${n}: Creating (30s elapsed)`)).toHaveLength(1);
      expect(mine(`${n}: InService after 8m00s`)).toHaveLength(1);
      expect(mine('provisioned')).toHaveLength(1);
    }
  });

  it('a throttled CreateEndpoint halves how many endpoints are created at once, and the endpoint is created later', async () => {
    const { cloud, clock, calls } = region();
    store = await openStore(':memory:');
    const names = fleetNames(12);
    const { ctx, lines } = reconcileContext(
      cloud,
      clock,
      store,
      fleetConfig(names, '{ provisionConcurrency: 5 }'),
    );
    const memory = newReconcileMemory(ctx);
    // The third CreateEndpoint is throttled (after the SDK's own retries, as AWS would).
    const create = cloud.createEndpoint.bind(cloud);
    let creates = 0;
    cloud.createEndpoint = async (...args) => {
      if (++creates === 3)
        throw new CloudError('SageMaker CreateEndpoint failed: Rate exceeded', 'ThrottlingException', true);
      return create(...args);
    };

    await reconcileOnce({ ...ctx, memory });
    await settle();
    expect(memory.queue.limit.limit).toBe(2);
    expect(lines('AWS is throttling: fewer endpoints provisioned at once')).toMatchObject([
      { limit: 2, max: 5 },
    ]);
    expect(await creating(cloud)).toBe(4);
    // The throttled endpoint's retry (after 30 s) waits for a slot: four are still running against a
    // limit of two, so nothing new starts until they end.
    const t0 = clock.now();
    await advanceUntil(clock, () => clock.now() - t0 >= BOOT_MS - 60_000);
    expect(await creating(cloud)).toBe(4);

    await advanceUntil(clock, () => memory.queue.inFlight().length === 0);
    const next = await reconcileOnce({ ...ctx, memory });
    expect([...next.provisioned].sort()).toEqual(names);
    // Each endpoint created once; the throttled attempt never reached the region.
    expect(count(calls, 'CreateEndpoint')).toBe(12);
    expect(lines('throttled; trying again later')).toHaveLength(1);
    // Grown back one per success, up to the maximum.
    expect(memory.queue.limit.limit).toBe(5);
  });

  it('checks and repairs the endpoints that already run while others are created, and never creates one twice', async () => {
    const { cloud, clock, calls } = region();
    store = await openStore(':memory:');
    const memory = newReconcileMemory(reconcileContext(cloud, clock, store, fleetConfig(['old'])).ctx);
    const one = reconcileContext(cloud, clock, store, fleetConfig(['old']));
    await reconcileOnce({ ...one.ctx, memory });
    await advanceUntil(clock, () => memory.queue.inFlight().length === 0);
    await reconcileOnce({ ...one.ctx, memory });

    // The config grows by three endpoints and raises the old one's maxCapacity.
    const fresh = fleetNames(3, 'new');
    const grown = reconcileContext(cloud, clock, store, fleetConfig(['old', ...fresh], '{}', 3));
    const startedAt = clock.now();
    const r = await reconcileOnce({ ...grown.ctx, memory });
    // The old endpoint was repaired in this round, while the new ones are still Creating.
    expect(clock.now()).toBe(startedAt);
    expect(r.checked).toContain('old');
    expect((await cloud.getScalableTarget(scalableResourceId('old', 'AllTraffic')))?.maxCapacity).toBe(3);
    expect([...r.provisioning].sort()).toEqual(fresh);
    await settle();
    expect(await creating(cloud)).toBe(3);

    // Another round while they are created: it leaves them to the queue.
    const again = await reconcileOnce({ ...grown.ctx, memory });
    expect([...again.provisioning].sort()).toEqual(fresh);
    expect(again.checked).not.toContain('new-00');
    expect(count(calls, 'CreateEndpoint')).toBe(4);

    await advanceUntil(clock, () => memory.queue.inFlight().length === 0);
    const done = await reconcileOnce({ ...grown.ctx, memory });
    expect([...done.provisioned].sort()).toEqual(fresh);
    expect(count(calls, 'CreateEndpoint')).toBe(4);
  });
});
