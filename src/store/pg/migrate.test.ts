import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { openPgPool } from './connect.js';
import { MIGRATION_LOCK_KEY, migratePg, pgSchemaVersion } from './migrate.js';
import { PG_MIGRATIONS } from './migrations.js';

const server = testPostgres();
const ALL = PG_MIGRATIONS.map((m) => m.version);
const LATEST = Math.max(...ALL);

describe.skipIf(!server.url)(`PostgreSQL migrations${skipNote(server)}`, () => {
  const pools: pg.Pool[] = [];
  async function pool(url: string): Promise<pg.Pool> {
    const p = await openPgPool(url);
    pools.push(p);
    return p;
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  async function recorded(p: pg.Pool): Promise<{ version: number; n: number }[]> {
    const r = await p.query<{ version: number; n: number }>(
      'SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version',
    );
    return r.rows;
  }

  it('applies every version once on an empty database, then nothing', async () => {
    const p = await pool(await freshDatabase(server.url));
    expect(await pgSchemaVersion(p)).toBe(0);
    expect(await migratePg(p)).toEqual(ALL);
    expect(await migratePg(p)).toEqual([]);
    expect(await pgSchemaVersion(p)).toBe(LATEST);
    expect(await recorded(p)).toEqual(ALL.map((version) => ({ version, n: 1 })));
  });

  it('applies only the pending tail to an older database', async () => {
    const p = await pool(await freshDatabase(server.url));
    expect(await migratePg(p, PG_MIGRATIONS.slice(0, 3))).toEqual([1, 2, 3]);
    expect(await migratePg(p)).toEqual(ALL.slice(3));
  });

  it('two processes migrating at once: one waits on the lock, nothing is applied twice', async () => {
    const url = await freshDatabase(server.url);
    const [a, b, holder] = [await pool(url), await pool(url), await pool(url)];
    // Hold the migration lock ourselves, so both migrations demonstrably queue behind it.
    const hold = await holder.connect();
    await hold.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const waiting = async () =>
      (
        await holder.query<{ n: number }>(
          `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
           WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
        )
      ).rows[0]?.n;
    const runs = [migratePg(a), migratePg(b)];
    try {
      for (let i = 0; i < 400 && (await waiting()) !== 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(2);
      // Neither got past the lock: not even the bookkeeping table exists yet.
      expect(await pgSchemaVersion(holder)).toBe(0);
    } finally {
      await hold.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
      hold.release();
      await Promise.allSettled(runs);
    }
    const results = await Promise.all(runs);
    expect(results.map((r) => r.length).sort((x, y) => x - y)).toEqual([0, ALL.length]);
    expect(results.flat()).toEqual(ALL);
    expect(await recorded(a)).toEqual(ALL.map((version) => ({ version, n: 1 })));
  });

  it('refuses a database whose schema is newer than it knows, naming both versions', async () => {
    const p = await pool(await freshDatabase(server.url));
    await migratePg(p);
    const future = LATEST + 3;
    await p.query(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from a newer sagezero', 0)",
      [future],
    );
    await expect(migratePg(p)).rejects.toThrow(
      `the store has schema version ${future}, newer than this sagezero knows (${LATEST}); upgrade sagezero`,
    );
    expect(await pgSchemaVersion(p)).toBe(future);
  });

  it('a failing migration applies nothing of the run and names the version', async () => {
    const p = await pool(await freshDatabase(server.url));
    const broken = [
      ...PG_MIGRATIONS.slice(0, 2),
      { version: 3, name: 'broken', sql: 'CREATE TABLE leases (x int)' },
    ];
    await expect(migratePg(p, broken)).rejects.toThrow(
      /migration 3 \(broken\) failed: .*"leases" already exists/,
    );
    expect(await pgSchemaVersion(p)).toBe(0);
    const tables = await p.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.rowCount).toBe(0);
    // The lock went with the rolled-back transaction: a correct run proceeds.
    expect(await migratePg(p)).toEqual(ALL);
  });

  it('instance_transitions takes the deleted source from version 6 on, and nothing unknown', async () => {
    const p = await pool(await freshDatabase(server.url));
    await migratePg(p);
    const insert = (source: string) =>
      p.query(
        "INSERT INTO instance_transitions (endpoint, variant, at, count, source) VALUES ('e', 'v', 1, 0, $1)",
        [source],
      );
    await insert('deleted');
    await expect(insert('bogus')).rejects.toThrow(/instance_transitions_source_check/);
  });
});
