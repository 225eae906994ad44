// PostgreSQL implementation of src/store/prices.ts; the same rows and answers as sqlite/prices.ts.
import type { PriceRepo, StoredPrice, StoredPriceSource } from '../prices.js';
import type { PgDb } from './db.js';

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

const COLUMNS = 'region, instance_type, usd_per_hour, source, detail, fetched_at';
const WHERE = 'WHERE region = $1 AND instance_type = $2 AND source = $3';

export function priceRepo(db: PgDb): PriceRepo {
  return {
    async insert(p) {
      if (!(Number.isFinite(p.usdPerHour) && p.usdPerHour >= 0))
        throw new RangeError(`bad price ${p.usdPerHour}`);
      await db.query(`INSERT INTO prices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
        p.region,
        p.instanceType,
        p.usdPerHour,
        p.source,
        p.detail,
        p.fetchedAt,
      ]);
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
