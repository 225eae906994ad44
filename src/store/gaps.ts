// Telemetry gaps: stretches when an endpoint went unpolled, and how much history backfill recovered
// for it. One row per endpoint and gap start (migration 4): endpoints polled together share a start,
// and each keeps its own end and count.

export interface TelemetryGap {
  endpoint: string;
  start: number;
  end: number;
  backfilledTransitions: number;
}

/**
 * A stored gap. `endpoint` is null only for a gap recorded before gaps were kept per endpoint
 * (schema version 4): such a row covers all endpoints, and its count is the one endpoint's that
 * wrote it last, not a sum.
 */
export interface StoredGap extends Omit<TelemetryGap, 'endpoint'> {
  endpoint: string | null;
}

export interface GapRepo {
  /** Records an endpoint's gap; the same endpoint and start again replaces its end and count. */
  record(gap: TelemetryGap): Promise<void>;
  /** Gaps overlapping [from, to), by start, then endpoint (the all-endpoints row first). */
  overlapping(from: number, to: number): Promise<StoredGap[]>;
}
