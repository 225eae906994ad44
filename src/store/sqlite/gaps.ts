// SQLite implementation of src/store/gaps.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { GapRepo, StoredGap } from '../gaps.js';
import type { SyncOf } from './serial.js';

export function gapRepo(db: Database.Database): SyncOf<GapRepo> {
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
