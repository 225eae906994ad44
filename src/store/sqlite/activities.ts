// SQLite implementation of src/store/activities.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { ActivityRepo } from '../activities.js';
import {
  ACTIVITY_COLUMNS,
  activityFromRow as fromRow,
  activityValues,
  type ActivityRow as Row,
} from '../rows/activities.js';
import { keepText } from '../rows/values.js';
import type { SyncOf } from './serial.js';

export function activityRepo(db: Database.Database): SyncOf<ActivityRepo> {
  const exists = db.prepare(`SELECT 1 FROM scaling_activities WHERE activity_id = ?`);
  const upsert = db.prepare(
    `INSERT INTO scaling_activities (${ACTIVITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
      upsert.run(...activityValues(a, keepText));
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
