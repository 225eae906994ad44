// The daemon on the simulated cloud in virtual time over a replayed real trace: the report it serves
// must agree with the simulator's own ground truth (instance-seconds billed, launch to termination).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import type { CostReport } from '../../src/cost/report-types.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { createSimRuntime, type SimRuntime } from '../../src/daemon/sim-runtime.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { ROOT } from '../support/cli.js';

const HOUR = 3600_000;
let config: Config;
let store: Store;
let sim: SimRuntime;
let daemon: RunningDaemon;
let logs = '';
const background = new AbortController();

// What the real Slack client sends, captured at its fetch: in virtual time a network round trip would
// land after the simulated day is over. (Delivery to a real HTTP server is tested in test/alerts.)
const posts: { text: string }[] = [];
const slackFetch: typeof fetch = async (_url, init) => {
  posts.push(JSON.parse(String(init?.body)) as { text: string });
  return new Response('ok', { status: 200 });
};

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-e2e-'));
  const file = path.join(dir, 'e2e.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: e2e
store: ./e2e.db
alerts:
  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/e2etest" }
sim:
  bootSeconds: 480
  seed: 3
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions, select: [30a976ce7f], serviceSeconds: 20 }
endpoints:
  - name: e2e-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-e2e/out/, maxConcurrentInvocationsPerInstance: 4 }
    probe:
      schedule: "50 */2 * * *" # xx:50 of even hours: after the previous burst scaled in (cold), and at 16:50 after the trace
      payload: { inputs: "hi" }
      timeoutSeconds: 1800
      bucket: s3://sagezero-e2e/probes/
    tune:
      mode: recommend
      schedule: "20 17 * * *"
      history: 1d
      objective: { p95TimeToResultSeconds: 1200, maxExpired: 0 }
`,
  );
  config = loadConfig(file);
  store = openStore(config.storePath);
  const wallNow = Date.UTC(2026, 2, 10, 12, 0, 0);
  sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(store, clock), wallNow);
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logs += chunk.toString();
      done();
    },
  });
  daemon = await startDaemon({
    config,
    cloud: sim.cloud,
    clock: sim.clock,
    scheduler: new ClockScheduler(sim.clock),
    store,
    log: createLogger(new Redactor(), sink),
    prices: new PriceResolver({ store, clock: sim.clock, pricing: config.pricing }),
    listen: false,
    background: [sim.replay],
    fetch: slackFetch,
  });
  // Ten simulated hours, an hour at a time (the trace runs 08:00-16:00 UTC).
  for (let i = 0; i < 10 * 12; i++) await sim.clock.advance(5 * 60_000);
}, 300_000);

afterAll(async () => {
  background.abort();
  await daemon?.stop();
  store?.close();
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

  it('ran probes on schedule and recorded them, some cold', () => {
    const probes = store.probes.between('e2e-llm', 0, sim.clock.now() + 1);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.every((p) => p.outcome !== 'running')).toBe(true);
    expect(probes.some((p) => p.cold)).toBe(true);
    const controllers = daemon.controllers.all();
    // Ten simulated hours of a per-minute schedule (a round still running when the next minute fires is skipped).
    expect(controllers.find((c) => c.name === 'telemetry')?.runs).toBeGreaterThan(300);
    expect(controllers.find((c) => c.name === 'telemetry')?.failures).toBe(0);
    expect(logs).toContain('probe finished');
  });

  it('ran the tuner on its schedule and recorded a recommendation for the endpoint', async () => {
    const { tuneMetaKey } = await import('../../src/daemon/daemon.js');
    const rec = store.meta.getJson<{
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
