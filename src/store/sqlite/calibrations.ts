// SQLite implementation of src/store/calibrations.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { CalibrationRepo, StoredCalibration } from '../calibrations.js';
import {
  CALIBRATION_COLUMNS,
  calibrationFromRow as fromRow,
  calibrationValues,
  type CalibrationRow as Row,
} from '../rows/calibrations.js';
import type { SyncOf } from './serial.js';

export function calibrationRepo(db: Database.Database): SyncOf<CalibrationRepo> {
  const insert = db.prepare(`INSERT INTO calibration_fits (${CALIBRATION_COLUMNS}) VALUES (?, ?, ?, ?)`);
  const latest = db.prepare(
    `SELECT * FROM calibration_fits WHERE endpoint = ? ORDER BY made_at DESC, id DESC LIMIT 1`,
  );
  const all = db.prepare(`SELECT * FROM calibration_fits WHERE endpoint = ? ORDER BY made_at, id`);
  const newest = <T>(endpoint: string): StoredCalibration<T> | undefined => {
    const r = latest.get(endpoint) as Row | undefined;
    return r ? fromRow<T>(r) : undefined;
  };
  return {
    save(c) {
      insert.run(...calibrationValues(c));
    },
    latest: newest,
    latestOf<T>(endpoints: readonly string[]) {
      const out = new Map<string, StoredCalibration<T>>();
      for (const e of endpoints) {
        const c = newest<T>(e);
        if (c) out.set(e, c);
      }
      return out;
    },
    all<T>(endpoint: string) {
      return (all.all(endpoint) as Row[]).map((r) => fromRow<T>(r));
    },
  };
}
