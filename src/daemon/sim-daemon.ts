// The daemon on a simulated runtime's virtual clock, every controller on a ClockScheduler and prices
// from the config: what the scale benchmarks and the end-to-end tests run. (`serve` on cloud: sim
// wires the same pieces with its own scheduler choice, listener and speed.)
import type { Config } from '../config/load.js';
import { PriceResolver } from '../cost/prices.js';
import type { Store } from '../store/index.js';
import { startDaemon, type DaemonDeps, type RunningDaemon } from './daemon.js';
import type { Logger } from './logger.js';
import { ClockScheduler } from './scheduler.js';
import type { SimRuntime } from './sim-runtime.js';

export interface SimDaemonOptions {
  config: Config;
  store: Store;
  log: Logger;
  /** Default: no HTTP server. */
  listen?: DaemonDeps['listen'];
  /** Default: the runtime's traffic replay. */
  background?: DaemonDeps['background'];
  fetch?: typeof globalThis.fetch;
}

export function startSimDaemon(sim: SimRuntime, o: SimDaemonOptions): Promise<RunningDaemon> {
  return startDaemon({
    config: o.config,
    cloud: sim.cloud,
    clock: sim.clock,
    scheduler: new ClockScheduler(sim.clock),
    store: o.store,
    log: o.log,
    prices: new PriceResolver({ store: o.store, clock: sim.clock, pricing: o.config.pricing }),
    listen: o.listen ?? false,
    background: o.background ?? [sim.replay],
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}
