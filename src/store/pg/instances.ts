// PostgreSQL implementation of src/store/instances.ts; the same rows and answers as sqlite/instances.ts.
import type { EndpointLifeSpan, InstanceRepo, InstanceSource, StepPoint } from '../instances.js';
import {
  INSTANCE_COLUMNS as COLUMNS,
  instanceFromRow as fromRow,
  instanceValues,
  type InstanceRow as Row,
} from '../rows/instances.js';
import { ascending } from './arrays.js';
import { ceilBound, floorBound } from './bounds.js';
import type { PgDb } from './db.js';

/** The cost report's reads: planned once per connection (db.ts). */
const PREPARED = { prepared: true } as const;

const SOURCES: ReadonlySet<string> = new Set<InstanceSource>([
  'poll',
  'activity',
  'sim',
  'created',
  'deleted',
]);

const INSERT = `INSERT INTO instance_transitions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`;

const COUNT_AT = `SELECT count FROM instance_transitions WHERE endpoint = $1 AND variant = $2 AND at <= $3
  ORDER BY at DESC, id DESC LIMIT 1`;

// One row: the count in force at the start, and the transitions inside as two JSON arrays. The report
// reads tens of thousands of transitions per call; one JSON.parse costs far less than a row object
// each (and pg would hand back a BIGINT[] as strings). The aggregates read a subquery already in
// index order instead of sorting twice: about half the server's CPU for this statement (bench/
// RESULTS.md, "the store"). PostgreSQL documents that order as what "will usually work", not as
// guaranteed, so the reader checks it and asks again with ORDER BY inside the aggregates if not.
const windowSql = (sorted: boolean) => `SELECT (${COUNT_AT}) AS initial,
  (SELECT json_build_array(COALESCE(json_agg(at${sorted ? ' ORDER BY at, id' : ''}), '[]'),
      COALESCE(json_agg(count${sorted ? ' ORDER BY at, id' : ''}), '[]'))
   FROM (SELECT at, id, count FROM instance_transitions
         WHERE endpoint = $1 AND variant = $2 AND at > $3 AND at < $4 ORDER BY at, id) t) AS inside`;
export const WINDOW_IN_INDEX_ORDER = windowSql(false);
export const WINDOW_SORTED = windowSql(true);

// The first record, each deletion after it and the record right after each deletion, in one round
// trip (SQLite asks one statement per deletion). The deletions come from the partial index.
const LIVES = `SELECT f.at AS first_at, f.source AS first_source, d.at AS deleted_at, n.at AS next_at, n.source AS next_source
  FROM (SELECT at, source FROM instance_transitions WHERE endpoint = $1 AND variant = $2 ORDER BY at, id LIMIT 1) f
  LEFT JOIN LATERAL (
    SELECT at, id FROM instance_transitions WHERE endpoint = $1 AND variant = $2 AND source = 'deleted'
  ) d ON true
  LEFT JOIN LATERAL (
    SELECT x.at, x.source FROM instance_transitions x
    WHERE x.endpoint = $1 AND x.variant = $2 AND (x.at, x.id) > (d.at, d.id) ORDER BY x.at, x.id LIMIT 1
  ) n ON true
  ORDER BY d.at, d.id`;

interface LivesRow {
  first_at: number;
  first_source: InstanceSource;
  deleted_at: number | null;
  next_at: number | null;
  next_source: InstanceSource | null;
}

export function instanceRepo(db: PgDb): InstanceRepo {
  const one = async (sql: string, endpoint: string, variant: string) =>
    (await db.query<Row>(sql, [endpoint, variant])).rows[0];

  return {
    async insert(t) {
      const values = instanceValues(t);
      // SQLite's INSERT OR IGNORE also skips, rather than refuses, a row breaking the source CHECK or
      // with a NaN time (bound as NULL): the same answer here, where the server would raise instead.
      if (!SOURCES.has(t.source) || Number.isNaN(t.at)) return false;
      const res = await db.query(INSERT, values);
      return (res.rowCount ?? 0) > 0;
    },
    async latest(endpoint, variant) {
      const r = await one(
        `SELECT ${COLUMNS} FROM instance_transitions WHERE endpoint = $1 AND variant = $2 ORDER BY at DESC, id DESC LIMIT 1`,
        endpoint,
        variant,
      );
      return r ? fromRow(r) : undefined;
    },
    async first(endpoint, variant) {
      const r = await one(
        `SELECT ${COLUMNS} FROM instance_transitions WHERE endpoint = $1 AND variant = $2 ORDER BY at, id LIMIT 1`,
        endpoint,
        variant,
      );
      return r ? fromRow(r) : undefined;
    },
    async countAt(endpoint, variant, at) {
      const r = await db.query<{ count: number }>(COUNT_AT, [endpoint, variant, floorBound(at)]);
      return r.rows[0]?.count;
    },
    async window(endpoint, variant, start, end) {
      type WindowRow = { initial: number | null; inside: [number[], number[]] };
      const params = [endpoint, variant, floorBound(start), ceilBound(end)];
      let row = (await db.query<WindowRow>(WINDOW_IN_INDEX_ORDER, params, PREPARED)).rows[0]!;
      // Ties in `at` keep the id order of the index within the subquery; only a reordering across
      // times could show, and then the sorted form answers.
      if (!ascending(row.inside[0])) row = (await db.query<WindowRow>(WINDOW_SORTED, params)).rows[0]!;
      const { initial, inside } = row;
      const [a, c] = inside;
      const transitions: StepPoint[] = new Array<StepPoint>(a.length);
      for (let i = 0; i < a.length; i++) transitions[i] = { at: a[i]!, count: c[i]! };
      return { initial: initial ?? undefined, transitions };
    },
    async all(endpoint, variant) {
      const r = await db.query<Row>(
        `SELECT ${COLUMNS} FROM instance_transitions WHERE endpoint = $1 AND variant = $2 ORDER BY at, id`,
        [endpoint, variant],
      );
      return r.rows.map(fromRow);
    },
    async lives(endpoint, variant) {
      const rows = (await db.query<LivesRow>(LIVES, [endpoint, variant], PREPARED)).rows;
      if (rows.length === 0) return [];
      const out: EndpointLifeSpan[] = [{ start: rows[0]!.first_at, startSource: rows[0]!.first_source }];
      for (const d of rows) {
        if (d.deleted_at === null) break;
        const open = out[out.length - 1]!;
        if (open.end === undefined) open.end = d.deleted_at;
        // Another deletion right after one (re-recorded) starts nothing.
        if (d.next_at !== null && d.next_source !== 'deleted')
          out.push({ start: d.next_at, startSource: d.next_source! });
      }
      return out;
    },
    async keys() {
      // Byte order, as SQLite's BINARY collation sorts, whatever the database's collation.
      const r = await db.query<{ endpoint: string; variant: string }>(
        `SELECT DISTINCT endpoint COLLATE "C" AS endpoint, variant COLLATE "C" AS variant
         FROM instance_transitions ORDER BY 1, 2`,
      );
      return r.rows;
    },
    async earliest() {
      const r = await db.query<{ at: number | null }>(`SELECT MIN(at) AS at FROM instance_transitions`);
      return r.rows[0]?.at ?? undefined;
    },
  };
}
