// The daemon on the simulated cloud is a function of its config and sim.seed: two runs of the same
// scenario store the same results. What used to break this was client-side randomness: probe polling
// jitters its backoff, and with Math.random each run polled (and so measured, and synced the
// simulation) at different moments. On cloud: sim the jitter comes from the region's seeded stream.
import { afterAll, describe, expect, it } from 'vitest';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';

const EP = 'det-llm';
const runs: SimDaemonRun[] = [];

afterAll(async () => {
  for (const r of runs) await r.stop();
});

/**
 * What a run stored and what the simulator did, minus what names the process rather than the run: the
 * probes' random ids and the daemon process (`holder`) that ran them.
 */
async function results(run: SimDaemonRun) {
  const end = run.sim.clock.now() + 1;
  const variant = run.config.endpoints[0]!.variantName;
  const ep = run.sim.engine.endpoint(EP);
  const probes = (await run.store.probes.between(EP, 0, end)).map((p) => {
    const {
      id: _id,
      inferenceId: _i,
      inputLocation: _in,
      outputLocation: _out,
      failureLocation: _f,
      holder: _h,
      ...rest
    } = p;
    return rest;
  });
  return {
    probes,
    instances: await run.store.instances.all(EP, variant),
    activities: await run.store.activities.between(EP, 0, end),
    backlog: await run.store.metrics.series(EP, 'ApproximateBacklogSize', 0, end),
    processed: await run.store.metrics.series(EP, 'InvocationsProcessed', 0, end),
    replayed: run.sim.replayed.get(EP),
    simulator: {
      submitted: run.sim.engine.requestsSubmitted,
      completed: ep.completed,
      expired: ep.expired,
      scaleOuts: ep.scaleOuts,
      scaleIns: ep.scaleIns,
      billedMs: run.sim.engine.billedMs(ep, 0, end),
    },
  };
}

describe('the daemon on the simulated cloud, run twice with the same seed', () => {
  it('stores identical probes, instance transitions, activities and metrics', async () => {
    for (let i = 0; i < 2; i++)
      // 07:45-14:45: most of the trace's day and three probes (08:50, 10:50, 12:50); not the tuner's run.
      runs.push(await runSimDaemon({ project: 'det', endpoint: EP, tuneMode: 'recommend', hours: 7 }));
    const [a, b] = await Promise.all(runs.map(results));
    // The scenario is worth comparing: probes polled through cold starts, the endpoint scaled.
    expect(a!.probes.length).toBeGreaterThanOrEqual(3);
    expect(a!.probes.some((p) => p.cold && p.outcome === 'success')).toBe(true);
    expect(a!.simulator.scaleOuts).toBeGreaterThanOrEqual(2);
    expect(a!.instances.length).toBeGreaterThanOrEqual(4);
    expect(b).toEqual(a);
  }, 300_000);
});
