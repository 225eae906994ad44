// Async endpoint metrics at one-minute resolution, as GetMetricData returned them.
import type Database from 'better-sqlite3';

export interface MetricPoint {
  endpoint: string;
  metric: string;
  /** Start of the minute, ms since the epoch. */
  minute: number;
  value: number;
}

/** A closed range of minutes [from, to] to aggregate over. */
export interface MinuteRange {
  from: number;
  to: number;
}

export interface MetricRepo {
  /** Upserts: CloudWatch revises recent datapoints, so a later poll wins. */
  upsert(points: readonly MetricPoint[]): void;
  series(endpoint: string, metric: string, from: number, to: number): { minute: number; value: number }[];
  /**
   * One aggregate per range, computed inside SQLite with one statement: the report asks this for
   * thousands of short ranges (one per wake or probe) and a query each would dominate its time.
   */
  aggregate(
    endpoint: string,
    metric: string,
    ranges: readonly MinuteRange[],
    fn: 'max' | 'sum' | 'firstPositive',
  ): (number | undefined)[];
  /** Per range, its minutes with a value above zero, as [minute, value] pairs in time order. */
  positivePoints(endpoint: string, metric: string, ranges: readonly MinuteRange[]): [number, number][][];
  /** Deletes points older than `before`; returns how many went. */
  prune(before: number): number;
  latestMinute(endpoint: string, metric: string): number | undefined;
}

/**
 * A JSON array with one value per range, in range order: a correlated subquery per element of a JSON array of
 * [from, to] pairs, each a primary-key range search. (A join would let the planner scan every row
 * of the metric against every range, which is quadratic.) Parameters: endpoint, metric, JSON.
 */
export function aggregateSql(expr: string, where = ''): string {
  return `SELECT json_group_array(v) FROM (
    SELECT (SELECT ${expr} FROM async_metrics m
      WHERE m.endpoint = ? AND m.metric = ? AND m.minute >= (r.value ->> 0) AND m.minute <= (r.value ->> 1) ${where}) AS v
    FROM json_each(?) AS r ORDER BY r.key)`;
}

export function metricRepo(db: Database.Database): MetricRepo {
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
          WHERE m.endpoint = ? AND m.metric = ? AND m.minute >= (r.value ->> 0) AND m.minute <= (r.value ->> 1)
            AND m.value > 0) AS v
        FROM json_each(?) AS r ORDER BY r.key)`,
    )
    .pluck(true);
  const bounds = db.prepare(
    `SELECT MIN(minute) AS lo, MAX(minute) AS hi FROM async_metrics WHERE endpoint = ? AND metric = ?`,
  );
  const prune = db.prepare(`DELETE FROM async_metrics WHERE minute < ?`);
  const latest = db.prepare(`SELECT MAX(minute) AS m FROM async_metrics WHERE endpoint = ? AND metric = ?`);

  return {
    upsert(points) {
      if (points.length > 0) upsertMany(points);
    },
    series(endpoint, metric, from, to) {
      return series.all(endpoint, metric, from, to) as { minute: number; value: number }[];
    },
    aggregate(endpoint, metric, ranges, fn) {
      const out: (number | undefined)[] = new Array<number | undefined>(ranges.length).fill(undefined);
      const b = bounds.get(endpoint, metric) as { lo: number | null; hi: number | null };
      if (b.lo === null || b.hi === null) return out;
      // Ranges wholly outside the stored minutes (older than retention, say) need no search.
      const idx: number[] = [];
      const pairs: [number, number][] = [];
      ranges.forEach((r, i) => {
        if (r.to >= b.lo! && r.from <= b.hi! && r.from <= r.to) {
          idx.push(i);
          pairs.push([r.from, r.to]);
        }
      });
      if (pairs.length === 0) return out;
      const values = JSON.parse(aggregates[fn].get(endpoint, metric, JSON.stringify(pairs)) as string) as (
        number | null
      )[];
      values.forEach((v, j) => {
        if (v !== null) out[idx[j]!] = v;
      });
      return out;
    },
    positivePoints(endpoint, metric, ranges) {
      if (ranges.length === 0) return [];
      const json = JSON.stringify(ranges.map((r) => [r.from, r.to]));
      return JSON.parse(positive.get(endpoint, metric, json) as string) as [number, number][][];
    },
    prune(before) {
      return prune.run(before).changes;
    },
    latestMinute(endpoint, metric) {
      return (latest.get(endpoint, metric) as { m: number | null }).m ?? undefined;
    },
  };
}
