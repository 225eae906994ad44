// The daemon's reconcile of `kind: realtime` endpoints on FakeCloud: an applied, unchanged endpoint
// costs no mutating call; scaling deleted by hand is found at the drift-check cadence, reported as
// drift and (repairDrift on) put back, or left and reported (repairDrift off); a component without
// sagezero's tags on the endpoint is never touched.
import { beforeEach, describe, expect, it } from 'vitest';
import { SkippingClock, VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { componentResourceId } from '../../src/cloud/types.js';
import { parseConfig, type Config } from '../../src/config/load.js';
import {
  newRealtimeReconcileMemory,
  reconcileRealtimeAndWait,
  type RealtimeReconcileMemory,
  type RealtimeReconcileResult,
} from '../../src/daemon/reconcile-realtime.js';
import { buildPlan } from '../../src/provision/plan.js';
import { applyRealtimePlans } from '../../src/provision/realtime/apply.js';
import { reconcileTask } from '../../src/daemon/reconcile-task.js';
import type { DriftEvent } from '../../src/alerts/rules/ops.js';
import { openStore, type Store } from '../../src/store/index.js';
import { reconcileContext, type LoggedContext } from '../support/fleet.js';

const MIN = 60_000;
const RID = componentResourceId('chat-llama');

function config(driftCheckMinutes = 60): Config {
  return parseConfig(
    `project: test
region: us-east-1
daemon: { driftCheckMinutes: ${driftCheckMinutes} }
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    managedScaling: { maxInstances: 2 }
    components:
      - name: llama
        model: { image: tgi:1, modelDataUrl: s3://models/llama/ }
        acceleratorsPerCopy: 2
        memoryMb: 32768
`,
    'test.yaml',
    {},
  );
}

let cloud: FakeCloud;
let clock: VirtualClock;
let store: Store;
let memory: RealtimeReconcileMemory;
let logged: LoggedContext;

/** Applied as `sagezero apply` does (a skipping clock: the fake endpoint's waits take no real time). */
async function applied(c: Config): Promise<void> {
  const p = await buildPlan(cloud, c, async () => Promise.reject(new Error('no async endpoints')));
  const ctx = {
    cloud,
    clock: new SkippingClock(0),
    progress: () => undefined,
    pollIntervalMs: 1000,
    timeoutMs: 600_000,
  };
  for (const o of await applyRealtimePlans(ctx, p.realtime ?? [], async (x) => x)) if (o.error) throw o.error;
}

async function round(c: Config, repair = true): Promise<RealtimeReconcileResult> {
  logged = reconcileContext(cloud, clock, store, c, repair);
  return reconcileRealtimeAndWait(logged.ctx, undefined, memory);
}

beforeEach(async () => {
  cloud = new FakeCloud();
  clock = new VirtualClock(Date.UTC(2026, 4, 1, 9));
  store = await openStore(':memory:');
  memory = newRealtimeReconcileMemory({
    clock,
    log: reconcileContext(cloud, clock, store, config()).ctx.log,
    config: config(),
  });
  await applied(config());
  return () => store.close();
});

describe('daemon reconcile of kind: realtime endpoints', () => {
  it('an applied, unchanged endpoint: rounds make no mutating call and report nothing', async () => {
    const c = config();
    const first = await round(c);
    expect(first.checked).toEqual(['chat']);
    // Rounds within the drift-check interval: the fingerprint vouches, nothing is described.
    await clock.advance(10 * MIN);
    const mark = cloud.calls.length;
    const second = await round(c);
    expect(second.checked).toEqual([]);
    expect(cloud.calls.slice(mark)).toEqual([]);
    // At the interval: planned in full again, still nothing to do.
    await clock.advance(50 * MIN);
    const before = cloud.mutatingCalls().length;
    const third = await round(c);
    expect(third.checked).toEqual(['chat']);
    expect(cloud.mutatingCalls().length).toBe(before);
    expect([first, second, third].flatMap((r) => r.drift)).toEqual([]);
  });

  it('a wake alarm and a scaling policy deleted by hand: drift found at the interval, recorded, put back', async () => {
    const c = config();
    await round(c);
    const alarms = await cloud.listAlarms('');
    const policies = await cloud.listScalingPolicies(RID);
    expect(alarms.length).toBeGreaterThan(0);
    expect(policies.length).toBeGreaterThan(0);
    const wake = alarms.find((a) => a.name.includes('wake')) ?? alarms[0]!;
    const policy = policies[0]!;
    await cloud.deleteAlarms([wake.name]);
    await cloud.deleteScalingPolicy(RID, policy.policyName);

    // Within the interval the edit is not seen yet (the documented cadence).
    await clock.advance(10 * MIN);
    expect((await round(c)).drift).toEqual([]);
    await clock.advance(50 * MIN);
    const repaired = await round(c);
    expect(repaired.drift).toHaveLength(1);
    expect(repaired.drift[0]).toMatchObject({ endpoint: 'chat', repaired: true });
    const changes = repaired.drift[0]!.changes.join('\n');
    expect(changes).toContain(`create alarm ${wake.name}`);
    expect(changes).toContain(`scaling-policy ${policy.policyName}`);
    expect(logged.lines('drift: the cloud differs from the config')).toHaveLength(1);
    expect((await cloud.listAlarms('')).map((a) => a.name).sort()).toEqual(alarms.map((a) => a.name).sort());
    expect((await cloud.listScalingPolicies(RID)).map((p) => p.policyName).sort()).toEqual(
      policies.map((p) => p.policyName).sort(),
    );
    // In sync again: the next full check mutates nothing.
    await clock.advance(60 * MIN);
    const before = cloud.mutatingCalls().length;
    expect((await round(c)).checked).toEqual(['chat']);
    expect(cloud.mutatingCalls().length).toBe(before);
  });

  it('with repairDrift off the drift is reported, not repaired, and nothing is mutated', async () => {
    const c = config(10);
    await round(c, false);
    const policy = (await cloud.listScalingPolicies(RID))[0]!;
    await cloud.deleteScalingPolicy(RID, policy.policyName);
    await clock.advance(10 * MIN);
    const before = cloud.mutatingCalls().length;
    const r = await round(c, false);
    expect(cloud.mutatingCalls().length).toBe(before);
    expect(r.drift).toEqual([
      expect.objectContaining({ endpoint: 'chat', repaired: false, error: 'daemon.repairDrift is false' }),
    ]);
    expect(await cloud.listScalingPolicies(RID)).not.toContainEqual(
      expect.objectContaining({ policyName: policy.policyName }),
    );
  });

  it('an untagged (foreign) component on the endpoint is never touched, even while drift is repaired', async () => {
    const c = config(10);
    const model = cloud.components.get('chat-llama')!.modelName;
    await cloud.createInferenceComponent({
      name: 'handmade',
      endpointName: 'chat',
      variantName: 'AllTraffic',
      modelName: model,
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 1024,
      copyCount: 1,
      tags: {},
    });
    const handmade = structuredClone(cloud.components.get('handmade'));
    // Drift on sagezero's own component, so the round does apply something.
    cloud.components.get('chat-llama')!.memoryMbPerCopy = 1024;
    const r = await round(c);
    expect(r.drift).toEqual([expect.objectContaining({ endpoint: 'chat', repaired: true })]);
    expect(r.drift[0]!.changes.join('\n')).not.toContain('handmade');
    expect(cloud.components.get('chat-llama')!.memoryMbPerCopy).toBe(32768);
    expect(cloud.components.get('handmade')).toEqual(handmade);
    expect(logged.logs()).toMatch(/inference component handmade on this endpoint is not sagezero's/);
    await clock.advance(10 * MIN);
    const later = await round(c);
    expect(later.drift).toEqual([]);
    expect(cloud.components.get('handmade')).toEqual(handmade);
  });

  it("the daemon's reconcile task runs it and hands its drift to the alerts", async () => {
    const c = config();
    const found: DriftEvent[] = [];
    const task = reconcileTask({
      ...reconcileContext(cloud, clock, store, c).ctx,
      holder: 'test',
      onDrift: (d) => found.push(...d),
    });
    await task(new AbortController().signal);
    expect(found).toEqual([]);
    const policy = (await cloud.listScalingPolicies(RID))[0]!;
    await cloud.deleteScalingPolicy(RID, policy.policyName);
    await clock.advance(60 * MIN);
    await task(new AbortController().signal);
    expect(found).toEqual([expect.objectContaining({ endpoint: 'chat', repaired: true })]);
    expect(await cloud.listScalingPolicies(RID)).toContainEqual(
      expect.objectContaining({ policyName: policy.policyName }),
    );
  });
});
