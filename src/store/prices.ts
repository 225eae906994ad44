// Hourly prices as fetched from the Pricing API (a history: a price change applies from its time).

export type StoredPriceSource = 'api' | 'table' | 'override';

export interface StoredPrice {
  region: string;
  instanceType: string;
  usdPerHour: number;
  source: StoredPriceSource;
  /** Where the number came from (usage type, table row source), for the report. */
  detail: string;
  fetchedAt: number;
}

export interface PriceRepo {
  insert(p: StoredPrice): Promise<void>;
  /** The most recent price of that source, if any. */
  latest(region: string, instanceType: string, source: StoredPriceSource): Promise<StoredPrice | undefined>;
  /** Every stored price of that source, oldest first. */
  history(region: string, instanceType: string, source: StoredPriceSource): Promise<StoredPrice[]>;
}
