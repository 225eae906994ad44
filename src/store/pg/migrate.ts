// Applies the PostgreSQL migrations. Several replicas start at once against one database, so the
// whole check-and-apply runs in one transaction under a transaction-level advisory lock: the first
// applies the pending versions, the others wait on the lock and then find nothing left to do. The
// lock is released by the commit or rollback, also when a process dies mid-way.
import type pg from 'pg';
import { pgTransaction } from './transaction.js';
import { PG_MIGRATIONS, type PgMigration } from './migrations.js';

// Arbitrary, but the same in every sagezero version: two versions migrating one database must
// contend for the same lock. Advisory locks are per database, so other databases do not collide.
export const MIGRATION_LOCK_KEY = 7_254_101_917_001n;

export class PgMigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The database's schema version: 0 when no migration ever ran there. */
export async function pgSchemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const r = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/**
 * The database's schema version, refused (PgMigrationError) when newer than the newest of
 * `migrations`: this sagezero would misread it.
 */
export async function pgSchemaVersionKnown(
  db: pg.Pool | pg.PoolClient,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number> {
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  const current = await pgSchemaVersion(db);
  if (current > latest) {
    throw new PgMigrationError(
      `the store has schema version ${current}, newer than this sagezero knows (${latest}); upgrade sagezero`,
    );
  }
  return current;
}

/**
 * Applies every migration newer than the database's version, all in one transaction, and returns
 * the versions applied (none when another process got there first). Refuses a database whose
 * version is newer than the newest migration given.
 */
export async function migratePg(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number[]> {
  return pgTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version BIGINT PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const current = await pgSchemaVersionKnown(client, migrations);
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new PgMigrationError(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
      await client.query(
        `INSERT INTO schema_migrations (version, name, applied_at)
         VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`,
        [m.version, m.name],
      );
      applied.push(m.version);
    }
    return applied;
  });
}
