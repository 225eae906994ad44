// SQLite implementation of src/store/billing.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { BillingRow } from '../../cloud/billing.js';
import type { BillingRepo, StoredBillingDay } from '../billing.js';
import {
  BILLING_DAY_COLUMNS,
  billingDayFromRow,
  billingDayValues,
  type BillingDayRow,
} from '../rows/billing.js';
import type { SyncOf } from './serial.js';

export function billingRepo(db: Database.Database): SyncOf<BillingRepo> {
  const delRows = db.prepare('DELETE FROM billing_rows WHERE day = ?');
  const insRow = db.prepare(
    `INSERT INTO billing_rows (day, usage_type, tag, cost_usd, usage_quantity, unit) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, usage_type, tag) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd,
       usage_quantity = usage_quantity + excluded.usage_quantity`,
  );
  const upDay = db.prepare(
    `INSERT INTO billing_days (${BILLING_DAY_COLUMNS}) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (day) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at,
       estimated = excluded.estimated, final = excluded.final`,
  );
  const selDays = db.prepare('SELECT * FROM billing_days WHERE day >= ? AND day < ? ORDER BY day');
  const selRows = db.prepare(
    `SELECT day, usage_type AS usageType, tag, cost_usd AS costUsd, usage_quantity AS usageQuantity, unit
     FROM billing_rows WHERE day >= ? AND day < ? ORDER BY day, usage_type, tag`,
  );
  const save = db.transaction((d: StoredBillingDay, rows: readonly BillingRow[]) => {
    delRows.run(d.day);
    for (const r of rows) insRow.run(d.day, r.usageType, r.tag, r.costUsd, r.usageQuantity, r.unit);
    upDay.run(...billingDayValues(d));
  });
  return {
    saveDay: (d, rows) => save(d, rows),
    days: (a, b) => (selDays.all(a, b) as BillingDayRow[]).map(billingDayFromRow),
    rows: (a, b) => selRows.all(a, b) as BillingRow[],
  };
}
