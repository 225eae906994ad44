// PostgreSQL implementation of src/store/calibrations.ts; the same rows and answers as sqlite/calibrations.ts.
import type { CalibrationRepo, StoredCalibration } from '../calibrations.js';
import {
  CALIBRATION_COLUMNS,
  calibrationFromRow as fromRow,
  calibrationValues,
  type CalibrationRow as Row,
} from '../rows/calibrations.js';
import type { PgDb } from './db.js';

export function calibrationRepo(db: PgDb): CalibrationRepo {
  return {
    async save(c) {
      await db.query(
        `INSERT INTO calibration_fits (${CALIBRATION_COLUMNS}) VALUES ($1, $2, $3, $4)`,
        calibrationValues(c),
      );
    },
    async latest<T>(endpoint: string) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM calibration_fits WHERE endpoint = $1 ORDER BY made_at DESC, id DESC LIMIT 1`,
        [endpoint],
      );
      return rows[0] ? fromRow<T>(rows[0]) : undefined;
    },
    async latestOf<T>(endpoints: readonly string[]) {
      const out = new Map<string, StoredCalibration<T>>();
      if (endpoints.length === 0) return out;
      const { rows } = await db.query<Row>(
        `SELECT DISTINCT ON (endpoint) * FROM calibration_fits WHERE endpoint = ANY($1::text[])
         ORDER BY endpoint, made_at DESC, id DESC`,
        [endpoints],
      );
      for (const r of rows) out.set(r.endpoint, fromRow<T>(r));
      return out;
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
