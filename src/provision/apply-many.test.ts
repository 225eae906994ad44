// apply on several endpoints: up to `concurrency` created at once on the simulated cloud, each with
// its own progress lines, and one endpoint's failure reported without stopping the others.
import { describe, expect, it } from 'vitest';
import { fleetConfig, fleetNames } from '../../test/support/fleet.js';
import { createSimCloud } from '../cloud/sim/sim-cloud.js';
import { CloudError } from '../cloud/types.js';
import { applyMany } from './apply-many.js';
import { buildPlan } from './plan.js';
import { modelResolver } from './resolve-model.js';

describe('applyMany', () => {
  it('creates three endpoints two at a time: two boots, with start, wait and done lines for each', async () => {
    const { cloud, clock } = createSimCloud({ boot: { kind: 'fixed', seconds: 480 } });
    const names = fleetNames(3);
    const config = fleetConfig(names);
    const plan = await buildPlan(cloud, config, modelResolver(cloud, config));
    const lines: string[] = [];
    let most = 0;
    const t0 = clock.now();
    const run = applyMany(
      { cloud, clock, progress: (l) => lines.push(l), pollIntervalMs: 30_000, timeoutMs: 3_600_000 },
      plan.endpoints,
      { concurrency: 2, replan: async (ep) => ep },
    );
    let done = false;
    void run.then(() => (done = true));
    while (!done) {
      await clock.advance(10_000);
      await new Promise((r) => setImmediate(r));
      most = Math.max(most, (await cloud.listEndpoints()).filter((e) => e.status === 'Creating').length);
    }
    expect((await run).every((o) => o.error === undefined)).toBe(true);
    expect(most).toBe(2);
    // Two in a row on one slot: 2 boots of 480 s, and less than the 3 a serial apply takes.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(2 * 480_000);
    expect(clock.now() - t0).toBeLessThan(3 * 480_000);
    expect(lines[0]).toBe('applying 3 endpoints, up to 2 at a time');
    for (const [i, n] of names.entries()) {
      expect(lines).toContain(`${n}: started (${i + 1} of 3)`);
      expect(lines).toContain(`${n}: InService after 8m00s`);
      expect(lines.some((l) => l.startsWith(`${n}: done in `))).toBe(true);
    }
  });

  it('one endpoint failing does not stop the others; each outcome is returned', async () => {
    const { cloud, clock } = createSimCloud({ boot: { kind: 'fixed', seconds: 60 } });
    const names = fleetNames(2);
    const config = fleetConfig(names);
    const plan = await buildPlan(cloud, config, modelResolver(cloud, config));
    const create = cloud.createEndpoint.bind(cloud);
    cloud.createEndpoint = async (name, configName, tags) => {
      if (name === names[0])
        throw new CloudError('account-level service limit exceeded', 'ResourceLimitExceeded', false);
      return create(name, configName, tags);
    };
    const outcomes = applyMany(
      { cloud, clock, progress: () => undefined, pollIntervalMs: 30_000, timeoutMs: 3_600_000 },
      plan.endpoints,
      { concurrency: 2, replan: async (ep) => ep },
    );
    let settled = false;
    void outcomes.then(() => (settled = true));
    while (!settled) {
      await clock.advance(10_000);
      await new Promise((r) => setImmediate(r));
    }
    const [first, second] = await outcomes;
    expect((first!.error as CloudError).code).toBe('ResourceLimitExceeded');
    expect(second).toEqual({ endpoint: names[1] });
    expect((await cloud.getEndpoint(names[1]!))?.status).toBe('InService');
  });
});
