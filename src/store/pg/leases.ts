// Leases on PostgreSQL, timed by the database's clock (never a host's: replicas on different
// machines disagree about the time) and fenced by a term. The term grows by one each time the lease
// changes holder and is never reset (release keeps the row), so a leader that was paused or cut off
// and missed a takeover still carries the old term, and every write it makes through fencedWrite
// is refused. fencedWrite holds the lease row FOR SHARE until its commit, so a takeover and a fenced
// write cannot interleave: the write lands wholly before the new term exists, or not at all.
import type pg from 'pg';
import { pgTransaction } from './transaction.js';
import { checkLeaseRow, checkTtl, type Acquired } from '../leases.js';

export { LeaseFencedError, type Acquired } from '../leases.js';

/**
 * The database's current time in epoch ms, one value per statement. Not now(), which is the
 * transaction's start: an assertTerm late in a long transaction would judge expiry by a stale time.
 */
const NOW_MS = '(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

/**
 * The lease statements, shared by pgLeases (over a pool) and the store's lease repo (lease-repo.ts,
 * over PgDb). Parameters are listed beside each.
 */
export const LEASE_SQL = {
  /**
   * $1 name, $2 holder, $3 ttlMs; returns the term when held, no row otherwise. One statement:
   * concurrent acquirers serialize on the row and re-check the WHERE against the winner's update,
   * so at most one of them gets it. A fenced write holding the row delays it until that write ends
   * (bounded by the idle timeout assertTerm sets).
   */
  tryAcquire: `INSERT INTO leases AS l (name, holder, acquired_at, expires_at, term)
     SELECT $1, $2, ms, ms + $3, 1 FROM (SELECT ${NOW_MS} AS ms) AS now
     ON CONFLICT (name) DO UPDATE SET
       holder = excluded.holder,
       acquired_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > excluded.acquired_at
                          THEN l.acquired_at ELSE excluded.acquired_at END,
       expires_at = excluded.expires_at,
       term = CASE WHEN l.holder = excluded.holder THEN l.term ELSE l.term + 1 END
     WHERE l.holder = excluded.holder OR l.expires_at <= excluded.acquired_at
     RETURNING term`,
  /** $1 name. */
  term: 'SELECT term FROM leases WHERE name = $1',
  /** $1 name, $2 holder, $3 term, $4 ttlMs; one row updated when renewed. */
  renew: `UPDATE leases SET expires_at = ${NOW_MS} + $4 WHERE name = $1 AND holder = $2 AND term = $3`,
  /** $1 name, $2 holder. */
  release: `UPDATE leases SET expires_at = LEAST(expires_at, ${NOW_MS}) WHERE name = $1 AND holder = $2`,
  /** $1 name. */
  get: `SELECT name, holder, term, acquired_at AS "acquiredAt", expires_at AS "expiresAt"
     FROM leases WHERE name = $1`,
  /**
   * $1 name, $2 the idle-in-transaction timeout (ms, as text). Locks the row until the transaction
   * ends, and sets the timeout for the rest of the transaction: one that holds the row and goes
   * quiet this long (a frozen or cut-off process) is ended by the server, freeing the row for a
   * takeover. Outside a transaction both last the one statement: a bare check.
   */
  assertTerm: `SELECT term, holder, expires_at > ${NOW_MS} AS live,
       set_config('idle_in_transaction_session_timeout', $2, true) AS idle_timeout
     FROM leases WHERE name = $1 FOR SHARE`,
} as const;

export interface PgLease {
  name: string;
  holder: string;
  term: number;
  acquiredAt: number;
  expiresAt: number;
}

export interface PgLeaseOptions {
  /**
   * A fenced transaction whose client goes quiet this long inside it (a frozen or cut-off process)
   * is ended by the server: its write rolls back and the lease row, which it holds locked, is free
   * for a takeover. This bounds how long tryAcquire, renew and release can wait on that lock.
   */
  fencedIdleTimeoutMs?: number;
}

export interface PgLeases {
  /** Takes the lease when it is free, lapsed or already ours (then extends it, same term). */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Acquired>;
  /**
   * Extends our lease. False once anyone else took it (the term moved on). A lapse nobody took over
   * is renewable: no other leader acted in between.
   */
  renew(name: string, holder: string, term: number, ttlMs: number): Promise<boolean>;
  /** Ends our tenure now (keeping the term), so a standby can take over at once. */
  release(name: string, holder: string): Promise<void>;
  get(name: string): Promise<PgLease | undefined>;
  /**
   * Inside a transaction on `client`: fails unless `term` is current and unexpired, then locks the
   * lease row until the transaction ends, so no takeover happens before the commit.
   */
  assertTerm(client: pg.PoolClient, name: string, term: number): Promise<void>;
  /**
   * Runs `fn` in one transaction that commits only while `term` holds the lease. Keep `fn` to
   * database statements: the session is ended if it sits idle in the transaction (an AWS call, a
   * pause) longer than fencedIdleTimeoutMs.
   */
  fencedWrite<T>(name: string, term: number, fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export function pgLeases(pool: pg.Pool, options: PgLeaseOptions = {}): PgLeases {
  const idleTimeoutMs = options.fencedIdleTimeoutMs ?? 10_000;

  const currentTerm = async (name: string): Promise<number> => {
    const r = await pool.query<{ term: number }>(LEASE_SQL.term, [name]);
    return r.rows[0]?.term ?? 0;
  };

  const assertTerm: PgLeases['assertTerm'] = async (client, name, term) => {
    const r = await client.query<{ term: number; holder: string; live: boolean }>(LEASE_SQL.assertTerm, [
      name,
      String(Math.ceil(idleTimeoutMs)),
    ]);
    checkLeaseRow(name, term, r.rows[0]);
  };

  return {
    async tryAcquire(name, holder, ttlMs) {
      checkTtl(ttlMs);
      const r = await pool.query<{ term: number }>(LEASE_SQL.tryAcquire, [name, holder, ttlMs]);
      const term = r.rows[0]?.term;
      return term !== undefined ? { held: true, term } : { held: false, term: await currentTerm(name) };
    },

    async renew(name, holder, term, ttlMs) {
      checkTtl(ttlMs);
      const r = await pool.query(LEASE_SQL.renew, [name, holder, term, ttlMs]);
      return r.rowCount === 1;
    },

    async release(name, holder) {
      await pool.query(LEASE_SQL.release, [name, holder]);
    },

    async get(name) {
      const r = await pool.query<PgLease>(LEASE_SQL.get, [name]);
      return r.rows[0];
    },

    assertTerm,

    fencedWrite: (name, term, fn) =>
      pgTransaction(pool, async (c) => {
        await assertTerm(c, name, term);
        return fn(c);
      }),
  };
}
