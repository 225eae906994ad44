// SQLite implementation of src/store/controllers.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ControllerRepo } from '../controllers.js';
import { controllerFromRow as fromRow, lastErrorOf, type ControllerRow as Row } from '../rows/controllers.js';
import type { SyncOf } from './serial.js';

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
    error: (c, at, message) => void err.run(c, at, lastErrorOf(message)),
    get(c) {
      const r = get.get(c) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    all: () => (all.all() as Row[]).map(fromRow),
  };
}
