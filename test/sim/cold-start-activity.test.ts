// What a scale-out from zero measures on the simulated region (issue 13): the demo's early cold starts
// measured a median of 567 s against the simulator's 480 s boot, and a second instance requested
// during the first one's boot was suspected of stretching the first activity. It does not: SageMaker
// "sets the endpoint status to Updating" on UpdateEndpointWeightsAndCapacities and back to InService
// "after updating the endpoint" (SageMaker API Reference, UpdateEndpointWeightsAndCapacities), a
// capacity change is refused while the endpoint is Updating, so the target-tracking scale-out to 2
// during the boot is a Failed activity and the 1 -> 2 launch waits for the first instance. The
// activity from zero therefore ends exactly when its instance serves, and the second instance's boot
// is timed by its own activity. The 567 s were the boots themselves: with seed 7 the boot stream
// (lognormal, median 480 s, sigma 0.15) draws 476 s (the endpoint's creation), then 592, 498, 563, 402,
// 567 s...; the wakes from zero take the 2nd, 4th and 6th draws (592, 563, 567 s, all above the
// median), the scale-outs to 2 the 3rd and 5th.
import { describe, expect, it } from 'vitest';
import { defaultBoot, drawBootMs } from '../../src/cloud/sim/boot.js';
import { Rng } from '../../src/cloud/sim/rng.js';
import { customPolicy, invoke, MIN, region, runUntilTrue } from './helpers.js';

describe('a scale-out from zero while a second instance is asked for during the boot', () => {
  it("ends when its own instance serves; the demo's first wakes drew 592, 563 and 567 s", async () => {
    const r = await region(customPolicy({ preset: 'aws-recommended', maxCapacity: 2 }), {
      concurrency: 4,
      serviceSeconds: 600,
      seed: 7,
      sim: { boot: defaultBoot(480) },
    });
    const { engine, ep } = r;
    const resourceId = ep.resourceId;
    const wakes = (): number =>
      engine.aas
        .listActivities(resourceId, 0)
        .filter((a) => a.statusCode === 'Successful' && a.desiredCapacity === 2).length;
    // Three bursts, each long enough (12 requests of 600 s at 4 per instance) for target tracking to
    // want a second instance while the first boots; each drains and scales in to zero before the next.
    for (let burst = 0; burst < 3; burst++) {
      runUntilTrue(engine, () => ep.desired === 0 && ep.status === 'InService', 6 * 60 * MIN);
      for (let i = 0; i < 12; i++) await invoke(r);
      runUntilTrue(engine, () => wakes() === burst + 1, 60 * MIN);
    }
    runUntilTrue(engine, () => ep.desired === 0, 6 * 60 * MIN);

    const activities = engine.aas.listActivities(resourceId, 0).reverse();
    const byLaunch = new Map(engine.instances.map((i) => [i.launchedAt, i]));
    const boots: number[] = [];
    for (const a of activities) {
      if (a.statusCode !== 'Successful' || !a.desiredCapacity) continue;
      // The instance this activity launched: its boot is the activity's whole duration.
      const inst = byLaunch.get(a.startTime);
      expect(inst, `an instance launched at the activity's start (${a.description})`).toBeDefined();
      expect(a.endTime! - a.startTime).toBe(inst!.readyAt - inst!.launchedAt);
      boots.push(Math.round((a.endTime! - a.startTime) / 1000));
    }
    // Each burst: 0 -> 1 (wake), a refused 1 -> 2 during its boot, then 1 -> 2 once it serves.
    expect(activities.filter((a) => a.statusCode === 'Failed' && a.desiredCapacity === 2)).toHaveLength(3);
    expect(activities.map((a) => a.desiredCapacity).filter((d) => d !== undefined && d > 0)).toEqual([
      1, 2, 2, 1, 2, 2, 1, 2, 2,
    ]);
    // The boots are the seed's draws in launch order, after the creation's.
    const rng = Rng.derive(7, 'boot');
    const draws = Array.from({ length: 7 }, () => Math.round(drawBootMs(defaultBoot(480), rng) / 1000));
    expect(boots).toEqual(draws.slice(1));
    expect(draws.slice(0, 7)).toEqual([476, 592, 498, 563, 402, 567, 328]);
    // The wakes from zero: 592, 563, 567 s (median 567 s) against the distribution's 480 s median.
    expect([boots[0], boots[2], boots[4]]).toEqual([592, 563, 567]);
  }, 60_000);
});
