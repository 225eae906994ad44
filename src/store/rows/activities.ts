// The scaling_activities row, as both backends read and write it.
import type { StoredActivity } from '../activities.js';
import type { SqlValue, StoreText } from './values.js';

export interface ActivityRow {
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

export function activityFromRow(r: ActivityRow): StoredActivity {
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

/** Every column, in the order of activityValues. */
export const ACTIVITY_COLUMNS =
  'activity_id, endpoint, variant, start_time, end_time, status, description, cause, desired_count';

/** Status, description and cause are the free text: what the autoscaling service wrote. */
export function activityValues(a: StoredActivity, text: StoreText): SqlValue[] {
  return [
    a.activityId,
    a.endpoint,
    a.variant,
    a.startTime,
    a.endTime ?? null,
    text(a.status),
    text(a.description),
    text(a.cause),
    a.desiredCount ?? null,
  ];
}
