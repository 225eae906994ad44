// PostgreSQL implementation of src/store/activities.ts; the same rows and answers as sqlite/activities.ts.
import type { ActivityRepo } from '../activities.js';
import {
  ACTIVITY_COLUMNS as COLUMNS,
  activityFromRow as fromRow,
  activityValues,
  type ActivityRow as Row,
} from '../rows/activities.js';
import { ceilBound, floorBound } from './bounds.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

// Whether the row was new, in the same statement: the CTE reads the table as it was before the
// insert. The refresh keeps the endpoint, variant and start time the activity was first seen with.
const UPSERT = `WITH prior AS (SELECT 1 FROM scaling_activities WHERE activity_id = $1)
  INSERT INTO scaling_activities (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (activity_id) DO UPDATE SET end_time = excluded.end_time, status = excluded.status,
    description = excluded.description, cause = excluded.cause, desired_count = excluded.desired_count
  RETURNING NOT EXISTS (SELECT 1 FROM prior) AS is_new`;

export function activityRepo(db: PgDb): ActivityRepo {
  return {
    async upsert(a) {
      const r = await db.query<{ is_new: boolean }>(UPSERT, activityValues(a, pgText));
      return r.rows[0]!.is_new;
    },
    async get(id) {
      const r = await db.query<Row>(`SELECT ${COLUMNS} FROM scaling_activities WHERE activity_id = $1`, [id]);
      return r.rows[0] ? fromRow(r.rows[0]) : undefined;
    },
    async between(endpoint, from, to) {
      // Ties by id (byte order) on both backends: there is no insertion order to fall back on here.
      const r = await db.query<Row>(
        `SELECT ${COLUMNS} FROM scaling_activities WHERE endpoint = $1 AND start_time >= $2 AND start_time <= $3
         ORDER BY start_time, activity_id COLLATE "C"`,
        [endpoint, ceilBound(from), floorBound(to)],
      );
      return r.rows.map(fromRow);
    },
  };
}
