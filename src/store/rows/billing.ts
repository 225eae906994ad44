// The billing_days row, as both backends read and write it. (billing_rows are written differently:
// one statement per row on SQLite, one per day on PostgreSQL.)
import type { StoredBillingDay } from '../billing.js';
import type { SqlValue } from './values.js';

export interface BillingDayRow {
  day: string;
  source: string;
  fetched_at: number;
  estimated: number;
  final: number;
}

export function billingDayFromRow(r: BillingDayRow): StoredBillingDay {
  return {
    day: r.day,
    source: r.source,
    fetchedAt: r.fetched_at,
    estimated: r.estimated === 1,
    final: r.final === 1,
  };
}

/** Every column, in the order of billingDayValues. */
export const BILLING_DAY_COLUMNS = 'day, source, fetched_at, estimated, final';

export function billingDayValues(d: StoredBillingDay): SqlValue[] {
  return [d.day, d.source, d.fetchedAt, d.estimated ? 1 : 0, d.final ? 1 : 0];
}
