// tune.mode: apply in the daemon: after a simulated day of real traffic the tuner takes one bounded
// step, records it in the store, and the reconcile puts exactly that policy on the (simulated) cloud.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { createSimRuntime, type SimRuntime } from '../../src/daemon/sim-runtime.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { ROOT } from '../support/cli.js';

let config: Config;
let store: Store;
let sim: SimRuntime;
let daemon: RunningDaemon;
let logs = '';
const background = new AbortController();

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-e2e-'));
  const file = path.join(dir, 'e2e.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: e2etune
store: ./e2etune.db
sim:
  bootSeconds: 480
  seed: 3
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions, select: [30a976ce7f], serviceSeconds: 20 }
endpoints:
  - name: tune-llm
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
      mode: apply
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
  });
  // Ten simulated hours, an hour at a time (the trace runs 08:00-16:00 UTC).
  for (let i = 0; i < 10 * 12; i++) await sim.clock.advance(5 * 60_000);
}, 300_000);

afterAll(async () => {
  background.abort();
  await daemon?.stop();
  store?.close();
});

describe('the tuner in apply mode', () => {
  it('applies a bounded step, records it, and the cloud runs exactly that policy', async () => {
    const { tuneMetaKey } = await import('../../src/daemon/daemon.js');
    const { appliedKey } = await import('../../src/daemon/tuned.js');
    const { observeScaling } = await import('../../src/scaling/observe.js');
    const { buildScalingResources } = await import('../../src/scaling/build.js');
    const { planScaling } = await import('../../src/scaling/plan.js');
    const { ownerTags } = await import('../../src/ownership.js');
    const rec = store.meta.getJson<{ mode: string; applied?: string }>(tuneMetaKey('tune-llm'));
    expect(rec?.applied).toMatch(/step is expected to save/);
    expect(rec?.mode).toBe('apply');
    const applied = store.meta.getJson<import('../../src/config/scaling-schema.js').ScalingConfig>(
      appliedKey('tune-llm'),
    );
    expect(applied).toBeDefined();
    const endpoint = { ...config.endpoints[0]!, scaling: applied! };
    expect(endpoint.scaling).not.toEqual(config.endpoints[0]!.scaling);
    const desired = buildScalingResources(endpoint, ownerTags(config.project, endpoint.name));
    const observed = await observeScaling(sim.cloud, endpoint.name, desired.resourceId);
    expect(planScaling(desired, observed)).toEqual([]);
    expect(daemon.controllers.status('tune:tune-llm').failures).toBe(0);
    expect(logs).toContain('tuner applies a step');
  });
});
