import { describe, expect, it } from 'vitest';
import { RecordingSkippingClock } from '../../test/probe/scripted-cloud.js';
import {
  COMPONENT,
  ENDPOINT,
  VARIANT,
  WakingComponentCloud,
  type WakeScript,
} from '../../test/probe/waking-component.js';
import { CloudError } from '../cloud/types.js';
import type { ProbeResult } from '../store/probes.js';
import { deriveRealtimePhases } from './phases-realtime.js';
import { runRealtimeProbe } from './probe-realtime.js';

const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const S = 1000;
// After the first refused invocation (at the probe's start): alarm at +20 s, copy scheduled at +40 s,
// instance in service at +100 s, copy serving at +130 s.
const COLD: WakeScript = {
  initialCopies: 0,
  alarmAfterMs: 20 * S,
  copyScheduledAfterMs: 40 * S,
  instanceAfterMs: 100 * S,
  copyReadyAfterMs: 130 * S,
};
const target = { endpointName: ENDPOINT, variantName: VARIANT, componentName: COMPONENT };
const settings = { payload: { inputs: 'ping' }, contentType: 'application/json', timeoutSeconds: 1800 };

function setup(script: WakeScript): {
  clock: RecordingSkippingClock;
  cloud: WakingComponentCloud;
  saved: ProbeResult[];
  ctx: Parameters<typeof runRealtimeProbe>[0];
} {
  const clock = new RecordingSkippingClock(T0);
  const cloud = new WakingComponentCloud(clock, script);
  const saved: ProbeResult[] = [];
  // random 1: delays at their ceilings, 2, 4, 8, 16, then 20 s.
  return {
    clock,
    cloud,
    saved,
    ctx: {
      cloud,
      clock,
      sink: { save: (r) => (saved.push(r), Promise.resolve()) },
      retry: { random: () => 1 },
    },
  };
}

describe('runRealtimeProbe', () => {
  it('measures a cold wake: alarm, copy scheduled, instance, first success, and the refused invocations', async () => {
    const { cloud, saved, ctx } = setup(COLD);
    const run = await runRealtimeProbe(ctx, target, { ...settings, coldStartSloSeconds: 120 });
    // Attempts at +0, 2, 6, 14, 30, 50, 70, 90, 110 s are refused; +130 s answers.
    expect(run.result).toMatchObject({
      endpoint: ENDPOINT,
      component: COMPONENT,
      cold: true,
      instancesAtStart: 0,
      outcome: 'success',
      failedInvocations: 9,
      totalS: 130,
      // The alarm was first seen after the attempt at +30 s; the copy's activity starts at +40 s
      // (exact; the look after +50 s saw it later); the instance was first seen after +110 s.
      alarmS: 30,
      queuedS: 40,
      scaleOutS: 70,
      inServiceToOutputS: 20,
    });
    expect(run.phases?.sources).toEqual({ copyScheduled: 'activity', instance: 'observed' });
    expect(run.overSlo).toBe(true);
    // Each step is read only until it is seen: the alarm after the failures at +0..+30 s (5), the
    // component after +0..+50 s (6, plus the read at the start), the endpoint after +0..+110 s (9, +1).
    expect(cloud.callCount('DescribeAlarms')).toBe(5);
    expect(cloud.callCount('DescribeInferenceComponent')).toBe(7);
    expect(cloud.callCount('DescribeEndpoint')).toBe(10);
    expect(saved[0]).toMatchObject({ outcome: 'running', component: COMPONENT, cold: true });
    expect(saved.at(-1)).toEqual(run.result);
  });

  it('a warm component answers at once: not cold, no failed invocation, no phases', async () => {
    const { saved, ctx } = setup({ ...COLD, initialCopies: 1 });
    const run = await runRealtimeProbe(ctx, target, settings);
    expect(run.result).toMatchObject({ cold: false, outcome: 'success', failedInvocations: 0, totalS: 0 });
    expect(run.phases).toBeUndefined();
    expect(saved).toHaveLength(2);
  });

  it('records a model error as model_error with its message', async () => {
    const { cloud, ctx } = setup({ ...COLD, initialCopies: 1 });
    cloud.invokeErrors.push(new CloudError('Received server error (500) from primary', 'ModelError', false));
    const run = await runRealtimeProbe(ctx, target, settings);
    expect(run.result.outcome).toBe('model_error');
    expect(run.result.errorMessage).toBe('ModelError: Received server error (500) from primary');
  });

  it('times out on a component that never wakes, counting every refused invocation', async () => {
    const { ctx } = setup({ ...COLD, never: true });
    const run = await runRealtimeProbe(ctx, target, { ...settings, timeoutSeconds: 60 });
    // +0, 2, 6, 14, 30, 50 and the last attempt at the deadline, +60 s.
    expect(run.result).toMatchObject({ outcome: 'timeout', failedInvocations: 7, totalS: 60, cold: true });
    expect(run.result.errorMessage).toBe('no answer after 60 s (7 refused invocations, last: NoCapacity)');
    expect(run.phases).toBeUndefined();
  });

  it('records an error, not a crash, for a component that does not exist', async () => {
    const { ctx } = setup(COLD);
    const run = await runRealtimeProbe(ctx, { ...target, componentName: 'nope' }, settings);
    expect(run.result.outcome).toBe('error');
    expect(run.result.errorMessage).toBe('inference component nope does not exist in us-east-1');
  });
});

describe('deriveRealtimePhases', () => {
  it('puts the instance boundary on the copy when an instance was already in service, and sums to the total', () => {
    const p = deriveRealtimePhases({
      startedAt: 0,
      answeredAt: 90,
      alarmAt: 70, // seen late, after the copy was scheduled: clamped to it
      copyScheduledAt: 60,
      instanceAt: 0,
      activities: [],
    })!;
    expect(p).toMatchObject({
      alarmMs: 60,
      queuedMs: 60,
      scaleOutMs: 0,
      inServiceToOutputMs: 30,
      totalMs: 90,
    });
    expect(p.queuedMs + p.scaleOutMs + p.inServiceToOutputMs).toBe(p.totalMs);
  });

  it('is unknown when nothing showed the copy being scheduled', () => {
    expect(deriveRealtimePhases({ startedAt: 0, answeredAt: 90, activities: [] })).toBeUndefined();
  });
});
