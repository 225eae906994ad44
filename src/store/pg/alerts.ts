// PostgreSQL implementation of src/store/alerts.ts; the same rows and answers as sqlite/alerts.ts.
import type { AlertRecord, AlertRepo, AlertStateValue } from '../alerts.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

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

// SQLite's INSERT OR REPLACE: every column of the row is the new record's.
const SAVE = `INSERT INTO alerts (key, endpoint, rule, state, first_fired_at, last_fired_at, last_notified_at,
    resolved_at, summary)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
      await db.query(SAVE, [
        a.key,
        a.endpoint ?? null,
        a.rule,
        a.state,
        a.firstFiredAt,
        a.lastFiredAt,
        a.lastNotifiedAt ?? null,
        a.resolvedAt ?? null,
        pgText(a.summary),
      ]);
    },
    // Ties by key, so replicas agree (SQLite leaves them in rowid order).
    firing: () =>
      list(`SELECT * FROM alerts WHERE state = 'firing' ORDER BY first_fired_at, key COLLATE "C"`),
    // Byte order, as SQLite's BINARY collation, whatever the database's locale.
    all: () => list(`SELECT * FROM alerts ORDER BY key COLLATE "C"`),
  };
}
