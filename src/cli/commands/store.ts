// sagezero store migrate --from FILE --to URL: moves a SQLite store's history to PostgreSQL, for a
// team going from one serve to two replicas on two machines (README "Two replicas"). Stop serve
// first: the copy refuses a source whose daemon lease is live, and an empty target only.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { copySqliteToPg, StoreCopyError, NOT_COPIED, type TableCopy } from '../../store/copy/sqlite-to-pg.js';
import { describeTarget, isPgUrl, openPgPool, parsePgUrl } from '../../store/pg/connect.js';
import { migratePg } from '../../store/pg/migrate.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';
import { StoreError } from '../../store/types.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface StoreMigrateOptions {
  from: string;
  to: string;
}

export function registerStore(program: Command, out: Output, setExit: (code: number) => void): void {
  const store = program.command('store').description('the store of history (SQLite file or PostgreSQL)');
  store
    .command('migrate')
    .description(
      'copy a SQLite store into an empty PostgreSQL store, all or nothing, with row counts checked per table (exit 0 copied, 1 refused or failed)',
    )
    .requiredOption('--from <file>', "the SQLite store (the config's store: path)")
    .requiredOption(
      '--to <url>',
      'the PostgreSQL store, postgres://user@host:5432/db (password: URL, PGPASSWORD, .pgpass or SAGEZERO_STORE_PASSWORD_FILE)',
    )
    .action(async (opts: StoreMigrateOptions) => {
      setExit(await runStoreMigrate(opts, out));
    });
}

export async function runStoreMigrate(
  opts: StoreMigrateOptions,
  out: Output,
  now = Date.now(),
): Promise<number> {
  if (!existsSync(opts.from)) throw new UserError(`--from: no such file ${opts.from}`);
  if (!isPgUrl(opts.to))
    throw new UserError(`--to: expected a postgres:// URL, got "${opts.to.replace(/:[^@/]*@/, ':***@')}"`);
  let where: string;
  try {
    where = describeTarget(parsePgUrl(opts.to).target);
  } catch (e) {
    throw new UserError(`--to: ${(e as Error).message}`);
  }
  let source: SqliteStore;
  try {
    source = openSqliteStore(opts.from);
  } catch (e) {
    throw new UserError(`--from: ${e instanceof StoreError ? e.message : (e as Error).message}`);
  }
  try {
    const lease = await source.leases.get('daemon');
    if (lease && lease.expiresAt > now) {
      throw new UserError(
        `--from: ${opts.from} is in use: serve (${lease.holder}) holds its lease until ${new Date(lease.expiresAt).toISOString()}; stop it first`,
      );
    }
    let pool;
    try {
      pool = await openPgPool(opts.to);
    } catch (e) {
      throw new UserError(`--to: ${(e as Error).message}`);
    }
    try {
      await migratePg(pool);
      out.err(`copying ${opts.from} to ${where} (not copied: ${NOT_COPIED.join(', ')})`);
      const copied = await copySqliteToPg(source.db, pool, (c: TableCopy) =>
        out.err(`  ${c.table.padEnd(28)} ${String(c.copied).padStart(10)} of ${c.source}`),
      );
      const rows = copied.reduce((n, c) => n + c.copied, 0);
      out.out(
        `copied ${rows} rows in ${copied.length} tables to ${where}; every table's count matches the source`,
      );
      return EXIT.ok;
    } catch (e) {
      if (e instanceof StoreCopyError) throw new UserError(`store migrate: ${e.message}`);
      throw new UserError(`store migrate to ${where}: ${(e as Error).message}`);
    } finally {
      await pool.end();
    }
  } finally {
    await source.close();
  }
}
