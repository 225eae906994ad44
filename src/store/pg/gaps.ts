// PostgreSQL implementation of src/store/gaps.ts; the same rows and answers as sqlite/gaps.ts.
import type { GapRepo, StoredGap } from '../gaps.js';
import { ceilBound, floorBound } from './bounds.js';
import type { PgDb } from './db.js';

const RECORD = `INSERT INTO telemetry_gaps (endpoint, start_at, end_at, backfilled_transitions) VALUES ($1, $2, $3, $4)
  ON CONFLICT (endpoint, start_at) DO UPDATE
    SET end_at = excluded.end_at, backfilled_transitions = excluded.backfilled_transitions`;

// SQLite sorts NULL first and text by bytes; PostgreSQL's defaults are NULL last and the database's
// collation.
const OVERLAPPING = `SELECT endpoint, start_at AS start, end_at AS end, backfilled_transitions AS "backfilledTransitions"
  FROM telemetry_gaps WHERE start_at < $1 AND end_at > $2 ORDER BY start_at, endpoint COLLATE "C" NULLS FIRST`;

export function gapRepo(db: PgDb): GapRepo {
  return {
    async record(g) {
      await db.query(RECORD, [g.endpoint, g.start, g.end, g.backfilledTransitions]);
    },
    async overlapping(from, to) {
      return (await db.query<StoredGap>(OVERLAPPING, [ceilBound(to), floorBound(from)])).rows;
    },
  };
}
