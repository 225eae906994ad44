// SQLite implementation of src/store/leases.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { Lease, LeaseRepo } from '../leases.js';
import type { SyncOf } from './serial.js';

export function leaseRepo(db: Database.Database): SyncOf<LeaseRepo> {
  const get = db.prepare(
    'SELECT name, holder, acquired_at AS acquiredAt, expires_at AS expiresAt FROM leases WHERE name = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
       acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
       expires_at = excluded.expires_at`,
  );
  const release = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
  const acquire = db.transaction((name: string, holder: string, now: number, ttlMs: number): boolean => {
    const cur = get.get(name) as Lease | undefined;
    if (cur && cur.holder !== holder && cur.expiresAt > now) return false;
    upsert.run(name, holder, now, now + ttlMs);
    return true;
  });
  return {
    tryAcquire: (name, holder, now, ttlMs) => acquire.immediate(name, holder, now, ttlMs),
    release: (name, holder) => void release.run(name, holder),
    get: (name) => get.get(name) as Lease | undefined,
  };
}
