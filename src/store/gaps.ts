// Telemetry gaps: stretches when nothing polled, and how much history backfill recovered for them.
import type Database from 'better-sqlite3';

export interface TelemetryGap {
  start: number;
  end: number;
  backfilledTransitions: number;
}

export interface GapRepo {
  record(gap: TelemetryGap): void;
  /** Gaps overlapping [from, to), oldest first. */
  overlapping(from: number, to: number): TelemetryGap[];
}

export function gapRepo(db: Database.Database): GapRepo {
  const record = db.prepare(
    `INSERT INTO telemetry_gaps (start_at, end_at, backfilled_transitions) VALUES (?, ?, ?)
     ON CONFLICT (start_at) DO UPDATE SET end_at = excluded.end_at, backfilled_transitions = excluded.backfilled_transitions`,
  );
  const overlapping = db.prepare(
    `SELECT start_at AS start, end_at AS end, backfilled_transitions AS backfilledTransitions FROM telemetry_gaps
     WHERE start_at < ? AND end_at > ? ORDER BY start_at`,
  );
  return {
    record: (g) => void record.run(g.start, g.end, g.backfilledTransitions),
    overlapping: (from, to) => overlapping.all(to, from) as TelemetryGap[],
  };
}
