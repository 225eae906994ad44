// A lone invocation after idle on the simulated region: the component went to zero copies and its
// instance was released; invokeRealtime retries until the wake brings a copy back, and a probe
// measures the same wake. Fixed timings (test/sim/realtime-helpers.ts; t in seconds from the region's
// creation): at t=3600 the component has been at zero since 510 and the instance gone since 1710.
// The first refused attempt (minute 60) is published at 3720; the wake alarm is in ALARM at the 3750
// evaluation (+1 copy); managed scaling launches an instance at 3750, in service at 3750 + 300 =
// 4050, the copy serves at 4050 + 60 s of model load = 4110; the answer takes 2 s.
import { describe, expect, it } from 'vitest';
import { engineClock } from '../../src/cloud/sim/sim-cloud.js';
import { invokeRealtime } from '../../src/probe/invoke-realtime.js';
import { runRealtimeProbe } from '../../src/probe/probe-realtime.js';
import { RT_COMPONENT, RT_ENDPOINT } from '../../src/simulate/realtime-runner.js';
import { realtimeRegion } from '../sim/realtime-helpers.js';

// random 1: the retry delays are their ceilings, 2, 4, 8, 16, then 20 s. Attempts at 3600, 3602,
// 3606, 3614, 3630, then 3650 + 20 k: 4110 = 3650 + 23 x 20 is the 29th attempt, the first served.
const retry = { random: () => 1 };

describe('realtime invocation after idle, simulated region', () => {
  it('retries until the component wakes and says how long it waited and how many attempts failed', async () => {
    const { engine, cloud, at } = await realtimeRegion();
    engine.runUntil(at(3600));
    const r = await invokeRealtime(cloud, engineClock(engine), {
      endpointName: RT_ENDPOINT,
      componentName: RT_COMPONENT,
      payload: { inputs: 'hello' },
      timeoutSeconds: 1800,
      retry,
    });
    expect(r.outcome).toBe('success');
    expect(r).toMatchObject({ attempts: 29, failedAttempts: 28, noCapacityFailures: 28 });
    expect(r.timings.answeredAttemptAt).toBe(at(4110));
    expect(r.timings.waitedMs).toBe(510_000);
    expect(r.timings.totalMs).toBe(512_000);
  });

  it('a probe measures the wake: alarm, copy scheduled, instance in service, first answer', async () => {
    const { engine, cloud, at } = await realtimeRegion();
    engine.runUntil(at(3600));
    const run = await runRealtimeProbe(
      { cloud, clock: engineClock(engine), retry },
      // The simulator installs the policy apply does, so the wake alarm is found under its usual name.
      { endpointName: RT_ENDPOINT, variantName: 'AllTraffic', componentName: RT_COMPONENT },
      { payload: { inputs: 'ping' }, contentType: 'application/json', timeoutSeconds: 1800 },
    );
    // Looks follow each refused attempt: the one at 3750 sees the alarm and the desired copy (the
    // copy's activity starts at 3750 too); the one at 4050 sees the instance in service.
    expect(run.result).toMatchObject({
      cold: true,
      instancesAtStart: 0,
      outcome: 'success',
      failedInvocations: 28,
      alarmS: 150,
      queuedS: 150,
      scaleOutS: 300,
      inServiceToOutputS: 62,
      totalS: 512,
    });
  });
});
