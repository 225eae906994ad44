// PostgreSQL implementation of src/store/controllers.ts; the same rows and answers as sqlite/controllers.ts.
import type { ControllerRepo } from '../controllers.js';
import { controllerFromRow as fromRow, lastErrorOf, type ControllerRow as Row } from '../rows/controllers.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

const OK = `INSERT INTO controller_runs (controller, ok_count, consecutive_errors, last_ok_at) VALUES ($1, 1, 0, $2)
  ON CONFLICT (controller) DO UPDATE SET ok_count = controller_runs.ok_count + 1, consecutive_errors = 0,
    last_ok_at = excluded.last_ok_at`;

const ERROR = `INSERT INTO controller_runs (controller, error_count, consecutive_errors, last_error_at, last_error)
  VALUES ($1, 1, 1, $2, $3)
  ON CONFLICT (controller) DO UPDATE SET error_count = controller_runs.error_count + 1,
    consecutive_errors = controller_runs.consecutive_errors + 1, last_error_at = excluded.last_error_at,
    last_error = excluded.last_error`;

export function controllerRepo(db: PgDb): ControllerRepo {
  return {
    async ok(c, at) {
      await db.query(OK, [c, at]);
    },
    async error(c, at, message) {
      await db.query(ERROR, [c, at, pgText(lastErrorOf(message))]);
    },
    async get(c) {
      return (await db.query<Row>(`SELECT * FROM controller_runs WHERE controller = $1`, [c])).rows.map(
        fromRow,
      )[0];
    },
    async all() {
      // Byte order, as SQLite's BINARY collation, whatever the database's locale.
      return (await db.query<Row>(`SELECT * FROM controller_runs ORDER BY controller COLLATE "C"`)).rows.map(
        fromRow,
      );
    },
  };
}
