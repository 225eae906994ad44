// The store a read-only command (report, tune, calibrate) works on, and the clock it reads "now" from.
import { SystemClock, type Clock } from '../clock.js';
import type { Config } from '../config/load.js';
import { META, openStore, StoreError, type Store } from '../store/index.js';
import { UserError } from './errors.js';

/** Opens `path` (default: the config's store), turning a broken store into a clear user error. */
export async function openCommandStore(config: Config, path: string = config.storePath): Promise<Store> {
  try {
    return await openStore(path);
  } catch (e) {
    throw new UserError(
      e instanceof StoreError ? e.message : `cannot open the store: ${(e as Error).message}`,
    );
  }
}

/**
 * The clock a command reads the store with. The simulated cloud runs on virtual time: its "now" is
 * the last poll the daemon recorded, not the wall clock (which may be days ahead of the history).
 */
export async function commandClock(
  config: Config,
  store: Store | undefined,
  wall: Clock = new SystemClock(),
): Promise<Clock> {
  const simNow = store ? await storeSimNow(config, store) : undefined;
  return simNow !== undefined ? { now: () => simNow, sleep: (ms, s) => wall.sleep(ms, s) } : wall;
}

/**
 * The store's simulated "now" when its history runs on a daemon's simulated clock (cloud: sim and
 * a poll recorded), else undefined. A CLI command's own simulated region has another clock: rows it
 * stamped would land at the wrong place in that history.
 */
export async function storeSimNow(config: Config, store: Store): Promise<number | undefined> {
  return config.cloud === 'sim' ? await store.meta.getNumber(META.lastPollAt) : undefined;
}
