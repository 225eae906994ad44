// Calibration fits (store schema version 7): per endpoint, what `sagezero calibrate` fitted from the
// endpoint's own history (boot distribution, alarm delay) and whether its prediction agreed with what
// was observed. The fit is kept as JSON (its shape belongs to src/calibrate/); the newest row per
// endpoint is the one the tuner and `simulate` use.

export interface StoredCalibration<T = unknown> {
  endpoint: string;
  /** When the fit was made (the store's clock: virtual time on cloud: sim). */
  madeAt: number;
  fit: T;
  agrees: boolean;
}

export interface CalibrationRepo {
  save<T>(c: StoredCalibration<T>): Promise<void>;
  /** The newest fit of an endpoint (by madeAt, then insertion), if any. */
  latest<T>(endpoint: string): Promise<StoredCalibration<T> | undefined>;
  /**
   * The newest fit of each of these endpoints that has one, in one read: the cost report asks for
   * every endpoint, and on PostgreSQL a round trip each was a tenth of the report's time.
   */
  latestOf<T>(endpoints: readonly string[]): Promise<Map<string, StoredCalibration<T>>>;
  /** Every fit of an endpoint, oldest first. */
  all<T>(endpoint: string): Promise<StoredCalibration<T>[]>;
}
