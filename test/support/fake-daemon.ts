// The daemon on a FakeCloud (or any Cloud) in virtual time, with an in-memory store and its log kept
// as text: for tests of what the daemon does, step by step, as the test moves the clock.
import { Writable } from 'node:stream';
import type { VirtualClock } from '../../src/clock.js';
import type { Cloud } from '../../src/cloud/types.js';
import type { Config } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, type Store } from '../../src/store/index.js';

export interface FakeDaemon {
  store: Store;
  daemon: RunningDaemon;
  logs(): string;
}

/** Starts the daemon; `prepare` may seed the store before it opens (e.g. a probe left running). */
export async function startFakeDaemon(
  cloud: Cloud,
  clock: VirtualClock,
  config: Config,
  prepare?: (store: Store) => void | Promise<void>,
): Promise<FakeDaemon> {
  const store = await openStore(':memory:');
  await prepare?.(store);
  let logs = '';
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      logs += c.toString();
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
    leaseClock: clock,
  });
  return { store, daemon, logs: () => logs };
}
