// One schema on both backends: the SQLite migrations and the PostgreSQL ones, at the same version,
// must leave the same tables, columns (order, type, nullability, default), primary keys, unique keys
// and named indexes. A new SQLite migration without its PostgreSQL twin fails here.
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { MIGRATIONS, migrate } from '../migrations.js';
import { openPgPool } from './connect.js';
import { migratePg } from './migrate.js';
import { PG_MIGRATIONS } from './migrations.js';

const SQLITE_LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}
interface Index {
  name: string;
  columns: string[];
  unique: boolean;
  partial: boolean;
}
interface Table {
  columns: Column[];
  primaryKey: string[];
  /** Unique keys declared with the table (UNIQUE (...) or a column's UNIQUE), which the backends name differently. */
  uniqueKeys: string[][];
  indexes: Index[];
}
type Schema = Record<string, Table>;

const SQLITE_TYPES: Record<string, string> = { INTEGER: 'bigint', REAL: 'double precision', TEXT: 'text' };

function sqliteSchema(): Schema {
  const db = new Database(':memory:');
  try {
    migrate(db);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const schema: Schema = {};
    for (const t of tables) {
      const cols = db.prepare(`PRAGMA table_info("${t}")`).all() as {
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }[];
      const indexList = db.prepare(`PRAGMA index_list("${t}")`).all() as {
        name: string;
        unique: number;
        origin: string;
        partial: number;
      }[];
      const indexCols = (name: string) =>
        (db.prepare(`PRAGMA index_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
      schema[t] = {
        columns: cols.map((c) => ({
          name: c.name,
          type: SQLITE_TYPES[c.type] ?? `sqlite ${c.type}`,
          // SQLite lets a primary key column hold NULL unless it is the rowid; nothing writes one.
          notNull: c.notnull === 1 || c.pk > 0,
          default: c.dflt_value,
        })),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        uniqueKeys: indexList
          .filter((i) => i.origin === 'u')
          .map((i) => indexCols(i.name))
          .sort(),
        indexes: indexList
          .filter((i) => i.origin === 'c')
          .map((i) => ({
            name: i.name,
            columns: indexCols(i.name),
            unique: i.unique === 1,
            partial: i.partial === 1,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    }
    return schema;
  } finally {
    db.close();
  }
}

async function pgSchema(p: pg.Pool): Promise<Schema> {
  const cols = await p.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const idx = await p.query<{
    table: string;
    name: string;
    columns: string[];
    unique: boolean;
    primary: boolean;
    partial: boolean;
    constraint: boolean;
  }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            x.indpred IS NOT NULL AS partial,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) AS constraint,
            ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  -- key columns only: INCLUDE columns are where values are kept, as SQLite's
                  -- WITHOUT ROWID tables keep theirs in the key's b-tree
                  WHERE k.ord <= x.indnkeyatts ORDER BY k.ord)::text[] AS columns
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'`,
  );
  const schema: Schema = {};
  for (const c of cols.rows) {
    schema[c.table_name] ??= { columns: [], primaryKey: [], uniqueKeys: [], indexes: [] };
    schema[c.table_name]!.columns.push({
      name: c.column_name,
      type: c.data_type,
      notNull: c.is_nullable === 'NO',
      // '':text -> '' and 0 -> 0, as SQLite spells them.
      default: c.column_default?.replace(/::[a-z ]+$/, '') ?? null,
    });
  }
  for (const i of idx.rows) {
    const t = schema[i.table]!;
    if (i.primary) t.primaryKey = i.columns;
    else if (i.constraint) t.uniqueKeys.push(i.columns);
    else t.indexes.push({ name: i.name, columns: i.columns, unique: i.unique, partial: i.partial });
  }
  for (const t of Object.values(schema)) {
    t.uniqueKeys.sort();
    t.indexes.sort((a, b) => a.name.localeCompare(b.name));
  }
  return schema;
}

describe('PostgreSQL migrations mirror the SQLite ones', () => {
  it('every SQLite version has a PostgreSQL version of the same number and name', () => {
    const pgByVersion = new Map(PG_MIGRATIONS.map((m) => [m.version, m.name]));
    for (const m of MIGRATIONS) {
      expect(
        pgByVersion.get(m.version),
        `SQLite migration ${m.version} (${m.name}) in src/store/pg/migrations.ts`,
      ).toBe(m.name);
    }
  });
});

const server = testPostgres();

describe.skipIf(!server.url)(`PostgreSQL schema equals SQLite's${skipNote(server)}`, () => {
  let p: pg.Pool;
  beforeAll(async () => {
    p = await openPgPool(await freshDatabase(server.url));
  });
  afterAll(async () => {
    await p.end();
  });

  it(`at SQLite's latest version (${SQLITE_LATEST}): same tables, columns, keys and indexes`, async () => {
    await migratePg(
      p,
      PG_MIGRATIONS.filter((m) => m.version <= SQLITE_LATEST),
    );
    const want = sqliteSchema();
    const got = await pgSchema(p);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const table of Object.keys(want)) expect(got[table], table).toEqual(want[table]);
  });
});
