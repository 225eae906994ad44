// Alert state: one row per alert key, so repeats are suppressed and a resolve follows a fire.
import type Database from 'better-sqlite3';

export type AlertStateValue = 'firing' | 'resolved';

export interface AlertRecord {
  key: string;
  endpoint?: string;
  rule: string;
  state: AlertStateValue;
  firstFiredAt: number;
  lastFiredAt: number;
  lastNotifiedAt?: number;
  resolvedAt?: number;
  /** Short human summary of the payload last sent (never secrets). */
  summary: string;
}

export interface AlertRepo {
  get(key: string): AlertRecord | undefined;
  save(a: AlertRecord): void;
  firing(): AlertRecord[];
  all(): AlertRecord[];
}

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

export function alertRepo(db: Database.Database): AlertRepo {
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
