// SQLite implementation of src/store/calibrations.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { CalibrationRepo, StoredCalibration } from '../calibrations.js';
import type { SyncOf } from './serial.js';

interface Row {
  endpoint: string;
  made_at: number;
  fit_json: string;
  agrees: number;
}

function fromRow<T>(r: Row): StoredCalibration<T> {
  return {
    endpoint: r.endpoint,
    madeAt: r.made_at,
    fit: JSON.parse(r.fit_json) as T,
    agrees: r.agrees === 1,
  };
}

export function calibrationRepo(db: Database.Database): SyncOf<CalibrationRepo> {
  const insert = db.prepare(
    `INSERT INTO calibration_fits (endpoint, made_at, fit_json, agrees) VALUES (?, ?, ?, ?)`,
  );
  const latest = db.prepare(
    `SELECT * FROM calibration_fits WHERE endpoint = ? ORDER BY made_at DESC, id DESC LIMIT 1`,
  );
  const all = db.prepare(`SELECT * FROM calibration_fits WHERE endpoint = ? ORDER BY made_at, id`);
  return {
    save(c) {
      insert.run(c.endpoint, c.madeAt, JSON.stringify(c.fit), c.agrees ? 1 : 0);
    },
    latest<T>(endpoint: string) {
      const r = latest.get(endpoint) as Row | undefined;
      return r ? fromRow<T>(r) : undefined;
    },
    all<T>(endpoint: string) {
      return (all.all(endpoint) as Row[]).map((r) => fromRow<T>(r));
    },
  };
}
