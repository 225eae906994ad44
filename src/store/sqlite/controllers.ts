// SQLite implementation of src/store/controllers.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ControllerRepo, ControllerRun } from '../controllers.js';
import type { SyncOf } from './serial.js';

interface Row {
  controller: string;
  ok_count: number;
  error_count: number;
  consecutive_errors: number;
  last_ok_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
}

function fromRow(r: Row): ControllerRun {
  const c: ControllerRun = {
    controller: r.controller,
    okCount: r.ok_count,
    errorCount: r.error_count,
    consecutiveErrors: r.consecutive_errors,
  };
  if (r.last_ok_at !== null) c.lastOkAt = r.last_ok_at;
  if (r.last_error_at !== null) c.lastErrorAt = r.last_error_at;
  if (r.last_error !== null) c.lastError = r.last_error;
  return c;
}

export function controllerRepo(db: Database.Database): SyncOf<ControllerRepo> {
  const ok = db.prepare(
    `INSERT INTO controller_runs (controller, ok_count, consecutive_errors, last_ok_at) VALUES (?, 1, 0, ?)
     ON CONFLICT (controller) DO UPDATE SET ok_count = ok_count + 1, consecutive_errors = 0, last_ok_at = excluded.last_ok_at`,
  );
  const err = db.prepare(
    `INSERT INTO controller_runs (controller, error_count, consecutive_errors, last_error_at, last_error)
     VALUES (?, 1, 1, ?, ?)
     ON CONFLICT (controller) DO UPDATE SET error_count = error_count + 1, consecutive_errors = consecutive_errors + 1,
       last_error_at = excluded.last_error_at, last_error = excluded.last_error`,
  );
  const get = db.prepare(`SELECT * FROM controller_runs WHERE controller = ?`);
  const all = db.prepare(`SELECT * FROM controller_runs ORDER BY controller`);
  return {
    ok: (c, at) => void ok.run(c, at),
    error: (c, at, message) => void err.run(c, at, message.slice(0, 2000)),
    get(c) {
      const r = get.get(c) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    all: () => (all.all() as Row[]).map(fromRow),
  };
}
