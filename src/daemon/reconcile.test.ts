// The reconcile tells sagezero's own change of desired state (the tuner's step or rollback, recorded by
// setTunedScaling) from drift (the cloud differs from what sagezero last put there), on the fake cloud.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import { driftAlerts } from '../alerts/rules/ops.js';
import { VirtualClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { scalableResourceId } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { Redactor } from '../secrets.js';
import { openStore, type Store } from '../store/index.js';
import { endpointBoot, wakeCooldownWarning } from '../scaling/boot.js';
import { createLogger } from './logger.js';
import { reconcileAndWait, reconcileOnce, type ReconcileResult } from './reconcile.js';
import { setTunedScaling, tunerChange, withTunedScaling } from './tuned.js';

const EP = 'llm-async';
const RID = scalableResourceId(EP, 'AllTraffic');

let cloud: FakeCloud;
let clock: VirtualClock;
let store: Store;
let config: Config;
let logs: string;
let configured: ScalingConfig;
let step: ScalingConfig;

function logLines(msg: string): Record<string, unknown>[] {
  return logs
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

async function reconcile(repair = true): Promise<ReconcileResult> {
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logs += chunk.toString();
      done();
    },
  });
  // The round and the background work it starts (the first one creates the endpoint), to the end.
  return reconcileAndWait({
    cloud,
    clock,
    config: await withTunedScaling(config, store),
    store,
    log: createLogger(new Redactor(), sink),
    repair,
  });
}

/** The tuner takes a step (or rolls back) the way the daemon records it. */
async function tunerSets(kind: 'step' | 'rollback', from: ScalingConfig, to: ScalingConfig): Promise<void> {
  await clock.advance(60_000);
  await setTunedScaling(store, EP, { kind, from, to, reason: `test ${kind}` }, clock.now());
}

/** A hand edit in the console: the scalable target's maximum raised. */
async function raiseMaxCapacityByHand(): Promise<void> {
  const t = (await cloud.getScalableTarget(RID))!;
  await cloud.registerScalableTarget({ ...t, maxCapacity: 9 });
}

beforeEach(async () => {
  cloud = new FakeCloud();
  clock = new VirtualClock(Date.UTC(2026, 2, 10, 12));
  store = await openStore(':memory:');
  logs = '';
  config = testConfig('scaling: { preset: aws-recommended }\ntune: { mode: apply }');
  configured = config.endpoints[0]!.scaling;
  step = { ...configured, idle: { mode: 'step', minutes: 7 } };
  const first = await reconcile();
  expect(first.provisioned).toEqual([EP]);
  expect(first.drift).toEqual([]);
});

afterEach(() => store.close());

describe('reconcile: the tuner’s own changes are not drift', () => {
  it('applies a tuner step as the tuner’s, reports no drift, and marks the change on the cloud', async () => {
    await tunerSets('step', configured, step);
    const r = await reconcile();
    expect(r.drift).toEqual([]);
    expect(r.tuner).toMatchObject([{ endpoint: EP, kind: 'step', applied: true }]);
    expect(r.tuner[0]!.changes.length).toBeGreaterThan(0);
    const logged = logLines('applying tuner step');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.policy).toEqual(['idle: target tracking (15 min) → step, 7 min']);
    expect(logLines('drift: the cloud differs from the config')).toEqual([]);
    expect((await tunerChange(store, EP))?.onCloudAt).toBe(clock.now());
    // Nothing left to do, and nothing to alert about.
    expect(await reconcile()).toMatchObject({ drift: [], tuner: [] });
    expect(driftAlerts(r.drift)).toEqual([]);
  });

  it('rolls a step back as the tuner’s, not as drift', async () => {
    await tunerSets('step', configured, step);
    await reconcile();
    await tunerSets('rollback', step, configured);
    const r = await reconcile();
    expect(r.drift).toEqual([]);
    expect(r.tuner).toMatchObject([{ kind: 'rollback', applied: true }]);
    expect(logLines('rolling back tuner step')).toHaveLength(1);
    expect(await reconcile()).toMatchObject({ drift: [], tuner: [] });
  });

  it('still reports a hand edit as drift, and puts back the tuner’s policy', async () => {
    await tunerSets('step', configured, step);
    await reconcile();
    await raiseMaxCapacityByHand();
    const r = await reconcile();
    expect(r.tuner).toEqual([]);
    expect(r.drift).toHaveLength(1);
    expect(r.drift[0]).toMatchObject({ endpoint: EP, repaired: true });
    expect(r.drift[0]!.changes.join('\n')).toContain('scalable-target');
    expect(driftAlerts(r.drift).map((c) => c.key)).toEqual([`drift-repaired:${EP}`]);
    expect((await cloud.getScalableTarget(RID))?.maxCapacity).toBe(configured.maxCapacity);
    expect(await reconcile()).toMatchObject({ drift: [], tuner: [] });
  });

  it('a hand edit made while a tuner step waits: both applied, only the hand edit is drift', async () => {
    await raiseMaxCapacityByHand();
    await tunerSets('step', configured, step);
    const r = await reconcile();
    expect(r.tuner).toMatchObject([{ kind: 'step', applied: true }]);
    expect(r.drift).toHaveLength(1);
    expect(r.drift[0]!.changes).toEqual(['update scalable-target ' + RID + ': maxCapacity']);
    expect(await reconcile()).toMatchObject({ drift: [], tuner: [] });
  });

  it('a step taken while the endpoint is busy is applied later, still as the tuner’s', async () => {
    await tunerSets('step', configured, step);
    cloud.endpoints.get(EP)!.status = 'Updating';
    expect(await reconcile()).toMatchObject({ busy: [EP], drift: [], tuner: [] });
    expect((await tunerChange(store, EP))?.onCloudAt).toBeUndefined();
    cloud.endpoints.get(EP)!.status = 'InService';
    const r = await reconcile();
    expect(r.drift).toEqual([]);
    expect(r.tuner).toMatchObject([{ kind: 'step', applied: true }]);
  });

  it('a rollback of a step that never reached the cloud leaves nothing to do and reports nothing', async () => {
    await tunerSets('step', configured, step);
    cloud.endpoints.get(EP)!.status = 'Updating';
    await reconcile();
    await tunerSets('rollback', step, configured);
    expect((await tunerChange(store, EP))?.from).toEqual(configured);
    cloud.endpoints.get(EP)!.status = 'InService';
    expect(await reconcile()).toMatchObject({ drift: [], tuner: [] });
    expect((await tunerChange(store, EP))?.onCloudAt).toBeDefined();
  });

  it('with repairDrift: false a tuner step is still applied, unless applying it would undo a hand edit', async () => {
    await tunerSets('step', configured, step);
    expect(await reconcile(false)).toMatchObject({ drift: [], tuner: [{ applied: true }] });

    const back = { ...step, idle: { mode: 'step' as const, minutes: 14 } };
    await tunerSets('step', step, back);
    await raiseMaxCapacityByHand();
    const r = await reconcile(false);
    expect(r.drift).toMatchObject([{ repaired: false, error: 'daemon.repairDrift is false' }]);
    expect(r.tuner).toMatchObject([{ applied: false }]);
    expect((await cloud.getScalableTarget(RID))?.maxCapacity).toBe(9);
    expect((await tunerChange(store, EP))?.onCloudAt).toBeUndefined();
  });

  it('a tuner step that cannot be applied is alerted as such, not as drift, and stays pending', async () => {
    await tunerSets('step', configured, step);
    const put = cloud.putScalingPolicy.bind(cloud);
    cloud.putScalingPolicy = async () => {
      throw new Error('AccessDenied: application-autoscaling:PutScalingPolicy');
    };
    const r = await reconcile();
    expect(r.tuner).toMatchObject([{ applied: false, error: expect.stringContaining('AccessDenied') }]);
    expect(r.drift).toMatchObject([{ repaired: false, cause: 'tuner-step' }]);
    const [alert] = driftAlerts(r.drift);
    expect(alert?.title).toBe(`sagezero could not apply the tuner’s step on ${EP}`);
    expect(alert?.summary).toContain('AccessDenied');
    expect((await tunerChange(store, EP))?.onCloudAt).toBeUndefined();

    cloud.putScalingPolicy = put;
    const again = await reconcile();
    expect(again).toMatchObject({ drift: [], tuner: [{ applied: true }] });
  });
});

describe('plan warnings in the daemon', () => {
  it('logs a wake cooldown shorter than the boot once, not at every round', async () => {
    // 300 s against the prior's boot p90 (582 s for the default 480 s prior) plus the alarm lag: the
    // wake policy would fire again while the first instance boots.
    const c = testConfig('scaling: { preset: aws-recommended, scaleOutCooldownSeconds: 300 }');
    let out = '';
    const log = createLogger(
      new Redactor(),
      new Writable({
        write(chunk: Buffer, _e, done) {
          out += chunk.toString();
          done();
        },
      }),
    );
    const ctx = { cloud: new FakeCloud(), clock, config: c, store, repair: true };
    await reconcileOnce({ ...ctx, log });
    // A cold start measured since changes the numbers in the warning, not what it is about.
    const before = await wakeCooldownWarning(c.endpoints[0]!, await endpointBoot(c.endpoints[0]!, store));
    // A cold probe whose scale-out phase took 900 s.
    await store.probes.save({
      id: 'p-measured',
      endpoint: EP,
      startedAt: clock.now() - 3_600_000,
      finishedAt: clock.now() - 3_600_000 + 1_050_000,
      instancesAtStart: 0,
      cold: true,
      queuedS: 120,
      scaleOutS: 900,
      inServiceToOutputS: 30,
      totalS: 1050,
      outcome: 'success',
    });
    const after = await wakeCooldownWarning(c.endpoints[0]!, await endpointBoot(c.endpoints[0]!, store));
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await reconcileOnce({ ...ctx, log });
    await reconcileOnce({ ...ctx, log });
    const warnings = out
      .split('\n')
      .filter((l) => l.includes('plan warning'))
      .map((l) => JSON.parse(l) as { warning: string });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.warning).toMatch(
      /^llm-async: scaling\.scaleOutCooldownSeconds .* is 300 s, shorter than/,
    );
  });
});
