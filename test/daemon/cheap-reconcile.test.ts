// The reconcile is cheap when nothing changed: it describes an endpoint in full only when its desired
// state's fingerprint changed, telemetry saw it leave InService (or run another instance type), this
// process has not checked it yet, or its last full check is older than daemon.driftCheckMinutes.
// Counted on FakeCloud's call log.
import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { scalableResourceId } from '../../src/cloud/types.js';
import type { Config } from '../../src/config/load.js';
import {
  newReconcileMemory,
  reconcileOnce,
  type ReconcileMemory,
  type ReconcileResult,
} from '../../src/daemon/reconcile.js';
import { META, openStore, type Store } from '../../src/store/index.js';
import { fleetConfig, fleetNames, reconcileContext } from '../support/fleet.js';

const MIN = 60_000;
const EP = 'fleet-00';
const RID = scalableResourceId(EP, 'AllTraffic');

let cloud: FakeCloud;
let clock: VirtualClock;
let store: Store;
let memory: ReconcileMemory | undefined;

beforeEach(async () => {
  cloud = new FakeCloud();
  clock = new VirtualClock(Date.UTC(2026, 4, 1, 9));
  store = await openStore(':memory:');
  memory = undefined;
  return () => store.close();
});

async function round(config: Config): Promise<ReconcileResult> {
  const { ctx } = reconcileContext(cloud, clock, store, config);
  memory ??= newReconcileMemory(ctx);
  const r = await reconcileOnce({ ...ctx, memory });
  await memory.queue.settled();
  return r;
}

/** The cloud calls made by `fn`. */
async function callsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const mark = cloud.calls.length;
  await fn();
  return cloud.calls.slice(mark);
}

/** Created, then checked in full once (the round after a creation looks again): in sync and recorded. */
async function provisioned(config: Config): Promise<void> {
  memory = newReconcileMemory(reconcileContext(cloud, clock, store, config).ctx);
  await round(config);
  const r = await round(config);
  expect(r.provisioned.length).toBe(config.endpoints.length);
}

describe('cheap reconcile', () => {
  it('an hour of rounds on an unchanged fleet costs one full check per endpoint, not six', async () => {
    const config = fleetConfig(fleetNames(10));
    await provisioned(config);
    // A full check of the fleet, as every round made before.
    await clock.advance(10 * MIN);
    memory = newReconcileMemory(reconcileContext(cloud, clock, store, config).ctx);
    // (The account id is asked once per process, not per round.)
    const full = (await callsOf(() => round(config))).filter((c) => c !== 'GetCallerIdentity');
    expect(full.filter((c) => c === 'DescribeEndpoint')).toHaveLength(10);
    const verifiedAt = clock.now();

    // The next five rounds, every 10 minutes: nothing described.
    for (let i = 1; i <= 5; i++) {
      await clock.advance(10 * MIN);
      expect(await callsOf(() => round(config))).toEqual([]);
    }
    // Sixty minutes after the last full check: described in full again, the same calls.
    await clock.advance(10 * MIN);
    expect(clock.now() - verifiedAt).toBe(60 * MIN);
    const hourly = await callsOf(() => round(config));
    expect(hourly.sort()).toEqual([...full].sort());
    console.log(
      `reconcile calls per endpoint-hour (10 endpoints, rounds every 10 min): ${full.length / 10} (was ${(6 * full.length) / 10})`,
    );
  });

  it('a changed config is checked (and applied) at the next round', async () => {
    await provisioned(fleetConfig([EP]));
    const quiet = await callsOf(() => round(fleetConfig([EP])));
    expect(quiet).toEqual([]);
    const raised = fleetConfig([EP], '{}', 3);
    const calls = await callsOf(() => round(raised));
    expect(calls).toContain('DescribeEndpoint');
    expect((await cloud.getScalableTarget(RID))?.maxCapacity).toBe(3);
  });

  it('a hand edit is found at the next full check, within daemon.driftCheckMinutes', async () => {
    const config = fleetConfig([EP], '{ driftCheckMinutes: 30 }');
    await provisioned(config);
    const verifiedAt = clock.now();
    const t = (await cloud.getScalableTarget(RID))!;
    await cloud.registerScalableTarget({ ...t, maxCapacity: 9 });

    // Invisible to telemetry, so not looked for before the interval is up.
    await clock.advance(29 * MIN);
    expect(await callsOf(() => round(config))).toEqual([]);
    expect((await cloud.getScalableTarget(RID))?.maxCapacity).toBe(9);

    await clock.advance(1 * MIN);
    expect(clock.now() - verifiedAt).toBe(30 * MIN);
    const r = await round(config);
    expect(r.drift).toMatchObject([{ endpoint: EP, repaired: true }]);
    expect((await cloud.getScalableTarget(RID))?.maxCapacity).toBe(2);
  });

  it('telemetry seeing the endpoint Failed (not merely Updating, as every scaling change is), or run another instance type, asks for a full check', async () => {
    const config = fleetConfig([EP]);
    await provisioned(config);
    const seen = async (status: string, instanceType: string): Promise<void> =>
      await store.meta.setJson(
        META.endpointStatus(EP),
        { status, instanceType, observedAt: clock.now() },
        clock.now(),
      );

    await clock.advance(MIN);
    await seen('InService', 'ml.g5.12xlarge');
    expect(await callsOf(() => round(config))).toEqual([]);

    // Updating is every scale-out and scale-in: no full check for it.
    await clock.advance(MIN);
    await seen('Updating', 'ml.g5.12xlarge');
    expect(await callsOf(() => round(config))).toEqual([]);

    await clock.advance(MIN);
    await seen('Failed', 'ml.g5.12xlarge');
    expect((await round(config)).checked).toEqual([EP]);

    // The full check found it in sync again; a later poll of another instance type asks again.
    await clock.advance(MIN);
    await seen('InService', 'ml.g5.12xlarge');
    expect((await round(config)).checked).toEqual([]);
    await clock.advance(MIN);
    await seen('InService', 'ml.g5.2xlarge');
    expect((await round(config)).checked).toEqual([EP]);
  });

  it('a new process checks every endpoint in full once, whatever an earlier one recorded', async () => {
    const config = fleetConfig([EP]);
    await provisioned(config);
    expect((await round(config)).checked).toEqual([]);
    memory = newReconcileMemory(reconcileContext(cloud, clock, store, config).ctx);
    expect((await round(config)).checked).toEqual([EP]);
  });
});
