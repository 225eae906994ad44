// PostgreSQL implementation of src/store/probes.ts; the same rows and answers as sqlite/probes.ts.
import type { ColdProbe, ProbeOutcome, ProbeRepo, ProbeResult } from '../probes.js';
import {
  distinctOldestFirst,
  LATEST_OUTCOME_FILTERS,
  PROBE_COLUMNS,
  probeFromRow as fromRow,
  probeValues,
  type ProbeRow as Row,
} from '../rows/probes.js';
import { ascending, jsonDouble, type JsonDouble } from './arrays.js';
import { ceilBound } from './bounds.js';
import type { PgDb } from './db.js';
import { pgText } from './text.js';

// SQLite's INSERT OR REPLACE: every column of the row is the new probe's.
const SAVE = `INSERT INTO probe_results (${PROBE_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
  ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint, started_at = excluded.started_at,
    finished_at = excluded.finished_at, instances_at_start = excluded.instances_at_start, cold = excluded.cold,
    queued_s = excluded.queued_s, scale_out_s = excluded.scale_out_s,
    in_service_to_output_s = excluded.in_service_to_output_s, total_s = excluded.total_s,
    outcome = excluded.outcome, inference_id = excluded.inference_id, input_location = excluded.input_location,
    output_location = excluded.output_location, failure_location = excluded.failure_location,
    error_message = excluded.error_message, holder = excluded.holder, component = excluded.component,
    alarm_s = excluded.alarm_s, failed_invocations = excluded.failed_invocations`;

// By start time alone, as on SQLite (ties, which one endpoint's probes do not have, in no set order):
// the (endpoint, started_at) index then yields the order, where a tiebreaker would sort every row.
const BETWEEN = `SELECT * FROM probe_results WHERE endpoint = $1 AND started_at >= $2 AND started_at < $3
  ORDER BY started_at`;

// The alert rules' three lookups (see ProbeRepo.latestOutcomes), each walking the (endpoint,
// started_at) index back from the window's end.
const LATEST_OUTCOMES = LATEST_OUTCOME_FILTERS.map(
  (filter) => `SELECT * FROM probe_results WHERE endpoint = $1 AND started_at >= $2 AND started_at < $3
  AND ${filter} ORDER BY started_at DESC LIMIT 1`,
);

// Only what the cost report needs, which reads up to 90 days of these per endpoint: one row of JSON
// (as SQLite's repo does) rather than a row object per probe, aggregated from a subquery in index
// order; as for instances.window, the reader checks that order held and otherwise asks for rows.
const COLD_ROWS = `SELECT started_at, finished_at, outcome, total_s, component FROM probe_results
  WHERE endpoint = $1 AND started_at >= $2 AND started_at < $3 AND cold = 1 ORDER BY started_at`;
const COLD_JSON = `SELECT COALESCE(json_agg(json_build_array(started_at, finished_at, outcome, total_s, component)), '[]') AS a
  FROM (${COLD_ROWS}) p`;

type ColdRow = Pick<Row, 'started_at' | 'finished_at' | 'outcome' | 'total_s' | 'component'>;
type ColdTuple = [number, number | null, ProbeOutcome, JsonDouble | null, string | null];

const INTERRUPT = `UPDATE probe_results SET outcome = 'interrupted', finished_at = $1, error_message = $2
  WHERE outcome = 'running'`;

export function probeRepo(db: PgDb): ProbeRepo {
  const one = async (sql: string, params: unknown[]) =>
    (await db.query<Row>(sql, params)).rows.map(fromRow)[0];
  return {
    async save(p) {
      await db.query(SAVE, probeValues(p, pgText));
    },
    get: (id) => one(`SELECT * FROM probe_results WHERE id = $1`, [id]),
    latest: (endpoint, component) =>
      component === undefined
        ? one(`SELECT * FROM probe_results WHERE endpoint = $1 ORDER BY started_at DESC LIMIT 1`, [endpoint])
        : one(
            `SELECT * FROM probe_results WHERE endpoint = $1 AND component = $2 ORDER BY started_at DESC LIMIT 1`,
            [endpoint, component],
          ),
    async latestOutcomes(endpoint, from, to) {
      const params = [endpoint, ceilBound(from), ceilBound(to)];
      const rows = await Promise.all(LATEST_OUTCOMES.map((sql) => one(sql, params)));
      return distinctOldestFirst(rows.filter((r): r is ProbeResult => r !== undefined));
    },
    async between(endpoint, from, to) {
      return (await db.query<Row>(BETWEEN, [endpoint, ceilBound(from), ceilBound(to)])).rows.map(fromRow);
    },
    async coldBetween(endpoint, from, to) {
      const params = [endpoint, ceilBound(from), ceilBound(to)];
      const json = (await db.query<{ a: ColdTuple[] }>(COLD_JSON, params, { prepared: true })).rows[0]!.a;
      let rows: ColdRow[];
      if (ascending(json.map((t) => t[0]))) {
        rows = json.map(([started_at, finished_at, outcome, total, component]) => ({
          started_at,
          finished_at,
          outcome,
          total_s: total === null ? null : jsonDouble(total),
          component,
        }));
      } else {
        rows = (await db.query<ColdRow>(COLD_ROWS, params)).rows;
      }
      const out = new Array<ColdProbe>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const c: ColdProbe = {
          startedAt: r.started_at,
          finishedAt: r.finished_at ?? undefined,
          outcome: r.outcome,
          totalS: r.total_s ?? undefined,
        };
        if (r.component !== null) c.component = r.component;
        out[i] = c;
      }
      return out;
    },
    async coldTotals() {
      const { rows } = await db.query<{ endpoint: string; totalS: number }>(
        `SELECT endpoint, total_s AS "totalS" FROM probe_results
         WHERE cold = 1 AND outcome = 'success' AND total_s IS NOT NULL`,
      );
      return rows;
    },
    async interruptRunning(at, message, holder) {
      const r =
        holder === undefined
          ? await db.query(INTERRUPT, [at, pgText(message)])
          : await db.query(`${INTERRUPT} AND holder = $3`, [at, pgText(message), holder]);
      return r.rowCount ?? 0;
    },
    async running() {
      return (
        await db.query<Row>(`SELECT * FROM probe_results WHERE outcome = 'running' ORDER BY started_at, id`)
      ).rows.map(fromRow);
    },
  };
}
