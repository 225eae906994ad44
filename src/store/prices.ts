// Hourly prices as fetched from the Pricing API (a history: a price change applies from its time).
import type Database from 'better-sqlite3';

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
  insert(p: StoredPrice): void;
  /** The most recent price of that source, if any. */
  latest(region: string, instanceType: string, source: StoredPriceSource): StoredPrice | undefined;
  /** Every stored price of that source, oldest first. */
  history(region: string, instanceType: string, source: StoredPriceSource): StoredPrice[];
}

interface Row {
  region: string;
  instance_type: string;
  usd_per_hour: number;
  source: StoredPriceSource;
  detail: string;
  fetched_at: number;
}

function fromRow(r: Row): StoredPrice {
  return {
    region: r.region,
    instanceType: r.instance_type,
    usdPerHour: r.usd_per_hour,
    source: r.source,
    detail: r.detail,
    fetchedAt: r.fetched_at,
  };
}

export function priceRepo(db: Database.Database): PriceRepo {
  const insert = db.prepare(
    `INSERT INTO prices (region, instance_type, usd_per_hour, source, detail, fetched_at)
     VALUES (@region, @instanceType, @usdPerHour, @source, @detail, @fetchedAt)`,
  );
  const latest = db.prepare(
    `SELECT * FROM prices WHERE region = ? AND instance_type = ? AND source = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`,
  );
  const history = db.prepare(
    `SELECT * FROM prices WHERE region = ? AND instance_type = ? AND source = ? ORDER BY fetched_at, id`,
  );
  return {
    insert(p) {
      if (!(Number.isFinite(p.usdPerHour) && p.usdPerHour >= 0))
        throw new RangeError(`bad price ${p.usdPerHour}`);
      insert.run(p);
    },
    latest(region, type, source) {
      const r = latest.get(region, type, source) as Row | undefined;
      return r ? fromRow(r) : undefined;
    },
    history(region, type, source) {
      return (history.all(region, type, source) as Row[]).map(fromRow);
    },
  };
}
