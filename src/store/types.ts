// The store as the rest of sagezero sees it: backend-neutral and asynchronous, so that a store on a
// database server (PostgreSQL, issue 17) can sit beside the embedded SQLite one without touching
// callers. Each repository's interface lives in its own file beside this one (instances.ts, ...);
// the SQLite implementation is under sqlite/.
import type { ActivityRepo } from './activities.js';
import type { AlertRepo } from './alerts.js';
import type { ApiCallRepo } from './api-calls.js';
import type { BillingRepo } from './billing.js';
import type { CalibrationRepo } from './calibrations.js';
import type { ControllerRepo } from './controllers.js';
import type { GapRepo } from './gaps.js';
import type { InstanceRepo } from './instances.js';
import type { LeaseRepo } from './leases.js';
import type { MetaRepo } from './meta.js';
import type { MetricRepo } from './metrics.js';
import type { PriceRepo } from './prices.js';
import type { ProbeRepo } from './probes.js';
import type { SpecCacheRepo } from './spec-cache.js';

export interface Store {
  /** Where the store is (a file path for SQLite), for messages. */
  readonly path: string;
  readonly instances: InstanceRepo;
  readonly metrics: MetricRepo;
  readonly activities: ActivityRepo;
  readonly prices: PriceRepo;
  readonly specCache: SpecCacheRepo;
  readonly probes: ProbeRepo;
  readonly alerts: AlertRepo;
  readonly apiCalls: ApiCallRepo;
  readonly controllers: ControllerRepo;
  readonly gaps: GapRepo;
  readonly meta: MetaRepo;
  readonly leases: LeaseRepo;
  readonly billing: BillingRepo;
  readonly calibrations: CalibrationRepo;
  /**
   * Runs `fn` in one transaction, all or nothing; a call made inside another becomes a savepoint.
   * Other work of the process that is not part of it waits until it ends, so nothing unrelated is
   * committed or rolled back with it.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Present when the backend benefits from it; see GroupCommit. */
  readonly groupCommit?: GroupCommit;
  close(): Promise<void>;
}

/**
 * Group commit, a speed measure only: while open, every write of the process (theirs become
 * savepoints) shares one transaction until commit(). An embedded store syncs each commit to disk, and
 * the simulator's catch-up writes thousands of small transactions per simulated day; grouping them
 * turns thousands of fsyncs into a few. A server database, whose commits are cheap relative to the
 * round trip and which several processes share, has no use for it and leaves it out.
 */
export interface GroupCommit {
  /** Opens the shared transaction, if not open (waits for a transaction in progress to end). */
  open(): Promise<void>;
  /** Commits the shared transaction, if open. */
  commit(): Promise<void>;
  /**
   * An id of the shared transaction while it is open (a new one each time), else undefined. It holds
   * the store's write lock from its open to its commit, so a fact checked inside it (the lease's
   * term, src/store/fence.ts) stays true until the commit.
   */
  current(): number | undefined;
}

/** The store could not be opened or migrated; the message names the file. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly storePath: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface OpenStoreOptions {
  readonly?: boolean;
  /** How long a writer waits for another process's lock, ms. */
  busyTimeoutMs?: number;
}
