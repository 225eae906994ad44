// SQLite implementation of src/store/activities.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ActivityRepo, StoredActivity } from '../activities.js';
import type { SyncOf } from './serial.js';

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

export function activityRepo(db: Database.Database): SyncOf<ActivityRepo> {
  const exists = db.prepare(`SELECT 1 FROM scaling_activities WHERE activity_id = ?`);
  const upsert = db.prepare(
    `INSERT INTO scaling_activities
       (activity_id, endpoint, variant, start_time, end_time, status, description, cause, desired_count)
     VALUES (@activityId, @endpoint, @variant, @startTime, @endTime, @status, @description, @cause, @desiredCount)
     ON CONFLICT (activity_id) DO UPDATE SET end_time = excluded.end_time, status = excluded.status,
       description = excluded.description, cause = excluded.cause, desired_count = excluded.desired_count`,
  );
  const get = db.prepare(`SELECT * FROM scaling_activities WHERE activity_id = ?`);
  // Ties by id, not by the rowid's insertion order, which the PostgreSQL store has no column for.
  const between = db.prepare(
    `SELECT * FROM scaling_activities WHERE endpoint = ? AND start_time >= ? AND start_time <= ?
     ORDER BY start_time, activity_id`,
  );
  return {
    upsert(a) {
      const isNew = exists.get(a.activityId) === undefined;
      upsert.run({ ...a, endTime: a.endTime ?? null, desiredCount: a.desiredCount ?? null });
      return isNew;
    },
    get(id) {
      const r = get.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    between(endpoint, from, to) {
      return (between.all(endpoint, from, to) as Row[]).map(fromRow);
    },
  };
}
