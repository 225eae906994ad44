// The PostgreSQL store: the same Store as SQLite's (../types.ts), for more than one machine. Every
// repo goes through PgDb (db.ts), so a call inside store.transaction() runs on that transaction's
// connection. There is no group commit: a server's commit costs little beside the round trip, and
// other replicas share the database.
import { StoreError, type OpenStoreOptions, type Store } from '../types.js';
import { describeTarget, openPgPool, parsePgUrl, type PgPoolOptions } from './connect.js';
import { pgDb } from './db.js';
import { migratePg, pgSchemaVersionKnown } from './migrate.js';
import { activityRepo } from './activities.js';
import { alertRepo } from './alerts.js';
import { apiCallRepo } from './api-calls.js';
import { billingRepo } from './billing.js';
import { calibrationRepo } from './calibrations.js';
import { controllerRepo } from './controllers.js';
import { gapRepo } from './gaps.js';
import { instanceRepo } from './instances.js';
import { leaseRepo } from './lease-repo.js';
import { metaRepo } from './meta.js';
import { metricMemos, metricRepo } from './metrics.js';
import { priceRepo } from './prices.js';
import { probeRepo } from './probes.js';
import { specCacheRepo } from './spec-cache.js';

export interface PgStoreOptions extends OpenStoreOptions, PgPoolOptions {}

/** Opens the store at a postgres:// URL, applying pending migrations (unless readonly). Throws StoreError. */
export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<Store> {
  let where = 'postgres://(invalid URL)';
  try {
    where = describeTarget(parsePgUrl(url).target);
  } catch (e) {
    throw new StoreError(`store: ${(e as Error).message}`, where);
  }
  let pool;
  try {
    pool = await openPgPool(url, options);
  } catch (e) {
    throw new StoreError((e as Error).message, where);
  }
  try {
    if (options.readonly) await pgSchemaVersionKnown(pool);
    else await migratePg(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot use store ${where}: ${(e as Error).message}`, where);
  }
  const db = pgDb(pool);
  const memos = metricMemos(pool.options);
  let open = true;
  return {
    path: where,
    instances: instanceRepo(db),
    metrics: metricRepo(db, memos),
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
    billing: billingRepo(db),
    calibrations: calibrationRepo(db),
    transaction: (fn) => db.transaction(fn),
    async close() {
      if (!open) return;
      open = false;
      await memos.listener.close();
      await pool.end();
    },
  };
}
