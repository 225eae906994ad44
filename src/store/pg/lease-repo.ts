// The store's lease repo on PostgreSQL (src/store/leases.ts), with pgLeases' statements (leases.ts)
// run through PgDb, so an assertTerm made inside store.transaction() runs on that transaction's
// connection and its row lock lasts until that transaction ends. Every `now` argument is ignored:
// the database's clock decides, never a host's.
import { checkLeaseRow, checkTtl, type Lease, type LeaseRepo } from '../leases.js';
import type { PgDb } from './db.js';
import { LEASE_SQL } from './leases.js';

export interface LeaseRepoOptions {
  /**
   * A transaction that asserted a term and then goes quiet this long (a frozen or cut-off
   * process) is ended by the server: its writes roll back and the lease row it holds is free for a
   * takeover. Keep AWS calls and waits out of store transactions.
   */
  fencedIdleTimeoutMs?: number;
}

export function leaseRepo(db: PgDb, options: LeaseRepoOptions = {}): LeaseRepo {
  const idleTimeout = String(Math.ceil(options.fencedIdleTimeoutMs ?? 10_000));
  return {
    async tryAcquire(name, holder, _now, ttlMs) {
      checkTtl(ttlMs);
      const r = await db.query<{ term: number }>(LEASE_SQL.tryAcquire, [name, holder, ttlMs]);
      const term = r.rows[0]?.term;
      if (term !== undefined) return { held: true, term };
      const cur = await db.query<{ term: number }>(LEASE_SQL.term, [name]);
      return { held: false, term: cur.rows[0]?.term ?? 0 };
    },

    async renew(name, holder, term, _now, ttlMs) {
      checkTtl(ttlMs);
      const r = await db.query(LEASE_SQL.renew, [name, holder, term, ttlMs]);
      return r.rowCount === 1;
    },

    async release(name, holder) {
      await db.query(LEASE_SQL.release, [name, holder]);
    },

    async get(name) {
      return (await db.query<Lease>(LEASE_SQL.get, [name])).rows[0];
    },

    async assertTerm(name, term) {
      const r = await db.query<{ term: number; holder: string; live: boolean }>(LEASE_SQL.assertTerm, [
        name,
        idleTimeout,
      ]);
      checkLeaseRow(name, term, r.rows[0]);
    },
  };
}
