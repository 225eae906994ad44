// A store for work done on behalf of a leader's term (src/store/leases.ts): every write, and every
// transaction, runs in a transaction that first asserts the term, so a leader that was paused or cut
// off while another took over writes nothing once the new term exists. Reads pass through: they
// change nothing, and the HTTP server of a standby reads the same rows.
//
// Inside the transaction the assertion also keeps a takeover out until the commit (PostgreSQL locks
// the lease row, SQLite takes the write lock), so a write lands wholly before the new term, or not
// at all. A write made inside a fenced transaction joins it without asserting again.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from './types.js';

export type Access = 'read' | 'write';

/** The members of Store that are repositories (every other member is listed here). */
export type RepoName = Exclude<keyof Store, 'path' | 'transaction' | 'groupCommit' | 'close'>;

/**
 * Every repository method, read or write. The type requires each method of each repository, so a
 * new method does not compile until it is classified here; fence.test.ts checks the backends'
 * objects have nothing else.
 */
export const STORE_ACCESS: { readonly [R in RepoName]: { readonly [M in keyof Store[R]]-?: Access } } = {
  instances: {
    insert: 'write',
    latest: 'read',
    first: 'read',
    countAt: 'read',
    window: 'read',
    all: 'read',
    lives: 'read',
    keys: 'read',
    earliest: 'read',
  },
  metrics: {
    upsert: 'write',
    series: 'read',
    aggregate: 'read',
    positivePoints: 'read',
    prune: 'write',
    latestMinute: 'read',
    earliestMinute: 'read',
  },
  activities: { upsert: 'write', get: 'read', between: 'read' },
  prices: { insert: 'write', latest: 'read', history: 'read' },
  specCache: { get: 'read', put: 'write', delete: 'write' },
  probes: {
    save: 'write',
    get: 'read',
    latest: 'read',
    latestOutcomes: 'read',
    between: 'read',
    coldBetween: 'read',
    coldTotals: 'read',
    interruptRunning: 'write',
    running: 'read',
  },
  alerts: { get: 'read', save: 'write', firing: 'read', all: 'read' },
  apiCalls: {
    record: 'write',
    totals: 'read',
    retryTotals: 'read',
    since: 'read',
    callMinutes: 'read',
    prune: 'write',
  },
  controllers: { ok: 'write', error: 'write', get: 'read', all: 'read' },
  gaps: { record: 'write', overlapping: 'read' },
  meta: {
    get: 'read',
    set: 'write',
    getNumber: 'read',
    getJson: 'read',
    setJson: 'write',
    delete: 'write',
    list: 'read',
  },
  // The lease itself is the daemon's to keep, on the plain store; fenced work does not touch it.
  leases: { tryAcquire: 'write', renew: 'write', release: 'write', get: 'read', assertTerm: 'read' },
  billing: { saveDay: 'write', days: 'read', rows: 'read' },
  calibrations: { save: 'write', latest: 'read', latestOf: 'read', all: 'read' },
};

const plainOf = new WeakMap<Store, Store>();

/** The store a fenced store wraps (itself when not fenced): per-store memories key on it. */
export function unfenced(store: Store): Store {
  return plainOf.get(store) ?? store;
}

/**
 * `store` with its writes fenced by `check`, which throws (LeaseFencedError) unless the caller's
 * term still holds the lease. `check` must make its statements on `store` (store.leases.assertTerm),
 * so that they are part of the write's transaction.
 */
export function fencedStore(store: Store, check: () => Promise<void>): Store {
  // The fenced transaction this code runs in; done once it ended (a timer started inside it).
  const inside = new AsyncLocalStorage<{ done: boolean }>();
  // The group commit (SQLite, the simulator's catch-up) in which the term was last checked: it holds
  // the write lock until its commit, so no takeover can land before then and one check covers every
  // write that joins it, instead of a savepoint and a check per write.
  let checkedInGroup: number | undefined;
  const fenced = <T>(fn: () => Promise<T>): Promise<T> => {
    if (inside.getStore()?.done === false) return fn();
    const group = store.groupCommit?.current();
    if (group !== undefined && group === checkedInGroup) return fn();
    return store.transaction(async () => {
      const scope = { done: false };
      try {
        return await inside.run(scope, async () => {
          await check();
          if (group !== undefined && store.groupCommit?.current() === group) checkedInGroup = group;
          return await fn();
        });
      } finally {
        scope.done = true;
      }
    });
  };

  const repos = {} as Record<RepoName, unknown>;
  for (const name of Object.keys(STORE_ACCESS) as RepoName[]) {
    const repo = store[name] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const methods: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
    for (const [method, access] of Object.entries(STORE_ACCESS[name] as Record<string, Access>)) {
      const call = (...args: unknown[]) => repo[method]!(...args);
      methods[method] = access === 'read' ? call : (...args) => fenced(() => call(...args));
    }
    repos[name] = methods;
  }
  const out: Store = {
    ...(repos as Pick<Store, RepoName>),
    path: store.path,
    transaction: (fn) => (inside.getStore()?.done === false ? store.transaction(fn) : fenced(fn)),
    ...(store.groupCommit ? { groupCommit: store.groupCommit } : {}),
    close: () => store.close(),
  };
  plainOf.set(out, store);
  return out;
}
