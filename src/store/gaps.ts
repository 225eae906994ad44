// Telemetry gaps: stretches when an endpoint went unpolled, and how much history backfill recovered
// for it. One row per endpoint and gap start (migration 4): endpoints polled together share a start,
// and each keeps its own end and count.
import type Database from 'better-sqlite3';

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
  record(gap: TelemetryGap): void;
  /** Gaps overlapping [from, to), by start, then endpoint (the all-endpoints row first). */
  overlapping(from: number, to: number): StoredGap[];
}

export function gapRepo(db: Database.Database): GapRepo {
  const record = db.prepare(
    `INSERT INTO telemetry_gaps (endpoint, start_at, end_at, backfilled_transitions) VALUES (?, ?, ?, ?)
     ON CONFLICT (endpoint, start_at) DO UPDATE
       SET end_at = excluded.end_at, backfilled_transitions = excluded.backfilled_transitions`,
  );
  const overlapping = db.prepare(
    `SELECT endpoint, start_at AS start, end_at AS end, backfilled_transitions AS backfilledTransitions
     FROM telemetry_gaps WHERE start_at < ? AND end_at > ? ORDER BY start_at, endpoint`,
  );
  return {
    record: (g) => void record.run(g.endpoint, g.start, g.end, g.backfilledTransitions),
    overlapping: (from, to) => overlapping.all(to, from) as StoredGap[],
  };
}
