// SQLite implementation of src/store/leases.ts (synchronous; src/store/sqlite/store.ts makes it async).
// Times are the caller's clock: every process on one SQLite file runs on one host.
import type Database from 'better-sqlite3';
import { checkLeaseRow, checkTtl, type Acquired, type Lease, type LeaseRepo } from '../leases.js';
import type { SyncOf } from './serial.js';

export function leaseRepo(db: Database.Database): SyncOf<LeaseRepo> {
  const get = db.prepare(
    'SELECT name, holder, term, acquired_at AS acquiredAt, expires_at AS expiresAt FROM leases WHERE name = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO leases (name, holder, acquired_at, expires_at, term) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
       expires_at = excluded.expires_at, term = excluded.term`,
  );
  const renew = db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND term = ?');
  const release = db.prepare(
    'UPDATE leases SET expires_at = MIN(expires_at, ?) WHERE name = ? AND holder = ?',
  );
  // A write statement takes the database's write lock even when it changes nothing (and then
  // writes no page): taken first in a transaction, no other process can take the lease over until
  // the transaction ends, and its later writes cannot fail on a stale snapshot. A bare check (before
  // an AWS call) needs no lock.
  const writeLock = db.prepare('UPDATE leases SET term = term WHERE 0');
  const current = db.prepare('SELECT term, holder, expires_at > ? AS live FROM leases WHERE name = ?');

  const acquire = db.transaction((name: string, holder: string, now: number, ttlMs: number): Acquired => {
    const cur = get.get(name) as Lease | undefined;
    if (cur && cur.holder !== holder && cur.expiresAt > now) return { held: false, term: cur.term };
    const ours = cur?.holder === holder;
    const term = !cur ? 1 : ours ? cur.term : cur.term + 1;
    // A renewal keeps the tenure's start; a tenure that lapsed starts again (as on PostgreSQL).
    const acquiredAt = cur && ours && cur.expiresAt > now ? cur.acquiredAt : now;
    upsert.run(name, holder, acquiredAt, now + ttlMs, term);
    return { held: true, term };
  });

  return {
    tryAcquire: (name, holder, now, ttlMs) => {
      checkTtl(ttlMs);
      return acquire.immediate(name, holder, now, ttlMs);
    },
    renew: (name, holder, term, now, ttlMs) => {
      checkTtl(ttlMs);
      return renew.run(now + ttlMs, name, holder, term).changes === 1;
    },
    release: (name, holder, now) => void release.run(now, name, holder),
    get: (name) => get.get(name) as Lease | undefined,
    assertTerm: (name, term, now) => {
      if (db.inTransaction) writeLock.run();
      const row = current.get(now, name) as { term: number; holder: string; live: 0 | 1 } | undefined;
      checkLeaseRow(name, term, row && { ...row, live: row.live === 1 });
    },
  };
}
