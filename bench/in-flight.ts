// The sim benchmarks step a virtual clock a minute at a time and, between steps, let every controller
// run to its next wait. On SQLite a store call completes within the microtasks of the step, so one
// turn of the event loop is enough. On PostgreSQL every call is a network round trip, done only in a
// later turn: stepping on after one turn moves simulated hours past controllers still waiting on
// their first query (measured: 6 simulated hours in about a second, the daemon provisioning late and
// making a twenty-sixth of its calls). So the benchmark counts the store calls in flight and steps on
// only once none has been for a few turns, which is what a real clock (minutes, not milliseconds,
// between a controller's runs) gives the daemon on either store.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../src/store/index.js';

const SETTLE_LIMIT_MS = 60_000;

export interface CountedStore {
  store: Store;
  /** Store calls (repository methods, transactions) started and not yet settled. */
  inFlight(): number;
  /** Resolves once no store call has been in flight for `quietTurns` turns of the event loop. */
  settled(quietTurns?: number): Promise<void>;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

/** `store` with every repository method and transaction counted while its promise is pending. */
export function countInFlight(store: Store): CountedStore {
  let pending = 0;
  const counted = <A extends unknown[], R>(fn: (...a: A) => R, self: unknown) =>
    function (...args: A): R {
      const out = fn.apply(self, args);
      if (!isThenable(out)) return out;
      pending++;
      const done = (): void => {
        pending--;
      };
      out.then(done, done);
      return out;
    };
  const wrapRepo = (repo: object): object => {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(repo, {
      get(target, key) {
        const v: unknown = Reflect.get(target, key);
        if (typeof v !== 'function') return v;
        if (!cache.has(key)) cache.set(key, counted(v as (...a: unknown[]) => unknown, target));
        return cache.get(key);
      },
    });
  };
  const repos = new Map<PropertyKey, object>();
  const wrapped = new Proxy(store, {
    get(target, key) {
      const v: unknown = Reflect.get(target, key);
      if (key === 'transaction') return counted(target.transaction, target);
      if (typeof v !== 'object' || v === null || key === 'groupCommit') return v;
      if (!repos.has(key)) repos.set(key, wrapRepo(v));
      return repos.get(key);
    },
  });
  return {
    store: wrapped,
    inFlight: () => pending,
    async settled(quietTurns = 2) {
      const began = Date.now();
      for (let quiet = 0; quiet < quietTurns;) {
        await nextTurn();
        quiet = pending === 0 ? quiet + 1 : 0;
        // A call that never settles (one waiting on the virtual clock) would hang the benchmark.
        if (Date.now() - began > SETTLE_LIMIT_MS)
          throw new Error(`${pending} store calls still in flight after ${SETTLE_LIMIT_MS / 1000} s`);
      }
    },
  };
}
