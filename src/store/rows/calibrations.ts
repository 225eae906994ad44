// The calibration_fits row, as both backends read and write it.
import type { StoredCalibration } from '../calibrations.js';
import type { SqlValue } from './values.js';

export interface CalibrationRow {
  endpoint: string;
  made_at: number;
  fit_json: string;
  agrees: number;
}

export function calibrationFromRow<T>(r: CalibrationRow): StoredCalibration<T> {
  return {
    endpoint: r.endpoint,
    madeAt: r.made_at,
    fit: JSON.parse(r.fit_json) as T,
    agrees: r.agrees === 1,
  };
}

/** Every column but the id, in the order of calibrationValues. */
export const CALIBRATION_COLUMNS = 'endpoint, made_at, fit_json, agrees';

// No text hook: JSON.stringify writes a NUL in a string as \u0000, which PostgreSQL's TEXT holds.
export function calibrationValues(c: StoredCalibration): SqlValue[] {
  return [c.endpoint, c.madeAt, JSON.stringify(c.fit), c.agrees ? 1 : 0];
}
