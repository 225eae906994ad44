// The bill cache (store schema version 9): what the billing service (Cost Explorer, or the simulated
// region) reported per day, so a report reads it without a paid request and the daemon asks again only
// for days that were not final.
import type { BillingRow } from '../cloud/billing.js';

export interface StoredBillingDay {
  day: string;
  source: string;
  fetchedAt: number;
  /** The billing service's own "may still change" flag. */
  estimated: boolean;
  /** Not fetched again (src/cost/billing-finality.ts says when). */
  final: boolean;
}

export interface BillingRepo {
  /** Replaces everything stored for `day` with `rows`. */
  saveDay(day: StoredBillingDay, rows: readonly BillingRow[]): Promise<void>;
  days(startDay: string, endDay: string): Promise<StoredBillingDay[]>;
  rows(startDay: string, endDay: string): Promise<BillingRow[]>;
}
