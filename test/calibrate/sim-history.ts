// A daemon history on the simulated cloud with simulator options of the test's choosing (boot, metric
// delay...): the real controllers (telemetry, probes) against a SimEngine built here, the bundled demo
// trace replayed into it every simulated day from 07:45, for `hours` simulated hours. For calibration
// tests: what the store holds afterwards is a history produced by known timing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { VirtualClock } from '../../src/clock.js';
import { SimEngine, simOptions, type SimOptions } from '../../src/cloud/sim/engine.js';
import { SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { chooseTargets, replayTraffic } from '../../src/daemon/traffic.js';
import { Redactor } from '../../src/secrets.js';
import { loadTrace } from '../../src/simulate/traces/index.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { ROOT } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

export interface SimHistory {
  config: Config;
  configFile: string;
  store: Store;
  engine: SimEngine;
  clock: VirtualClock;
  /** Closes the store (the daemon is already stopped). */
  close(): Promise<void>;
}

export interface SimHistoryOptions {
  project: string;
  endpoint: string;
  hours: number;
  /** Simulator options beyond the defaults (boot, metricDelaySeconds, ...). */
  sim?: Partial<Omit<SimOptions, 'startTime'>>;
  /** The endpoint's scaling: block as a YAML flow mapping. */
  scaling?: string;
  tuneMode?: 'recommend' | 'apply';
}

export async function simHistory(o: SimHistoryOptions): Promise<SimHistory> {
  const dir = tempDir('sagezero-calibrate-');
  const configFile = path.join(dir, `${o.project}.yaml`);
  const traceFile = path.join(ROOT, 'data/traces/demo-azure-functions.csv');
  writeFileSync(
    configFile,
    `region: us-east-1
cloud: sim
project: ${o.project}
store: ./${o.project}.db
sim:
  bootSeconds: 480
  seed: 3
  traffic: { trace: ${traceFile}, format: azure-functions, select: [30a976ce7f], serviceSeconds: 20 }
endpoints:
  - name: ${o.endpoint}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-e2e/out/, maxConcurrentInvocationsPerInstance: 4 }
    probe:
      schedule: "50 */2 * * *"
      payload: { inputs: "hi" }
      timeoutSeconds: 3600
      bucket: s3://sagezero-e2e/probes/
${o.scaling ? `    scaling: ${o.scaling}\n` : ''}    tune:
      mode: ${o.tuneMode ?? 'recommend'}
      schedule: "20 3 1 1 *"
      history: 7d
      objective: { p95TimeToResultSeconds: 1800, maxExpired: 0 }
`,
  );
  const config = loadConfig(configFile);
  const store = await openStore(config.storePath);
  const start = Date.UTC(2026, 2, 10, 7, 45, 0);
  const engine = new SimEngine(simOptions({ seed: 3, ...o.sim, startTime: start }));
  const clock = new VirtualClock(start);
  const cloud = new SimCloud(engine, clock, storeApiCallObserver(store, clock));
  const trace = await loadTrace(traceFile, 'azure-functions', { seed: 3, defaultServiceSeconds: 20 });
  const targets = chooseTargets(trace, [o.endpoint], ['30a976ce7f']);
  if (typeof targets === 'string') throw new Error(targets);
  const sink = new Writable({
    write(_chunk: Buffer, _e, done) {
      done();
    },
  });
  const daemon = await startDaemon({
    config,
    cloud,
    clock,
    scheduler: new ClockScheduler(clock),
    store,
    log: createLogger(new Redactor(), sink),
    prices: new PriceResolver({ store, clock, pricing: config.pricing }),
    listen: false,
    background: [
      (signal: AbortSignal) =>
        replayTraffic({ engine, clock, trace, targets, defaultServiceSeconds: 20 }, signal).catch(
          (e: unknown) => {
            if (!signal.aborted) throw e;
          },
        ),
    ],
  });
  for (let i = 0; i < o.hours * 12; i++) await clock.advance(5 * 60_000);
  await daemon.stop();
  return { config, configFile, store, engine, clock, close: () => store.close() };
}
