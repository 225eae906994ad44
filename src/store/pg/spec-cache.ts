// PostgreSQL implementation of src/store/spec-cache.ts; the same rows and answers as sqlite/spec-cache.ts.
import type { SpecCacheEntry, SpecCacheRepo } from '../spec-cache.js';
import type { PgDb } from './db.js';

const PUT = `INSERT INTO jumpstart_spec_cache (key, json, fetched_at) VALUES ($1, $2, $3)
  ON CONFLICT (key) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at`;

export function specCacheRepo(db: PgDb): SpecCacheRepo {
  return {
    async get(key) {
      const r = await db.query<SpecCacheEntry>(
        `SELECT key, json, fetched_at AS "fetchedAt" FROM jumpstart_spec_cache WHERE key = $1`,
        [key],
      );
      return r.rows[0];
    },
    async put(entry) {
      await db.query(PUT, [entry.key, entry.json, entry.fetchedAt]);
    },
    async delete(key) {
      await db.query(`DELETE FROM jumpstart_spec_cache WHERE key = $1`, [key]);
    },
  };
}
