// SQLite implementation of src/store/prices.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { PriceRepo } from '../prices.js';
import { PRICE_COLUMNS, priceFromRow as fromRow, priceValues, type PriceRow as Row } from '../rows/prices.js';
import type { SyncOf } from './serial.js';

export function priceRepo(db: Database.Database): SyncOf<PriceRepo> {
  const insert = db.prepare(`INSERT INTO prices (${PRICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
  const latest = db.prepare(
    `SELECT * FROM prices WHERE region = ? AND instance_type = ? AND source = ? ORDER BY fetched_at DESC, id DESC LIMIT 1`,
  );
  const history = db.prepare(
    `SELECT * FROM prices WHERE region = ? AND instance_type = ? AND source = ? ORDER BY fetched_at, id`,
  );
  return {
    insert(p) {
      insert.run(...priceValues(p));
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
