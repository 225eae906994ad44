// A lease in the store: several serve processes may share one store, and only the holder acts.
// Acquire and renew run in one IMMEDIATE transaction, so two processes never both see the lease free.
import type Database from 'better-sqlite3';

export interface Lease {
  name: string;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface LeaseRepo {
  /** Takes or renews the lease for `holder` when it is free, expired or already ours. */
  tryAcquire(name: string, holder: string, now: number, ttlMs: number): boolean;
  /** Gives the lease up (only if `holder` has it), so a standby can take over at once. */
  release(name: string, holder: string): void;
  get(name: string): Lease | undefined;
}

export function leaseRepo(db: Database.Database): LeaseRepo {
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
