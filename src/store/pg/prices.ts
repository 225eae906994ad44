// PostgreSQL implementation of src/store/prices.ts; the same rows and answers as sqlite/prices.ts.
import type { PriceRepo } from '../prices.js';
import {
  PRICE_COLUMNS as COLUMNS,
  priceFromRow as fromRow,
  priceValues,
  type PriceRow as Row,
} from '../rows/prices.js';
import type { PgDb } from './db.js';

const WHERE = 'WHERE region = $1 AND instance_type = $2 AND source = $3';

export function priceRepo(db: PgDb): PriceRepo {
  return {
    async insert(p) {
      await db.query(`INSERT INTO prices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, priceValues(p));
    },
    async latest(region, type, source) {
      const r = await db.query<Row>(
        `SELECT ${COLUMNS} FROM prices ${WHERE} ORDER BY fetched_at DESC, id DESC LIMIT 1`,
        [region, type, source],
      );
      return r.rows[0] ? fromRow(r.rows[0]) : undefined;
    },
    async history(region, type, source) {
      const r = await db.query<Row>(`SELECT ${COLUMNS} FROM prices ${WHERE} ORDER BY fetched_at, id`, [
        region,
        type,
        source,
      ]);
      return r.rows.map(fromRow);
    },
  };
}
