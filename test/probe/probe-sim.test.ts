// Probe timing against the simulated cloud, whose instances record when they were launched and when
// they became ready: the cold probe's phases must add up to its total and match that ground truth.
// The probe runs on the engine's own clock, so its sleeps move the region forward (no wall time).
import { describe, expect, it } from 'vitest';
import { createDrivenSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import type { SimEngine } from '../../src/cloud/sim/engine.js';
import type { SimEndpoint } from '../../src/cloud/sim/entities.js';
import { runProbe } from '../../src/probe/probe.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, provisionEndpoint } from '../../src/simulate/runner.js';
import { openStore } from '../../src/store/index.js';

const MIN = 60_000;
const BOOT_S = 480;
const SERVICE_S = 20;

async function idleRegion(): Promise<{ engine: SimEngine; cloud: SimCloud; ep: SimEndpoint }> {
  const boot = { kind: 'fixed' as const, seconds: BOOT_S };
  const { engine, cloud } = createDrivenSimCloud({
    startTime: Date.UTC(2026, 0, 5, 6),
    boot,
    seed: 11,
    serviceSeconds: () => SERVICE_S,
  });
  const ep = await provisionEndpoint(engine, cloud, presetPolicy('aws-recommended'), {
    ...DEFAULT_SETTINGS,
    boot,
    concurrency: 1,
  });
  // With no traffic the target-tracking low alarm takes the endpoint to zero within the hour.
  engine.runUntil(engine.now + 60 * MIN);
  return { engine, cloud, ep };
}

describe('cold probe on the simulated cloud', () => {
  it('splits the cold start into phases that add up and match the simulator', async () => {
    const { engine, cloud, ep } = await idleRegion();
    const before = await cloud.getEndpoint(ep.name);
    expect(before?.variants[0]?.currentInstanceCount).toBe(0);
    const store = await openStore(':memory:');
    const launchedBefore = new Set(engine.instances.map((i) => i.id));

    const run = await runProbe(
      { cloud, clock: cloud.clock, sink: store.probes, poll: { random: () => 1 } },
      { name: ep.name, variantName: 'AllTraffic', async: { outputPath: ep.outputPath } },
      {
        payload: { inputs: 'hi' },
        contentType: 'application/json',
        timeoutSeconds: 1800,
        coldStartSloSeconds: 600,
      },
    );
    const r = run.result;
    expect(r.outcome).toBe('success');
    expect(r.cold).toBe(true);

    // Ground truth: the first instance launched for this probe. (The wake alarm stays in ALARM while
    // that instance boots, so the step policy adds a second one later, as it does on AWS.)
    const woke = engine.instances
      .filter((i) => !launchedBefore.has(i.id))
      .sort((a, b) => a.launchedAt - b.launchedAt);
    const inst = woke[0]!;
    expect(inst.launchedAt).toBeGreaterThan(r.startedAt);
    expect(inst.readyAt - inst.launchedAt).toBe(BOOT_S * 1000);

    const p = run.phases!;
    expect(p.sources).toEqual({ scaleOutStart: 'activity', inService: 'activity' });
    // Phases add up to the total (the total ends when the probe saw the output).
    expect(p.queuedMs + p.scaleOutMs + p.inServiceToOutputMs).toBe(p.totalMs);
    expect(r.queuedS! + r.scaleOutS! + r.inServiceToOutputS!).toBeCloseTo(r.totalS!, 9);
    // The boundaries are the simulator's own moments.
    expect(p.scaleOutStartedAt).toBe(inst.launchedAt);
    expect(p.inServiceAt).toBe(inst.readyAt);
    expect(p.scaleOutMs).toBe(BOOT_S * 1000);
    // The wake alarm needs two one-minute datapoints of backlog-without-capacity, evaluated 30 s into
    // the minute after each: between 2 and 4 minutes.
    expect(p.queuedMs).toBeGreaterThanOrEqual(2 * MIN);
    expect(p.queuedMs).toBeLessThanOrEqual(4 * MIN);
    // The output is written SERVICE_S after the instance is ready. Without jitter the probe describes
    // the endpoint at 15, 45, 105, 195, ..., 645, 735 s after its start; the instance (ready at
    // queuedMs + 480 s, 690 s here) is first seen at 735 s, when the output is already there and read
    // at once: 45 s after in service. (test/probe/probe-api-budget.test.ts bounds this for any jitter.)
    expect(p.queuedMs + p.scaleOutMs).toBe(690_000);
    expect(p.inServiceToOutputMs).toBe(45_000);
    expect(await store.probes.get(r.id)).toEqual(r);
    // At least 2 min queued + 8 min boot + 20 s is over a 600 s SLO.
    expect(run.overSlo).toBe(true);
    // Its objects are gone from the simulated S3.
    expect([...engine.s3.keys()].filter((k) => k.includes(r.id))).toEqual([]);
    await store.close();
  });

  it('measures a warm probe, right after a cold one, as processing time only', async () => {
    const { cloud, ep } = await idleRegion();
    const target = { name: ep.name, variantName: 'AllTraffic', async: { outputPath: ep.outputPath } };
    const probe = { payload: { inputs: 'hi' }, contentType: 'application/json', timeoutSeconds: 1800 };
    expect((await runProbe({ cloud, clock: cloud.clock }, target, probe)).result.cold).toBe(true);
    const run = await runProbe({ cloud, clock: cloud.clock, poll: { random: () => 1 } }, target, probe);
    expect(run.result).toMatchObject({ outcome: 'success', cold: false });
    expect(run.result.instancesAtStart).toBeGreaterThanOrEqual(1);
    expect(run.phases).toBeUndefined();
    // Polls at +0, 1, 3, 7, 15, 31 s: the 20 s result is seen at 31 s.
    expect(run.result.totalS).toBe(31);
  });
});
