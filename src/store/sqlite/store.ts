// The one SQLite file behind sagezero: WAL so the HTTP server reads while a controller writes,
// a busy timeout so two processes on one file wait instead of failing, and synchronous=FULL so a
// committed transaction survives a crash of the process or the machine.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrate } from '../migrations.js';
import { StoreError, type OpenStoreOptions, type Store } from '../types.js';
import { activityRepo } from './activities.js';
import { alertRepo } from './alerts.js';
import { apiCallRepo } from './api-calls.js';
import { billingRepo } from './billing.js';
import { calibrationRepo } from './calibrations.js';
import { controllerRepo } from './controllers.js';
import { gapRepo } from './gaps.js';
import { instanceRepo } from './instances.js';
import { leaseRepo } from './leases.js';
import { metaRepo } from './meta.js';
import { metricRepo } from './metrics.js';
import { priceRepo } from './prices.js';
import { probeRepo } from './probes.js';
import { asyncRepo, Serial } from './serial.js';
import { specCacheRepo } from './spec-cache.js';

/** The SQLite store, with its connection for what only SQLite has (tests, benchmarks, pragmas). */
export interface SqliteStore extends Store {
  readonly db: Database.Database;
}

/** Opens (creating if needed) the store at `file`, or `:memory:` for tests. */
export function openSqliteStore(file: string, options: OpenStoreOptions = {}): SqliteStore {
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
  const serial = new Serial(db);
  let group: number | undefined;
  let groups = 0;
  return {
    path: resolved,
    db,
    instances: asyncRepo(instanceRepo(db), serial),
    metrics: asyncRepo(metricRepo(db), serial),
    activities: asyncRepo(activityRepo(db), serial),
    prices: asyncRepo(priceRepo(db), serial),
    specCache: asyncRepo(specCacheRepo(db), serial),
    probes: asyncRepo(probeRepo(db), serial),
    alerts: asyncRepo(alertRepo(db), serial),
    apiCalls: asyncRepo(apiCallRepo(db), serial),
    controllers: asyncRepo(controllerRepo(db), serial),
    gaps: asyncRepo(gapRepo(db), serial),
    meta: asyncRepo(metaRepo(db), serial),
    leases: asyncRepo(leaseRepo(db), serial),
    billing: asyncRepo(billingRepo(db), serial),
    calibrations: asyncRepo(calibrationRepo(db), serial),
    transaction: (fn) => serial.transaction(fn),
    groupCommit: {
      // BEGIN IMMEDIATE: take the write lock now, not at the first write, so another process's
      // writer waits at the open rather than failing mid-batch.
      open: () =>
        serial.between(() => {
          if (db.inTransaction) return;
          db.exec('BEGIN IMMEDIATE');
          group = ++groups;
        }),
      commit: () =>
        serial.between(() => {
          group = undefined;
          if (db.inTransaction) db.exec('COMMIT');
        }),
      current: () => (db.inTransaction ? group : undefined),
    },
    async close() {
      if (open) {
        open = false;
        db.close();
      }
      return await Promise.resolve();
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
