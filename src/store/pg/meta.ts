// PostgreSQL implementation of src/store/meta.ts; the same rows and answers as sqlite/meta.ts.
import type { MetaRepo } from '../meta.js';
import { metaJson, metaNumber } from '../rows/meta.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

const SET = `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

// Keys in byte order, as SQLite's BINARY collation sorts them.
const LIST = `SELECT key, value, updated_at AS "updatedAt" FROM meta WHERE starts_with(key, $1) ORDER BY key COLLATE "C"`;

export function metaRepo(db: PgDb): MetaRepo {
  const repo: MetaRepo = {
    async get(key) {
      return (await db.query<{ value: string }>(`SELECT value FROM meta WHERE key = $1`, [key])).rows[0]
        ?.value;
    },
    async set(key, value, at) {
      await db.query(SET, [key, pgText(value), at]);
    },
    getNumber: async (key) => metaNumber(await repo.get(key)),
    getJson: async <T>(key: string) => metaJson<T>(await repo.get(key)),
    setJson: (key, value, at) => repo.set(key, JSON.stringify(value), at),
    async delete(key) {
      await db.query(`DELETE FROM meta WHERE key = $1`, [key]);
    },
    async list(prefix) {
      return (await db.query<{ key: string; value: string; updatedAt: number }>(LIST, [prefix])).rows;
    },
  };
  return repo;
}
