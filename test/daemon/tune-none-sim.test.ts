// tune.mode: apply on an endpoint with scaling preset none: after a simulated day of real traffic the
// tuner still recommends, but takes no step, so sagezero puts no scaling policy or alarm on the
// endpoint it was told not to scale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';

let run: SimDaemonRun;

beforeAll(async () => {
  run = await runSimDaemon({
    project: 'e2etunenone',
    endpoint: 'tune-none',
    tuneMode: 'apply',
    scaling: '{ preset: none }',
  });
}, 300_000);

afterAll(async () => {
  await run?.stop();
});

describe('the tuner in apply mode on a preset: none endpoint', () => {
  it('holds with the reason, records no tuned policy, and the cloud has no scaling policy', async () => {
    const { store, sim, daemon } = run;
    const { tuneMetaKey } = await import('../../src/daemon/daemon.js');
    const { appliedKey } = await import('../../src/daemon/tuned.js');
    const rec = await store.meta.getJson<{ mode: string; applied?: string }>(tuneMetaKey('tune-none'));
    expect(rec?.mode).toBe('apply');
    expect(rec?.applied).toMatch(/^held: scaling preset is none/);
    expect(await store.meta.getJson(appliedKey('tune-none'))).toBeUndefined();
    const { scalableResourceId } = await import('../../src/cloud/types.js');
    const resourceId = scalableResourceId('tune-none', run.config.endpoints[0]!.variantName);
    expect(await sim.cloud.listScalingPolicies(resourceId)).toEqual([]);
    expect(daemon.controllers.status('tune:tune-none').failures).toBe(0);
    expect(run.logs()).toContain('tuner holds: scaling preset none');
    expect(run.logs()).not.toContain('tuner applies a step');
  });
});
