// The daemon on the simulated cloud in virtual time over a replayed real trace: the report it serves
// must agree with the simulator's own ground truth (instance-seconds billed, launch to termination).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';
import { PriceResolver } from '../../src/cost/prices.js';
import type { CostReport } from '../../src/cost/report-types.js';

const HOUR = 3600_000;
let run: SimDaemonRun;
let config: SimDaemonRun['config'];
let store: SimDaemonRun['store'];
let sim: SimDaemonRun['sim'];
let daemon: SimDaemonRun['daemon'];

// What the real Slack client sends, captured at its fetch: in virtual time a network round trip would
// land after the simulated day is over. (Delivery to a real HTTP server is tested in test/alerts.)
const posts: { text: string }[] = [];
const slackFetch: typeof fetch = async (_url, init) => {
  posts.push(JSON.parse(String(init?.body)) as { text: string });
  return new Response('ok', { status: 200 });
};

beforeAll(async () => {
  run = await runSimDaemon({
    project: 'e2e',
    endpoint: 'e2e-llm',
    tuneMode: 'recommend',
    extraYaml: 'alerts:\n  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/e2etest" }',
    fetch: slackFetch,
  });
  ({ config, store, sim, daemon } = run);
}, 300_000);

afterAll(async () => {
  await run?.stop();
});

describe('serve on the simulated cloud, replaying a real trace', () => {
  it('serves a report whose instance-seconds match the simulator’s billing', async () => {
    const { buildReport } = await import('../../src/cost/report.js');
    const start = Date.UTC(2026, 2, 10, 8, 0, 0);
    const end = sim.clock.now() - 5 * 60_000;
    const report: CostReport = await buildReport(
      {
        store,
        config,
        prices: new PriceResolver({ store, clock: sim.clock, pricing: config.pricing }),
        clock: sim.clock,
      },
      { start, end },
    );
    const ep = sim.engine.endpoint('e2e-llm');
    const truthHours = sim.engine.billedMs(ep, start, end) / HOUR;
    const reported = report.endpoints[0]!.instanceHours;
    expect(truthHours).toBeGreaterThan(0.5); // the trace really woke the endpoint
    expect(truthHours).toBeLessThan((end - start) / HOUR); // and it really scaled to zero at times
    // Instance counts are observed once a minute and refined from scaling activities; allow a
    // minute of slack per scale-out/in, nothing more.
    const transitions = ep.scaleOuts + ep.scaleIns;
    expect(Math.abs(reported - truthHours)).toBeLessThanOrEqual((transitions * 60_000) / HOUR + 1e-9);
    expect(report.endpoints[0]!.baseline.instanceHours).toBeCloseTo((end - start) / HOUR, 6);
    expect(report.endpoints[0]!.savingsUsd).toBeGreaterThan(0);
  });

  it('ran probes on schedule and recorded them, some cold', async () => {
    const probes = await store.probes.between('e2e-llm', 0, sim.clock.now() + 1);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.every((p) => p.outcome !== 'running')).toBe(true);
    expect(probes.some((p) => p.cold)).toBe(true);
    const controllers = daemon.controllers.all();
    // Ten simulated hours of a per-minute schedule (a round still running when the next minute fires is skipped).
    expect(controllers.find((c) => c.name === 'telemetry')?.runs).toBeGreaterThan(300);
    expect(controllers.find((c) => c.name === 'telemetry')?.failures).toBe(0);
    expect(run.logs()).toContain('probe finished');
  });

  it('ran the tuner on its schedule and recorded a recommendation for the endpoint', async () => {
    const { tuneMetaKey } = await import('../../src/daemon/daemon.js');
    const rec = await store.meta.getJson<{
      mode: string;
      yaml: string;
      recommended: { scaling: { maxCapacity: number } };
    }>(tuneMetaKey('e2e-llm'));
    expect(rec?.mode).toBe('recommend');
    expect(rec?.yaml).toContain('scaling:');
    expect(rec?.recommended.scaling.maxCapacity).toBeGreaterThanOrEqual(1);
    expect(daemon.controllers.status('tune:e2e-llm').failures).toBe(0);
    // A cheaper policy was found, so it was posted to Slack once, with the block to paste.
    const tunePosts = posts.filter((p) =>
      p.text.includes('tuner recommends a new scaling policy for e2e-llm'),
    );
    expect(tunePosts).toHaveLength(1);
    expect(JSON.stringify(tunePosts[0])).toContain('scaling:');
  });
});
