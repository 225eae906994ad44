// `sagezero store migrate`: copies a SQLite store's history into an empty PostgreSQL store, table by
// table, in one PostgreSQL transaction, and commits only when every table's row count on the target
// equals the source's. The two schemas are one schema per version (pg/migrations.ts mirrors
// ../migrations.ts, checked by pg/schema.test.ts), so rows copy column for column; both stores are
// first brought to this sagezero's version. Values travel as statement parameters, never as SQL text.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { MIGRATIONS } from '../migrations.js';
import { pgSchemaVersion } from '../pg/migrate.js';
import { pgText } from '../pg/text.js';
import { pgTransaction } from '../pg/transaction.js';

/** Not copied: the lease belongs to the processes of the old store, and the migration record to each backend. */
export const NOT_COPIED = ['schema_migrations', 'leases'] as const;

export interface TableCopy {
  table: string;
  source: number;
  copied: number;
}

export class StoreCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreCopyError';
  }
}

const LATEST_VERSION = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);

/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMS = 60_000;

/** The tables to copy, in the source's creation order, with their columns. */
function sourceTables(db: Database.Database): { table: string; columns: string[] }[] {
  const names = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`,
      )
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((n) => !(NOT_COPIED as readonly string[]).includes(n));
  return names.map((table) => ({
    table,
    columns: (
      db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[]
    ).map((c) => c.name),
  }));
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Copies every table of `db` into the database behind `pool`, whose tables must all be empty.
 * Returns the counts per table; throws StoreCopyError (nothing committed) on any difference.
 */
export async function copySqliteToPg(
  db: Database.Database,
  pool: pg.Pool,
  onTable: (c: TableCopy) => void = () => undefined,
): Promise<TableCopy[]> {
  const sourceVersion = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number })
    .v;
  const targetVersion = await pgSchemaVersion(pool);
  if (sourceVersion !== LATEST_VERSION || targetVersion !== LATEST_VERSION) {
    throw new StoreCopyError(
      `schema versions differ (source ${sourceVersion}, target ${targetVersion}, this sagezero ${LATEST_VERSION}); open both with this sagezero first`,
    );
  }
  const tables = sourceTables(db);
  return pgTransaction(pool, async (client) => {
    for (const { table } of tables) {
      const r = await client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${ident(table)}`);
      const n = r.rows[0]?.n ?? 0;
      if (n > 0)
        throw new StoreCopyError(
          `the target already has ${n} row(s) in ${table}; store migrate copies into an empty store only`,
        );
    }
    const out: TableCopy[] = [];
    for (const { table, columns } of tables) {
      const source = (db.prepare(`SELECT count(*) AS n FROM ${ident(table)}`).get() as { n: number }).n;
      const perBatch = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      const insertHead = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES `;
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map(
          (_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`,
        );
        await client.query(insertHead + values.join(', '), batch.flat());
        batch = [];
      };
      const rows = db
        .prepare(`SELECT ${columns.map(ident).join(', ')} FROM ${ident(table)}`)
        .raw(true)
        .iterate() as IterableIterator<unknown[]>;
      for (const row of rows) {
        batch.push(
          row.map((v) => (typeof v === 'string' ? pgText(v) : typeof v === 'bigint' ? Number(v) : v)),
        );
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      // Identity columns go on from the highest copied id, so new rows do not collide with old ones.
      const seq = await client.query<{ s: string | null }>(
        `SELECT pg_get_serial_sequence($1::text, 'id') AS s
         FROM information_schema.columns WHERE table_name = $1::text AND column_name = 'id' AND is_identity = 'YES'`,
        [table],
      );
      const sequence = seq.rows[0]?.s;
      if (sequence) {
        await client.query(`SELECT setval($1::regclass, max(id)) FROM ${ident(table)} HAVING count(*) > 0`, [
          sequence,
        ]);
      }
      const r = await client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${ident(table)}`);
      const copy = { table, source, copied: r.rows[0]?.n ?? 0 };
      out.push(copy);
      onTable(copy);
      if (copy.copied !== copy.source) {
        throw new StoreCopyError(
          `${table}: ${copy.source} row(s) in the source, ${copy.copied} on the target; nothing was committed`,
        );
      }
    }
    return out;
  });
}
