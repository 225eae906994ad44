// Memory of `serve` on cloud: sim with many endpoints (issue 13): the real daemon (controllers,
// telemetry, probes, the trace replay) on the simulated region with N copies of the demo endpoint
// (config/demo.yaml's endpoint and traffic, sim.history 0), driven in virtual time as fast as the
// machine allows for D simulated days. Prints the process's RSS (and V8 heap) after each simulated day.
//
//   npx tsx bench/sim-memory.ts [--endpoints 100] [--days 30] [--step-minutes 1]
//   node --expose-gc --import tsx bench/sim-memory.ts ...   (collects garbage before each reading)
//
// The clock moves `--step-minutes` of virtual time at a time (the daemon's controllers run at their
// scheduled instants within each step, as in the catch-up of sim.history).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config/load.js';
import { PriceResolver } from '../src/cost/prices.js';
import { startDaemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/daemon/logger.js';
import { ClockScheduler } from '../src/daemon/scheduler.js';
import { reconcileOnce } from '../src/daemon/reconcile.js';
import { createSimRuntime, type SimRuntime } from '../src/daemon/sim-runtime.js';
import { Redactor } from '../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../src/store/index.js';
import { pollOnce } from '../src/telemetry/poll.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DAY_MS = 86_400_000;

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '100' },
    days: { type: 'string', default: '30' },
    'step-minutes': { type: 'string', default: '1' },
    'region-only': { type: 'boolean', default: false },
  },
});
const endpoints = Number(args.endpoints);
const days = Number(args.days);
const stepMs = Number(args['step-minutes']) * 60_000;
const regionOnly = args['region-only'];

function configYaml(n: number): string {
  const trace = path.join(ROOT, 'data/traces/demo-azure-functions.csv');
  const names = Array.from({ length: n }, (_, i) => `falcon-40b-async-${String(i).padStart(3, '0')}`);
  const endpoint = (name: string): string => `  - name: ${name}
    model:
      image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04
      modelDataUrl: s3://sagemaker-us-east-1-123456789012/models/falcon-40b-instruct/model.tar.gz
      environment: { HF_MODEL_ID: /opt/ml/model, SM_NUM_GPUS: 4, MAX_INPUT_LENGTH: 1024, MAX_TOTAL_TOKENS: 2048 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    initialInstanceCount: 1
    async: { maxConcurrentInvocationsPerInstance: 4 }
    tags: { team: nlp, env: demo }
    scaling: { preset: aws-recommended, maxCapacity: 2 }
    probe:
      schedule: '15 */2 * * *'
      payload: { inputs: 'What is the capital of France?', parameters: { max_new_tokens: 16 } }
      contentType: application/json
      timeoutSeconds: 1800
      coldStartSloSeconds: 720
      bucket: s3://sagezero-demo-probes/probes/
`;
  return `region: us-east-1
cloud: sim
project: memory
store: ./memory.db
sim:
  bootSeconds: 480
  seed: 7
  speed: 60
  history: 0
  traffic:
    trace: ${trace}
    format: azure-functions
    select: [${names.map(() => '30a976ce7f').join(', ')}]
    serviceSeconds: 20
alerts:
  budgets: { monthlyUsd: 200000, thresholds: [0.5, 0.8, 1.0] }
endpoints:
${names.map(endpoint).join('')}`;
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-sim-memory-'));
  const file = path.join(dir, 'memory.yaml');
  writeFileSync(file, configYaml(endpoints));
  const config = loadConfig(file);
  const store = openStore(config.storePath);
  // The store syncs every commit to disk (thousands of fsyncs per simulated day); this measures
  // memory, not durability, so let the OS write when it likes.
  store.db.pragma('synchronous = OFF');
  const wallNow = Date.UTC(2026, 2, 10, 12, 0, 0);
  const sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(store, clock), wallNow);
  let logBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logBytes += chunk.length;
      done();
    },
  });
  if (regionOnly) {
    await regionAlone(config, store, sim, createLogger(new Redactor(), sink));
    return;
  }
  const daemon = await startDaemon({
    config,
    cloud: sim.cloud,
    clock: sim.clock,
    scheduler: new ClockScheduler(sim.clock),
    store,
    log: createLogger(new Redactor(), sink),
    prices: new PriceResolver({ store, clock: sim.clock, pricing: config.pricing }),
    listen: false,
    background: [sim.replay],
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const start = sim.clock.now();
  const began = Date.now();
  console.log(`${endpoints} endpoints, ${days} simulated days, steps of ${stepMs / 60_000} min`);
  console.log('day\trss_MB\theap_MB\texternal_MB\twall_s\trequests\tevents');
  for (let day = 1; day <= days; day++) {
    const until = start + day * DAY_MS;
    while (sim.clock.now() < until) {
      await sim.clock.advanceTo(Math.min(sim.clock.now() + stepMs, until));
      await yieldToEventLoop();
    }
    gc?.();
    const m = process.memoryUsage();
    console.log(
      [
        day,
        mb(m.rss),
        mb(m.heapUsed),
        mb(m.external + m.arrayBuffers),
        ((Date.now() - began) / 1000).toFixed(0),
        sim.engine.requestsSubmitted,
        sim.engine.eventsProcessed,
      ].join('\t'),
    );
  }
  await daemon.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`log output: ${mb(logBytes)} MB`);
}

/**
 * --region-only: the simulated region alone with the same endpoints and traffic, provisioned by one
 * reconcile round, plus the daemon's telemetry poll (pollOnce) every simulated minute; none of the
 * other controllers (probes, reports, alerts, tuner).
 */
async function regionAlone(
  config: Config,
  store: Store,
  sim: SimRuntime,
  log: ReturnType<typeof createLogger>,
): Promise<void> {
  const abort = new AbortController();
  const provisioning = reconcileOnce({
    cloud: sim.cloud,
    clock: sim.clock,
    config,
    store,
    log,
    repair: true,
  });
  let settled = false;
  void provisioning.finally(() => (settled = true)).catch(() => undefined);
  for (let i = 0; i < 24 * 60 && !settled; i++) await sim.clock.advance(60_000);
  const provisioned = await provisioning;
  console.log(
    `provisioned at +${(sim.clock.now() - sim.engine.opts.startTime) / 60_000} min, ${sim.engine.endpoints.size} endpoints`,
  );
  void provisioned;
  const replay = sim.replay(abort.signal);
  const gc = (globalThis as { gc?: () => void }).gc;
  const start = sim.clock.now();
  const began = Date.now();
  console.log(`region alone + pollOnce each minute: ${endpoints} endpoints, ${days} simulated days`);
  console.log('day\trss_MB\theap_MB\texternal_MB\twall_s\trequests\tevents');
  for (let day = 1; day <= days; day++) {
    const until = start + day * DAY_MS;
    while (sim.clock.now() < until) {
      await sim.clock.advanceTo(Math.min(sim.clock.now() + 60_000, until));
      await pollOnce({ cloud: sim.cloud, clock: sim.clock, store, config });
    }
    gc?.();
    const m = process.memoryUsage();
    console.log(
      [
        day,
        mb(m.rss),
        mb(m.heapUsed),
        mb(m.external + m.arrayBuffers),
        ((Date.now() - began) / 1000).toFixed(0),
        sim.engine.requestsSubmitted,
        sim.engine.eventsProcessed,
      ].join('\t'),
    );
  }
  abort.abort();
  await sim.clock.advance(60_000);
  await replay;
  store.close();
}

await main();
