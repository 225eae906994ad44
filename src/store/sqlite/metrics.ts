// SQLite implementation of src/store/metrics.ts (synchronous; src/store/sqlite/store.ts makes it async).
import type Database from 'better-sqlite3';
import type { MetricPoint, MetricRepo, MinuteRange } from '../metrics.js';
import { encodeRange } from '../rows/metrics.js';
import type { SyncOf } from './serial.js';

/**
 * Ranges travel to SQLite as one JSON array of integers, each (first minute << 20) | length in
 * minutes (rows/metrics.ts encodeRange): reading a plain integer from json_each is several times
 * cheaper than taking apart a [from, to] pair, and the report sends tens of thousands of ranges per call.
 */
const RANGE_FROM = `((r.value >> 20) * 60000)`;
const RANGE_TO = `(((r.value >> 20) + (r.value & 1048575)) * 60000)`;

/**
 * A JSON array with one value per range, in range order: a correlated subquery per element, each a
 * primary-key range search. (A join would let the planner scan every row of the metric against
 * every range, which is quadratic.) Parameters: endpoint, metric, JSON array of encoded ranges.
 */
export function aggregateSql(expr: string, where = ''): string {
  return `SELECT json_group_array(v) FROM (
    SELECT (SELECT ${expr} FROM async_metrics m
      WHERE m.endpoint = ? AND m.metric = ? AND m.minute >= ${RANGE_FROM} AND m.minute <= ${RANGE_TO} ${where}) AS v
    FROM json_each(?) AS r ORDER BY r.key)`;
}

export function metricRepo(db: Database.Database): SyncOf<MetricRepo> {
  const upsert = db.prepare(
    `INSERT INTO async_metrics (endpoint, metric, minute, value) VALUES (@endpoint, @metric, @minute, @value)
     ON CONFLICT (endpoint, metric, minute) DO UPDATE SET value = excluded.value`,
  );
  const upsertMany = db.transaction((points: readonly MetricPoint[]) => {
    for (const p of points) upsert.run(p);
  });
  const series = db.prepare(
    `SELECT minute, value FROM async_metrics WHERE endpoint = ? AND metric = ? AND minute >= ? AND minute <= ?
     ORDER BY minute`,
  );
  const agg = (expr: string, where = ''): Database.Statement =>
    db.prepare(aggregateSql(expr, where)).pluck(true);
  const aggregates = {
    max: agg('MAX(m.value)'),
    sum: agg('SUM(m.value)'),
    firstPositive: agg('MIN(m.minute)', 'AND m.value > 0'),
  };
  const positive = db
    .prepare(
      `SELECT json_group_array(json(v)) FROM (
        SELECT (SELECT json_group_array(json_array(m.minute, m.value)) FROM async_metrics m
          WHERE m.endpoint = ? AND m.metric = ? AND m.minute >= ${RANGE_FROM} AND m.minute <= ${RANGE_TO}
            AND m.value > 0) AS v
        FROM json_each(?) AS r ORDER BY r.key)`,
    )
    .pluck(true);
  // Two subqueries, not MIN and MAX in one: SQLite answers a lone MIN or MAX from the index edge, but
  // scans every row of the metric for both at once.
  const bounds = db.prepare(
    `SELECT (SELECT MIN(minute) FROM async_metrics WHERE endpoint = ?1 AND metric = ?2) AS lo,
            (SELECT MAX(minute) FROM async_metrics WHERE endpoint = ?1 AND metric = ?2) AS hi`,
  );
  // Ranges wholly outside the stored minutes (older than retention, say) need no search.
  const searchable = (
    endpoint: string,
    metric: string,
    ranges: readonly MinuteRange[],
  ): { idx: number[]; codes: number[] } => {
    const idx: number[] = [];
    const codes: number[] = [];
    const b = bounds.get({ 1: endpoint, 2: metric }) as { lo: number | null; hi: number | null };
    if (b.lo === null || b.hi === null) return { idx, codes };
    ranges.forEach((r, i) => {
      if (r.to < b.lo! || r.from > b.hi!) return;
      const code = encodeRange(r);
      if (code === undefined) return;
      idx.push(i);
      codes.push(code);
    });
    return { idx, codes };
  };
  const prune = db.prepare(`DELETE FROM async_metrics WHERE minute < ?`);
  const latest = db.prepare(`SELECT MAX(minute) AS m FROM async_metrics WHERE endpoint = ? AND metric = ?`);
  const earliest = db.prepare(`SELECT MIN(minute) AS m FROM async_metrics WHERE endpoint = ? AND metric = ?`);

  return {
    upsert(points) {
      if (points.length > 0) upsertMany(points);
    },
    series(endpoint, metric, from, to) {
      return series.all(endpoint, metric, from, to) as { minute: number; value: number }[];
    },
    aggregate(endpoint, metric, ranges, fn) {
      const out: (number | undefined)[] = new Array<number | undefined>(ranges.length).fill(undefined);
      const { idx, codes } = searchable(endpoint, metric, ranges);
      if (codes.length === 0) return out;
      const values = JSON.parse(aggregates[fn].get(endpoint, metric, JSON.stringify(codes)) as string) as (
        number | null
      )[];
      values.forEach((v, j) => {
        if (v !== null) out[idx[j]!] = v;
      });
      return out;
    },
    positivePoints(endpoint, metric, ranges) {
      const out: [number, number][][] = ranges.map(() => []);
      const { idx, codes } = searchable(endpoint, metric, ranges);
      if (codes.length === 0) return out;
      const found = JSON.parse(positive.get(endpoint, metric, JSON.stringify(codes)) as string) as (
        [number, number][] | null
      )[];
      found.forEach((v, j) => {
        if (v) out[idx[j]!] = v;
      });
      return out;
    },
    prune(before) {
      return prune.run(before).changes;
    },
    latestMinute(endpoint, metric) {
      return (latest.get(endpoint, metric) as { m: number | null }).m ?? undefined;
    },
    earliestMinute(endpoint, metric) {
      return (earliest.get(endpoint, metric) as { m: number | null }).m ?? undefined;
    },
  };
}
