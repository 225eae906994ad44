// PostgreSQL implementation of src/store/activities.ts; the same rows and answers as sqlite/activities.ts.
import type { ActivityRepo, StoredActivity } from '../activities.js';
import { ceilBound, floorBound } from './bounds.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

interface Row {
  activity_id: string;
  endpoint: string;
  variant: string;
  start_time: number;
  end_time: number | null;
  status: string;
  description: string;
  cause: string;
  desired_count: number | null;
}

function fromRow(r: Row): StoredActivity {
  const a: StoredActivity = {
    activityId: r.activity_id,
    endpoint: r.endpoint,
    variant: r.variant,
    startTime: r.start_time,
    status: r.status,
    description: r.description,
    cause: r.cause,
  };
  if (r.end_time !== null) a.endTime = r.end_time;
  if (r.desired_count !== null) a.desiredCount = r.desired_count;
  return a;
}

const COLUMNS =
  'activity_id, endpoint, variant, start_time, end_time, status, description, cause, desired_count';

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
      const r = await db.query<{ is_new: boolean }>(UPSERT, [
        a.activityId,
        a.endpoint,
        a.variant,
        a.startTime,
        a.endTime ?? null,
        pgText(a.status),
        pgText(a.description),
        pgText(a.cause),
        a.desiredCount ?? null,
      ]);
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
