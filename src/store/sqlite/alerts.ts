// SQLite implementation of src/store/alerts.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { AlertRepo } from '../alerts.js';
import { ALERT_COLUMNS, alertFromRow as fromRow, alertValues, type AlertRow as Row } from '../rows/alerts.js';
import { keepText } from '../rows/values.js';
import type { SyncOf } from './serial.js';

export function alertRepo(db: Database.Database): SyncOf<AlertRepo> {
  const get = db.prepare(`SELECT * FROM alerts WHERE key = ?`);
  const save = db.prepare(
    `INSERT OR REPLACE INTO alerts (${ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const firing = db.prepare(`SELECT * FROM alerts WHERE state = 'firing' ORDER BY first_fired_at`);
  const all = db.prepare(`SELECT * FROM alerts ORDER BY key`);
  return {
    get(key) {
      const r = get.get(key) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    save(a) {
      save.run(...alertValues(a, keepText));
    },
    firing: () => (firing.all() as Row[]).map(fromRow),
    all: () => (all.all() as Row[]).map(fromRow),
  };
}
