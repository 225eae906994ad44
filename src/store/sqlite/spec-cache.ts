// SQLite implementation of src/store/spec-cache.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { SpecCacheEntry, SpecCacheRepo } from '../spec-cache.js';
import type { SyncOf } from './serial.js';

export function specCacheRepo(db: Database.Database): SyncOf<SpecCacheRepo> {
  const get = db.prepare(`SELECT key, json, fetched_at AS fetchedAt FROM jumpstart_spec_cache WHERE key = ?`);
  const put = db.prepare(
    `INSERT INTO jumpstart_spec_cache (key, json, fetched_at) VALUES (@key, @json, @fetchedAt)
     ON CONFLICT (key) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at`,
  );
  const del = db.prepare(`DELETE FROM jumpstart_spec_cache WHERE key = ?`);
  return {
    get: (key) => get.get(key) as SpecCacheEntry | undefined,
    put: (entry) => void put.run(entry),
    delete: (key) => void del.run(key),
  };
}
