// The store a serve benchmark runs on (`--backend sqlite|postgres`): a SQLite file in the run's temp
// directory (the default), or a fresh PostgreSQL database per run, on the server of `--store-url` or
// on a throwaway cluster that test/support/postgres.ts starts for the benchmark and removes after.
// The same benchmark code then runs on both, so their numbers compare.
import { describeTarget, isPgUrl, parsePgUrl } from '../src/store/pg/url.js';
import { startPostgres } from '../test/support/postgres.js';
import { freshDatabase, withPgClient } from '../test/support/pg-db.js';

export type Backend = 'sqlite' | 'postgres';

/** Bad command-line input: main() prints the message alone and exits 2 (no stack trace). */
export class BenchUsageError extends Error {}

export interface BenchBackend {
  name: Backend;
  /** Where the stores live, for the results (never a password), e.g. "PostgreSQL 15.14 at ...". */
  describe: string;
  /** A new empty store for one run: `file` inside `dir`, or the URL of a new database. */
  location(dir: string, file: string): Promise<string>;
  /**
   * After a bulk seed, brings the store to the state a running one is in before it is measured: on
   * PostgreSQL, ANALYZE and VACUUM until every page is all-visible, which autovacuum does on its own
   * within a minute of a load this size (insert threshold 1,000 rows + 20%); measured straight after
   * the load, every read also paid for the pages' first visibility checks and index-only scans read
   * the table. Nothing on SQLite.
   */
  settle(location: string): Promise<void>;
  /** Drops a run's database once its stores are closed (a SQLite file goes with its directory). */
  release(location: string): Promise<void>;
  /** Stops the throwaway cluster, if this started one. */
  close(): Promise<void>;
}

export function parseBackend(value: string | undefined, storeUrl: string | undefined): Backend {
  const backend = value ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new BenchUsageError(`--backend: expected sqlite or postgres, got "${backend}"`);
  if (storeUrl !== undefined && backend !== 'postgres')
    throw new BenchUsageError('--store-url: only with --backend postgres');
  if (storeUrl !== undefined) {
    if (!isPgUrl(storeUrl))
      throw new BenchUsageError('--store-url: expected a postgres:// or postgresql:// URL');
    try {
      parsePgUrl(storeUrl);
    } catch (e) {
      throw new BenchUsageError(`--store-url: ${(e as Error).message}`);
    }
  }
  return backend;
}

export const sqliteBackend: BenchBackend = {
  name: 'sqlite',
  describe: 'SQLite (a file in a temp directory)',
  location: async (dir, file) => `${dir}/${file}`,
  settle: async () => undefined,
  release: async () => undefined,
  close: async () => undefined,
};

/**
 * PostgreSQL at `storeUrl` (its user needs CREATEDB: every run gets a database of its own, dropped
 * after), or, without one, a throwaway cluster on a free loopback port.
 */
export async function postgresBackend(storeUrl?: string): Promise<BenchBackend> {
  const server = storeUrl === undefined ? await startPostgres() : undefined;
  const admin = storeUrl ?? server!.url;
  const where = describeTarget(parsePgUrl(admin).target);
  let version: string;
  try {
    version = await withPgClient(admin, async (c) => {
      const r = await c.query<{ server_version: string }>('SHOW server_version');
      return r.rows[0]!.server_version;
    });
  } catch (e) {
    await server?.stop();
    const msg = `cannot connect to ${where}: ${(e as Error).message}`;
    throw storeUrl === undefined ? new Error(msg) : new BenchUsageError(`--store-url: ${msg}`);
  }
  return {
    name: 'postgres',
    describe: `PostgreSQL ${version} at ${where}${server ? ' (a throwaway cluster: fsync and synchronous_commit off)' : ''}`,
    async location() {
      try {
        return await freshDatabase(admin);
      } catch (e) {
        if (storeUrl === undefined) throw e;
        throw new BenchUsageError(
          `--store-url: cannot create a database on ${where} (its user needs CREATEDB): ${(e as Error).message}`,
        );
      }
    },
    async settle(location) {
      // A VACUUM that runs beside autovacuum's own ANALYZE of the fresh load (which holds a
      // snapshot) cannot mark the pages all-visible, and every index-only scan then reads the table
      // too: seen as relallvisible 0 of 2,771 pages after one VACUUM ANALYZE. Repeat until the
      // tables' pages are all visible, as a settled store's are.
      await withPgClient(location, async (c) => {
        await c.query('ANALYZE');
        for (let i = 0; i < 20; i++) {
          await c.query('VACUUM');
          const r = await c.query<{ settled: boolean }>(
            `SELECT COALESCE(bool_and(relallvisible >= relpages), true) AS settled FROM pg_class
             WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`,
          );
          if (r.rows[0]!.settled) return;
          await new Promise((res) => setTimeout(res, 250));
        }
        throw new Error('settle: the tables did not become all-visible after 20 VACUUMs');
      });
    },
    async release(location) {
      const name = new URL(location).pathname.slice(1);
      await withPgClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)}`));
    },
    close: async () => server?.stop(),
  };
}

export async function openBenchBackend(backend: Backend, storeUrl?: string): Promise<BenchBackend> {
  return backend === 'postgres' ? postgresBackend(storeUrl) : sqliteBackend;
}

/** Runs a benchmark's main, printing a usage error's message alone with exit status 2. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    // parseArgs's own errors (an unknown flag, a missing value) are usage errors too.
    const code = (e as { code?: unknown }).code;
    const usage =
      e instanceof BenchUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    if (!usage) throw e;
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
