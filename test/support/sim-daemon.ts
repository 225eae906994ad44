// The daemon on the simulated cloud in virtual time, replaying the bundled demo trace for ten
// simulated hours from 07:45 (08:00-16:00 UTC traffic), for tests that check what it did afterwards.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/load.js';
import type { RunningDaemon } from '../../src/daemon/daemon.js';
import { startSimDaemon } from '../../src/daemon/sim-daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createSimRuntime, type SimRuntime } from '../../src/daemon/sim-runtime.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { ROOT } from './cli.js';
import { tempDir } from './temp-dir.js';

export interface SimDaemonRun {
  config: Config;
  store: Store;
  sim: SimRuntime;
  daemon: RunningDaemon;
  logs(): string;
  stop(): Promise<void>;
}

export interface SimDaemonOptions {
  project: string;
  endpoint: string;
  tuneMode: 'recommend' | 'apply';
  /** Extra top-level YAML (e.g. an alerts: block). */
  extraYaml?: string;
  /** The endpoint's `scaling:` block as a YAML flow mapping (default: none, i.e. aws-recommended). */
  scaling?: string;
  fetch?: typeof fetch;
  /** Simulated hours to run from 07:45 (default 10: the trace's day, the 16:50 probe, the 17:20 tuner run). */
  hours?: number;
}

export async function runSimDaemon(o: SimDaemonOptions): Promise<SimDaemonRun> {
  const dir = tempDir('sagezero-e2e-');
  const file = path.join(dir, `${o.project}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: ${o.project}
store: ./${o.project}.db
${o.extraYaml ?? ''}
sim:
  bootSeconds: 480
  seed: 3
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions, select: [30a976ce7f], serviceSeconds: 20 }
endpoints:
  - name: ${o.endpoint}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-e2e/out/, maxConcurrentInvocationsPerInstance: 4 }
    probe:
      schedule: "50 */2 * * *" # xx:50 of even hours: after the previous burst scaled in (cold), and at 16:50 after the trace
      payload: { inputs: "hi" }
      timeoutSeconds: 1800
      bucket: s3://sagezero-e2e/probes/
${o.scaling ? `    scaling: ${o.scaling}\n` : ''}    tune:
      mode: ${o.tuneMode}
      schedule: "20 17 * * *"
      history: 1d
      objective: { p95TimeToResultSeconds: 1200, maxExpired: 0 }
`,
  );
  const config = loadConfig(file);
  const store = await openStore(config.storePath);
  const wallNow = Date.UTC(2026, 2, 10, 12, 0, 0);
  const sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(store, clock), wallNow);
  let logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logs += chunk.toString();
      done();
    },
  });
  const daemon = await startSimDaemon(sim, {
    config,
    store,
    log: createLogger(new Redactor(), sink),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  // Ten simulated hours (unless told otherwise), five minutes at a time.
  for (let i = 0; i < (o.hours ?? 10) * 12; i++) await sim.clock.advance(5 * 60_000);
  // A task's CPU work (the tuner's replays) gets only a few microtask turns per clock step, so how much
  // virtual time it spans depends on how many awaits it makes, not on anything simulated: a search
  // that visits a few more candidates ended after the window and left its record unwritten. One
  // macrotask turn lets every run in flight finish whatever needs no more virtual time.
  await new Promise((resolve) => setImmediate(resolve));
  return {
    config,
    store,
    sim,
    daemon,
    logs: () => logs,
    stop: async () => {
      await daemon.stop();
      await store.close();
    },
  };
}
