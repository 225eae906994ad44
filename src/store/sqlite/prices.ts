// SQLite implementation of src/store/prices.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { PriceRepo, StoredPrice, StoredPriceSource } from '../prices.js';
import type { SyncOf } from './serial.js';

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

export function priceRepo(db: Database.Database): SyncOf<PriceRepo> {
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
