// Calibration fits (store schema version 7): per endpoint, what `sagezero calibrate` fitted from the
// endpoint's own history (boot distribution, alarm delay) and whether its prediction agreed with what
// was observed. The fit is kept as JSON (its shape belongs to src/calibrate/); the newest row per
// endpoint is the one the tuner and `simulate` use. This repo is built on demand from the store's
// database (`calibrationRepo(store.db)`).
import type Database from 'better-sqlite3';

export interface StoredCalibration<T = unknown> {
  endpoint: string;
  /** When the fit was made (the store's clock: virtual time on cloud: sim). */
  madeAt: number;
  fit: T;
  agrees: boolean;
}

export interface CalibrationRepo {
  save<T>(c: StoredCalibration<T>): void;
  /** The newest fit of an endpoint (by madeAt, then insertion), if any. */
  latest<T>(endpoint: string): StoredCalibration<T> | undefined;
  /** Every fit of an endpoint, oldest first. */
  all<T>(endpoint: string): StoredCalibration<T>[];
}

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

export function calibrationRepo(db: Database.Database): CalibrationRepo {
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
