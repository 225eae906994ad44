// PostgreSQL implementation of src/store/billing.ts; the same rows and answers as sqlite/billing.ts.
import type { BillingRow } from '../../cloud/billing.js';
import type { BillingRepo } from '../billing.js';
import {
  BILLING_DAY_COLUMNS,
  billingDayFromRow,
  billingDayValues,
  type BillingDayRow,
} from '../rows/billing.js';
import type { PgDb } from './db.js';

// A day's rows in one statement rather than one per row. Rows repeating a (usage type, tag) add up,
// as SQLite's upsert per row did: summed in the order given (so the floating-point result is the
// same) and keeping the first row's unit.
const INSERT_ROWS = `INSERT INTO billing_rows (day, usage_type, tag, cost_usd, usage_quantity, unit)
  SELECT $1::text, usage_type, tag, SUM(cost ORDER BY n), SUM(quantity ORDER BY n), (array_agg(unit ORDER BY n))[1]
  FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[])
    WITH ORDINALITY AS r(usage_type, tag, cost, quantity, unit, n)
  GROUP BY usage_type, tag`;

const UPSERT_DAY = `INSERT INTO billing_days (${BILLING_DAY_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (day) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at,
    estimated = excluded.estimated, final = excluded.final`;

export function billingRepo(db: PgDb): BillingRepo {
  return {
    saveDay: (d, rows) =>
      db.transaction(async () => {
        await db.query('DELETE FROM billing_rows WHERE day = $1', [d.day]);
        if (rows.length > 0) {
          await db.query(INSERT_ROWS, [
            d.day,
            rows.map((r) => r.usageType),
            rows.map((r) => r.tag),
            rows.map((r) => r.costUsd),
            rows.map((r) => r.usageQuantity),
            rows.map((r) => r.unit),
          ]);
        }
        await db.query(UPSERT_DAY, billingDayValues(d));
      }),
    async days(a, b) {
      const { rows } = await db.query<BillingDayRow>(
        `SELECT * FROM billing_days WHERE day >= $1 AND day < $2 ORDER BY day COLLATE "C"`,
        [a, b],
      );
      return rows.map(billingDayFromRow);
    },
    async rows(a, b) {
      const { rows } = await db.query<BillingRow>(
        `SELECT day, usage_type AS "usageType", tag, cost_usd AS "costUsd", usage_quantity AS "usageQuantity", unit
         FROM billing_rows WHERE day >= $1 AND day < $2
         ORDER BY day COLLATE "C", usage_type COLLATE "C", tag COLLATE "C"`,
        [a, b],
      );
      return rows;
    },
  };
}
