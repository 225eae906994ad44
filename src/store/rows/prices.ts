// The prices row, as both backends read and write it.
import type { StoredPrice, StoredPriceSource } from '../prices.js';
import type { SqlValue } from './values.js';

export interface PriceRow {
  region: string;
  instance_type: string;
  usd_per_hour: number;
  source: StoredPriceSource;
  detail: string;
  fetched_at: number;
}

export function priceFromRow(r: PriceRow): StoredPrice {
  return {
    region: r.region,
    instanceType: r.instance_type,
    usdPerHour: r.usd_per_hour,
    source: r.source,
    detail: r.detail,
    fetchedAt: r.fetched_at,
  };
}

/** Every column but the id, in the order of priceValues. */
export const PRICE_COLUMNS = 'region, instance_type, usd_per_hour, source, detail, fetched_at';

/** Refuses a price no cost can be computed from, before either backend stores it. */
export function priceValues(p: StoredPrice): SqlValue[] {
  if (!(Number.isFinite(p.usdPerHour) && p.usdPerHour >= 0))
    throw new RangeError(`bad price ${p.usdPerHour}`);
  return [p.region, p.instanceType, p.usdPerHour, p.source, p.detail, p.fetchedAt];
}
