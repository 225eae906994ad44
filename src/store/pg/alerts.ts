// PostgreSQL implementation of src/store/alerts.ts; the same rows and answers as sqlite/alerts.ts.
import type { AlertRepo } from '../alerts.js';
import { ALERT_COLUMNS, alertFromRow as fromRow, alertValues, type AlertRow as Row } from '../rows/alerts.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

// SQLite's INSERT OR REPLACE: every column of the row is the new record's.
const SAVE = `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (key) DO UPDATE SET endpoint = excluded.endpoint, rule = excluded.rule, state = excluded.state,
    first_fired_at = excluded.first_fired_at, last_fired_at = excluded.last_fired_at,
    last_notified_at = excluded.last_notified_at, resolved_at = excluded.resolved_at, summary = excluded.summary`;

export function alertRepo(db: PgDb): AlertRepo {
  const list = async (sql: string, params: unknown[] = []) =>
    (await db.query<Row>(sql, params)).rows.map(fromRow);
  return {
    async get(key) {
      return (await list(`SELECT * FROM alerts WHERE key = $1`, [key]))[0];
    },
    async save(a) {
      await db.query(SAVE, alertValues(a, pgText));
    },
    // Ties by key, so replicas agree (SQLite leaves them in rowid order).
    firing: () =>
      list(`SELECT * FROM alerts WHERE state = 'firing' ORDER BY first_fired_at, key COLLATE "C"`),
    // Byte order, as SQLite's BINARY collation, whatever the database's locale.
    all: () => list(`SELECT * FROM alerts ORDER BY key COLLATE "C"`),
  };
}
