// The alerts row, as both backends read and write it.
import type { AlertRecord, AlertStateValue } from '../alerts.js';
import type { SqlValue, StoreText } from './values.js';

export interface AlertRow {
  key: string;
  endpoint: string | null;
  rule: string;
  state: AlertStateValue;
  first_fired_at: number;
  last_fired_at: number;
  last_notified_at: number | null;
  resolved_at: number | null;
  summary: string;
}

export function alertFromRow(r: AlertRow): AlertRecord {
  const a: AlertRecord = {
    key: r.key,
    rule: r.rule,
    state: r.state,
    firstFiredAt: r.first_fired_at,
    lastFiredAt: r.last_fired_at,
    summary: r.summary,
  };
  if (r.endpoint !== null) a.endpoint = r.endpoint;
  if (r.last_notified_at !== null) a.lastNotifiedAt = r.last_notified_at;
  if (r.resolved_at !== null) a.resolvedAt = r.resolved_at;
  return a;
}

/** Every column, in the order of alertValues. */
export const ALERT_COLUMNS =
  'key, endpoint, rule, state, first_fired_at, last_fired_at, last_notified_at, resolved_at, summary';

/** The summary is the free text: it can quote what SageMaker reported (a failure reason). */
export function alertValues(a: AlertRecord, text: StoreText): SqlValue[] {
  return [
    a.key,
    a.endpoint ?? null,
    a.rule,
    a.state,
    a.firstFiredAt,
    a.lastFiredAt,
    a.lastNotifiedAt ?? null,
    a.resolvedAt ?? null,
    text(a.summary),
  ];
}
