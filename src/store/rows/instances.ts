// The instance_transitions row, as both backends read and write it.
import type { InstanceSource, InstanceTransition } from '../instances.js';
import type { SqlValue } from './values.js';

export interface InstanceRow {
  endpoint: string;
  variant: string;
  at: number;
  count: number;
  source: InstanceSource;
  activity_id: string | null;
}

export function instanceFromRow(r: InstanceRow): InstanceTransition {
  const t: InstanceTransition = {
    endpoint: r.endpoint,
    variant: r.variant,
    at: r.at,
    count: r.count,
    source: r.source,
  };
  if (r.activity_id !== null) t.activityId = r.activity_id;
  return t;
}

/** Every column but the id, in the order of instanceValues. */
export const INSTANCE_COLUMNS = 'endpoint, variant, at, count, source, activity_id';

/** Refuses a count no endpoint can have, before either backend stores it. */
export function instanceValues(t: InstanceTransition): SqlValue[] {
  if (!Number.isInteger(t.count) || t.count < 0)
    throw new RangeError(`instance count must be >= 0, got ${t.count}`);
  return [t.endpoint, t.variant, t.at, t.count, t.source, t.activityId ?? null];
}
