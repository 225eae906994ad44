// The sim benchmarks step a virtual clock a minute at a time and, between steps, let every controller
// run to its next wait. On SQLite a store call completes within the microtasks of the step. On
// PostgreSQL every call is a network round trip that completes in a later turn of the event loop, and
// the clock must not move on before it has:
// - one turn per minute (what sufficed on SQLite) ran six simulated hours in about a second while
//   the daemon waited on its queries: 5.5 AWS calls per endpoint-hour counted against 143;
// - waiting for the calls once per minute still let VirtualClock.advance() wake every sleeper of the
//   minute while the ones before it waited on the database, so a woken task (a provisioning wait,
//   the traffic replay) resumed at the minute's end and slept from there: at 100 endpoints 29.1 calls
//   per endpoint-hour against SQLite's 27.3, provisioning in 108 simulated minutes against 111.
// So the benchmark counts the store calls in flight and steps to each sleeper's deadline in turn,
// moving on once none has been in flight for a few turns: what a real clock (seconds between a
// task's wakes, a millisecond per query) gives the daemon on either store.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { VirtualClock } from '../src/clock.js';
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
  const pending = new Set<PromiseLike<unknown>>();
  const counted = <A extends unknown[], R>(fn: (...a: A) => R, self: unknown) =>
    function (...args: A): R {
      const out = fn.apply(self, args);
      if (!isThenable(out)) return out;
      pending.add(out);
      const done = (): void => {
        pending.delete(out);
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
    inFlight: () => pending.size,
    async settled(quietTurns = 2) {
      const began = Date.now();
      for (let quiet = 0; quiet < quietTurns;) {
        if (pending.size > 0) {
          // Waiting on the calls themselves, not spinning the event loop: the database server
          // shares the cores with this process.
          quiet = 0;
          let timer: NodeJS.Timeout | undefined;
          const limit = new Promise<'limit'>((resolve) => {
            timer = setTimeout(() => resolve('limit'), SETTLE_LIMIT_MS - (Date.now() - began));
          });
          const first = await Promise.race([Promise.race([...pending]).then(noop, noop), limit]);
          clearTimeout(timer);
          // A call that never settles (one waiting on the virtual clock) would hang the benchmark.
          if (first === 'limit')
            throw new Error(`${pending.size} store calls still in flight after ${SETTLE_LIMIT_MS / 1000} s`);
        }
        await nextTurn();
        if (pending.size === 0) quiet++;
      }
    },
  };
}

const noop = (): void => undefined;

/**
 * The earliest deadline among the clock's sleepers. VirtualClock keeps them private; the benchmark
 * reads them to stop at each one (see advanceSettled).
 */
function nextWake(clock: VirtualClock): number | undefined {
  const sleepers = (clock as unknown as { sleepers?: unknown }).sleepers;
  if (!Array.isArray(sleepers))
    throw new Error('VirtualClock has no sleepers list: update bench/in-flight.ts');
  let at: number | undefined;
  for (const s of sleepers as { at: number }[]) if (at === undefined || s.at < at) at = s.at;
  return at;
}

/**
 * clock.advance(ms), but stopping at every sleeper's deadline on the way until the store calls its
 * continuation made have settled. advance() alone wakes the sleepers of the whole step in turn,
 * letting each run only until its first wait on I/O: on PostgreSQL a woken task (the traffic replay,
 * a provisioning wait) would resume after the clock had already reached the end of the step, and
 * its next sleep would start from there, late.
 */
export async function advanceSettled(clock: VirtualClock, ms: number, counted: CountedStore): Promise<void> {
  const target = clock.now() + ms;
  for (;;) {
    const at = nextWake(clock);
    if (at === undefined || at > target) break;
    await clock.advanceTo(at);
    await counted.settled();
  }
  await clock.advanceTo(target);
  await counted.settled();
}
