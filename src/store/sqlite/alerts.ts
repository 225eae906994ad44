// SQLite implementation of src/store/alerts.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { AlertRecord, AlertRepo, AlertStateValue } from '../alerts.js';
import type { SyncOf } from './serial.js';

interface Row {
  key: string;
  endpoint: string | null;
  rule: string;
  state: AlertStateValue;
  first_fired_at: number;
  last_fired_at: number;
  last_notified_at: number | null;
  resolved_at: number | null;
  summary: string;
}

function fromRow(r: Row): AlertRecord {
  const a: AlertRecord = {
    key: r.key,
    rule: r.rule,
    state: r.state,
    firstFiredAt: r.first_fired_at,
    lastFiredAt: r.last_fired_at,
    summary: r.summary,
  };
  if (r.endpoint !== null) a.endpoint = r.endpoint;
  if (r.last_notified_at !== null) a.lastNotifiedAt = r.last_notified_at;
  if (r.resolved_at !== null) a.resolvedAt = r.resolved_at;
  return a;
}

export function alertRepo(db: Database.Database): SyncOf<AlertRepo> {
  const get = db.prepare(`SELECT * FROM alerts WHERE key = ?`);
  const save = db.prepare(
    `INSERT OR REPLACE INTO alerts (key, endpoint, rule, state, first_fired_at, last_fired_at, last_notified_at,
       resolved_at, summary)
     VALUES (@key, @endpoint, @rule, @state, @firstFiredAt, @lastFiredAt, @lastNotifiedAt, @resolvedAt, @summary)`,
  );
  const firing = db.prepare(`SELECT * FROM alerts WHERE state = 'firing' ORDER BY first_fired_at`);
  const all = db.prepare(`SELECT * FROM alerts ORDER BY key`);
  return {
    get(key) {
      const r = get.get(key) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    save(a) {
      save.run({
        ...a,
        endpoint: a.endpoint ?? null,
        lastNotifiedAt: a.lastNotifiedAt ?? null,
        resolvedAt: a.resolvedAt ?? null,
      });
    },
    firing: () => (firing.all() as Row[]).map(fromRow),
    all: () => (all.all() as Row[]).map(fromRow),
  };
}
