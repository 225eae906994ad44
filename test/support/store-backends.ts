// The store contract suite runs every test on both backends: SQLite in memory, and PostgreSQL on the
// run's test cluster (test/support/postgres.ts). One PostgreSQL database per test file, emptied
// before each test, so tests never see one another's rows and the file pays for CREATE DATABASE and
// the migrations once.
import { openPgStore } from '../../src/store/pg/store.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/types.js';
import { freshDatabase, skipNote, testPostgres, withPgClient } from './pg-db.js';

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** Why this backend's tests skip here; '' when they run. */
  skipReason: string;
  /** A store with no rows (the same database each time for PostgreSQL, emptied). */
  open(): Promise<Store>;
  /** Drops what the backend holds for the file (call in afterAll). */
  dispose(): Promise<void>;
}

function sqliteBackend(): StoreBackend {
  return {
    name: 'sqlite',
    skipReason: '',
    open: () => Promise.resolve(openSqliteStore(':memory:')),
    dispose: () => Promise.resolve(),
  };
}

function postgresBackend(): StoreBackend {
  const server = testPostgres();
  let url: Promise<string> | undefined;
  return {
    name: 'postgres',
    skipReason: server.skipReason,
    async open() {
      let first = false;
      url ??= ((first = true), freshDatabase(server.url));
      const store = await openPgStore(await url);
      if (!first) await emptyAll(await url);
      return store;
    },
    dispose: () => Promise.resolve(),
  };
}

/** Empties every table but the migration record, and restarts identity columns. */
async function emptyAll(url: string): Promise<void> {
  await withPgClient(url, async (c) => {
    const r = await c.query<{ t: string }>(
      `SELECT quote_ident(tablename) AS t FROM pg_tables
       WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
    );
    if (r.rows.length > 0)
      await c.query(`TRUNCATE ${r.rows.map((x) => x.t).join(', ')} RESTART IDENTITY CASCADE`);
  });
}

/** Both backends, for `describe.each(storeBackends())('%s', ...)`-style loops. */
export function storeBackends(): StoreBackend[] {
  return [sqliteBackend(), postgresBackend()];
}

/** A describe title that says why a backend is skipped. */
export function backendTitle(b: StoreBackend): string {
  return `${b.name}${b.skipReason ? skipNote({ url: '', skipReason: b.skipReason }) : ''}`;
}
