// Cache of resolved JumpStart model specs (keyed by model id and version).
import type Database from 'better-sqlite3';

export interface SpecCacheEntry {
  key: string;
  json: string;
  fetchedAt: number;
}

export interface SpecCacheRepo {
  get(key: string): SpecCacheEntry | undefined;
  put(entry: SpecCacheEntry): void;
  delete(key: string): void;
}

export function specCacheRepo(db: Database.Database): SpecCacheRepo {
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
