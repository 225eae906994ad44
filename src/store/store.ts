// The one SQLite file behind sagezero: WAL so the HTTP server reads while a controller writes,
// a busy timeout so two processes on one file wait instead of failing, and synchronous=FULL so a
// committed transaction survives a crash of the process or the machine.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { activityRepo, type ActivityRepo } from './activities.js';
import { alertRepo, type AlertRepo } from './alerts.js';
import { apiCallRepo, type ApiCallRepo } from './api-calls.js';
import { controllerRepo, type ControllerRepo } from './controllers.js';
import { gapRepo, type GapRepo } from './gaps.js';
import { instanceRepo, type InstanceRepo } from './instances.js';
import { metaRepo, type MetaRepo } from './meta.js';
import { metricRepo, type MetricRepo } from './metrics.js';
import { migrate } from './migrations.js';
import { priceRepo, type PriceRepo } from './prices.js';
import { leaseRepo, type LeaseRepo } from './leases.js';
import { probeRepo, type ProbeRepo } from './probes.js';
import { specCacheRepo, type SpecCacheRepo } from './spec-cache.js';

export interface Store {
  readonly path: string;
  readonly db: Database.Database;
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
  /** Runs `fn` in one transaction (nested calls become savepoints); all or nothing. */
  transaction<T>(fn: () => T): T;
  close(): void;
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

/** Opens (creating if needed) the store at `file`, or `:memory:` for tests. */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const memory = file === ':memory:';
  const resolved = memory ? file : path.resolve(file);
  let db: Database.Database;
  try {
    if (!memory && !options.readonly) mkdirSync(path.dirname(resolved), { recursive: true });
    db = new Database(resolved, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (e) {
    throw new StoreError(`cannot open store ${resolved}: ${describe(e)}`, resolved);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) {
      // The first statement that reads the header; a non-SQLite file fails here.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // 8 MB of page cache (better-sqlite3 builds with 16 MB): the hot pages of a year of history
      // fit, and the daemon's memory stays small.
      db.pragma('cache_size = -8000');
      db.pragma('foreign_keys = ON');
      migrate(db);
    } else {
      db.prepare('SELECT MAX(version) FROM schema_migrations').get();
    }
  } catch (e) {
    db.close();
    throw new StoreError(`cannot use store ${resolved}: ${describe(e)}`, resolved);
  }

  let open = true;
  return {
    path: resolved,
    db,
    instances: instanceRepo(db),
    metrics: metricRepo(db),
    activities: activityRepo(db),
    prices: priceRepo(db),
    specCache: specCacheRepo(db),
    probes: probeRepo(db),
    alerts: alertRepo(db),
    apiCalls: apiCallRepo(db),
    controllers: controllerRepo(db),
    gaps: gapRepo(db),
    meta: metaRepo(db),
    leases: leaseRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { code?: string };
  if (err.code === 'SQLITE_NOTADB') return 'the file is not a SQLite database';
  if (err.code === 'EACCES' || err.code === 'EPERM') return `permission denied (${err.message})`;
  if (err.code === 'ENOTDIR') return 'a parent of the path is a file, not a directory';
  if (err.code === 'SQLITE_CANTOPEN')
    return 'unable to open the database file (missing directory or no permission)';
  return err.message ?? String(e);
}
