// SQLite implementation of src/store/meta.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { MetaRepo } from '../meta.js';
import { metaJson, metaNumber } from '../rows/meta.js';
import type { SyncOf } from './serial.js';

export function metaRepo(db: Database.Database): SyncOf<MetaRepo> {
  const get = db.prepare(`SELECT value FROM meta WHERE key = ?`);
  const set = db.prepare(
    `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const del = db.prepare(`DELETE FROM meta WHERE key = ?`);
  const list = db.prepare(
    `SELECT key, value, updated_at AS updatedAt FROM meta WHERE substr(key, 1, length(?)) = ? ORDER BY key`,
  );
  const repo: SyncOf<MetaRepo> = {
    get: (key) => (get.get(key) as { value: string } | undefined)?.value,
    set: (key, value, at) => void set.run(key, value, at),
    getNumber: (key) => metaNumber(repo.get(key)),
    getJson: <T>(key: string) => metaJson<T>(repo.get(key)),
    setJson: (key, value, at) => repo.set(key, JSON.stringify(value), at),
    delete: (key) => void del.run(key),
    list: (prefix) => list.all(prefix, prefix) as { key: string; value: string; updatedAt: number }[],
  };
  return repo;
}
