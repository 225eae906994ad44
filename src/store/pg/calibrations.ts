// PostgreSQL implementation of src/store/calibrations.ts; the same rows and answers as sqlite/calibrations.ts.
import type { CalibrationRepo, StoredCalibration } from '../calibrations.js';
import type { PgDb } from './db.js';

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

export function calibrationRepo(db: PgDb): CalibrationRepo {
  return {
    async save(c) {
      await db.query(
        `INSERT INTO calibration_fits (endpoint, made_at, fit_json, agrees) VALUES ($1, $2, $3, $4)`,
        [c.endpoint, c.madeAt, JSON.stringify(c.fit), c.agrees ? 1 : 0],
      );
    },
    async latest<T>(endpoint: string) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM calibration_fits WHERE endpoint = $1 ORDER BY made_at DESC, id DESC LIMIT 1`,
        [endpoint],
      );
      return rows[0] ? fromRow<T>(rows[0]) : undefined;
    },
    async all<T>(endpoint: string) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM calibration_fits WHERE endpoint = $1 ORDER BY made_at, id`,
        [endpoint],
      );
      return rows.map((r) => fromRow<T>(r));
    },
  };
}
