// PostgreSQL implementation of src/store/metrics.ts; the same rows and answers as sqlite/metrics.ts.
import type { MetricPoint, MetricRepo, MinuteRange } from '../metrics.js';
import { encodeRange, rangeBounds } from '../rows/metrics.js';
import { bigintArray, float8Array, jsonDouble, type JsonDouble } from './arrays.js';
import { ceilBound, floorBound } from './bounds.js';
import type { PgDb } from './db.js';
import type pg from 'pg';
import { metricsListener, type MetricsListener, type MetricsListenerOptions } from './metrics-listener.js';
import { pruneNotice, RangeMemo, updateNotice } from './range-memo.js';

/** The poll's write and the report's reads: planned once per connection (db.ts). */
const PREPARED = { prepared: true } as const;

/** Points per INSERT: one statement for a poll's batch, a bounded message for a backfill's. */
const UPSERT_CHUNK = 10_000;

// Four arrays rather than four parameters per row: one statement of fixed text whatever the batch.
// A re-read minute whose value did not change is left alone: the value sits in the key's index
// (migration 11), so rewriting it would add an index entry each poll for nothing. The minutes it did
// write reach every replica's memo of range answers through the table's triggers (migration 12).
const UPSERT = `INSERT INTO async_metrics (endpoint, metric, minute, value)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::double precision[])
  ON CONFLICT (endpoint, metric, minute) DO UPDATE SET value = excluded.value
  WHERE async_metrics.value IS DISTINCT FROM excluded.value`;

// A range ending before the series' first stored minute answers nothing: the first minute is read
// once (an InitPlan) and those ranges skip their search. The report asks for every wake of its
// window, and a 90-day window holds 55 days that metric retention (35 days) has already pruned.
const STORED_FROM = `(SELECT MIN(minute) FROM async_metrics WHERE endpoint = $1 AND metric = $2)`;

/**
 * The ranges' values as one JSON array of [position, value] pairs, only where a value exists: a
 * correlated subquery per range, each a primary-key range search (a join could let the planner match
 * every row of the metric against every range). One row of JSON rather than a row per range: the
 * client's row parsing was most of its share of the report. Parameters: endpoint, metric, first and
 * last minute of each range as minute numbers (epoch ms / 60,000), as bigint[] literals: small
 * integers spell several times faster than epoch milliseconds, and there are ~90,000 per report.
 */
function aggregateSql(expr: string, where = ''): string {
  return `SELECT COALESCE(json_agg(json_build_array(r.i, s.v) ORDER BY r.i), '[]') AS a
    FROM unnest($3::bigint[], $4::bigint[]) WITH ORDINALITY AS r(lo, hi, i)
    CROSS JOIN LATERAL (SELECT ${expr} AS v FROM async_metrics m
      WHERE m.endpoint = $1 AND m.metric = $2 AND m.minute >= r.lo * 60000 AND m.minute <= r.hi * 60000 ${where}) s
    WHERE r.hi * 60000 >= ${STORED_FROM} AND s.v IS NOT NULL`;
}

// SUM adds in minute order, as SQLite's index walk does (SQLite compensates rounding; whole-number
// counts, as CloudWatch's are, sum the same either way).
export const AGGREGATES = {
  max: aggregateSql('MAX(m.value)'),
  sum: aggregateSql('SUM(m.value ORDER BY m.minute)'),
  firstPositive: aggregateSql('MIN(m.minute)', 'AND m.value > 0'),
} as const;

// OFFSET 0 keeps the subquery a per-range index search: flattened into a join, a plan made before
// the table's statistics catch up (a fresh store, a backfill) scanned every point once per range.
// One JSON array of [position, minute, value] triples, as the aggregates answer.
export const POSITIVE = `SELECT COALESCE(json_agg(json_build_array(r.i, p.minute, p.value) ORDER BY r.i, p.minute), '[]') AS a
  FROM unnest($3::bigint[], $4::bigint[]) WITH ORDINALITY AS r(lo, hi, i)
  CROSS JOIN LATERAL (
    SELECT m.minute, m.value FROM async_metrics m
    WHERE m.endpoint = $1 AND m.metric = $2 AND m.minute >= r.lo * 60000 AND m.minute <= r.hi * 60000 AND m.value > 0
    OFFSET 0
  ) p
  WHERE r.hi * 60000 >= ${STORED_FROM}`;

/**
 * The ranges holding a whole minute (the others answer nothing), as first and last minute numbers
 * (epoch ms / 60,000), with their positions. SQLite's encoding decides which minutes a range covers, so both backends read the same.
 */
function searchable(ranges: readonly MinuteRange[]): { idx: number[]; lo: number[]; hi: number[] } {
  const idx: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  ranges.forEach((r, i) => {
    const code = encodeRange(r);
    if (code === undefined) return;
    const b = rangeBounds(code);
    idx.push(i);
    lo.push(b.lo / 60_000);
    hi.push(b.hi / 60_000);
  });
  return { idx, lo, hi };
}

/** The last point of each key: one INSERT cannot update a row twice, and a later point wins. */
function lastPerKey(points: readonly MetricPoint[]): MetricPoint[] {
  const byKey = new Map<string, MetricPoint>();
  for (const p of points) {
    // SQLite binds NaN as NULL, which the NOT NULL column refuses; PostgreSQL would store a NaN.
    if (Number.isNaN(p.value))
      throw new RangeError(
        `metric value of ${p.endpoint} ${p.metric} at minute ${p.minute} is NaN (NOT NULL constraint failed: async_metrics.value)`,
      );
    byKey.set(`${p.endpoint}\0${p.metric}\0${p.minute}`, p);
  }
  return byKey.size === points.length ? [...points] : [...byKey.values()];
}

const NO_POINTS: readonly number[] = Object.freeze([]);

/** The memos of this store's range reads and the connection that keeps them true. */
export interface MetricMemos {
  aggregate: RangeMemo<number | undefined>;
  positive: RangeMemo<readonly number[]>;
  listener: MetricsListener;
}

/** Both memos, and a listener that tells both of every change (a memo it does not tell goes stale). */
export function metricMemos(config: pg.ClientConfig, options?: MetricsListenerOptions): MetricMemos {
  const aggregate = new RangeMemo<number | undefined>();
  const positive = new RangeMemo<readonly number[]>();
  return { aggregate, positive, listener: metricsListener(config, [aggregate, positive], options) };
}

/**
 * The ranges' answers: those in the memo from there, the others from `search` (one statement), which
 * are then kept. Inside a transaction the memo is neither read nor filled: that transaction may have
 * written minutes the memo's answers do not show, and what it reads may yet be rolled back.
 */
async function memoized<V>(
  db: PgDb,
  memo: { memo: RangeMemo<V>; listener: MetricsListener } | undefined,
  key: string,
  lo: readonly number[],
  hi: readonly number[],
  search: (lo: number[], hi: number[]) => Promise<Map<number, V>>,
  missing: V,
): Promise<V[]> {
  const useMemo = memo !== undefined && !db.inTransaction() && (await memo.listener.ready());
  const token = useMemo ? memo.memo.begin() : undefined;
  const out = new Array<V>(lo.length);
  const todo: number[] = [];
  for (let k = 0; k < lo.length; k++) {
    const hit = token === undefined ? undefined : memo!.memo.get(key, { lo: lo[k]!, hi: hi[k]! });
    if (hit) out[k] = hit.value;
    else todo.push(k);
  }
  if (todo.length === 0) return out;
  const found = await search(
    todo.map((k) => lo[k]!),
    todo.map((k) => hi[k]!),
  );
  for (let j = 0; j < todo.length; j++) out[todo[j]!] = found.get(j) ?? missing;
  if (token !== undefined)
    memo!.memo.put(
      token,
      key,
      todo.map((k) => ({ lo: lo[k]!, hi: hi[k]!, value: out[k]! })),
    );
  return out;
}

export function metricRepo(db: PgDb, memos?: MetricMemos): MetricRepo {
  const aggregateMemo = memos && { memo: memos.aggregate, listener: memos.listener };
  const positiveMemo = memos && { memo: memos.positive, listener: memos.listener };
  const upsertChunk = async (points: readonly MetricPoint[]): Promise<void> => {
    await db.query(
      UPSERT,
      [
        points.map((p) => p.endpoint),
        points.map((p) => p.metric),
        bigintArray(points.map((p) => p.minute)),
        float8Array(points.map((p) => p.value)),
      ],
      PREPARED,
    );
  };

  // This process's own writes reach its memos as soon as they commit, not when the channel's notice
  // comes back: a caller that writes and then reads sees what it wrote.
  const changed = (notice: string) =>
    db.afterCommit(() => {
      memos?.aggregate.notice(notice);
      memos?.positive.notice(notice);
    });

  return {
    async upsert(points) {
      if (points.length === 0) return;
      const rows = lastPerKey(points);
      if (rows.length <= UPSERT_CHUNK) await upsertChunk(rows);
      else {
        // All or nothing, as SQLite's batch is.
        await db.transaction(async () => {
          for (let i = 0; i < rows.length; i += UPSERT_CHUNK)
            await upsertChunk(rows.slice(i, i + UPSERT_CHUNK));
        });
      }
      let first = Infinity;
      let last = -Infinity;
      for (const p of rows) {
        first = Math.min(first, p.minute);
        last = Math.max(last, p.minute);
      }
      changed(updateNotice(first, last));
    },
    async series(endpoint, metric, from, to) {
      const r = await db.query<{ minute: number; value: number }>(
        `SELECT minute, value FROM async_metrics WHERE endpoint = $1 AND metric = $2 AND minute >= $3 AND minute <= $4
         ORDER BY minute`,
        [endpoint, metric, ceilBound(from), floorBound(to)],
      );
      return r.rows;
    },
    async aggregate(endpoint, metric, ranges, fn) {
      const out: (number | undefined)[] = new Array<number | undefined>(ranges.length).fill(undefined);
      const { idx, lo, hi } = searchable(ranges);
      if (idx.length === 0) return out;
      const values = await memoized(
        db,
        aggregateMemo,
        `${fn}\0${endpoint}\0${metric}`,
        lo,
        hi,
        async (l, h) => {
          const r = await db.query<{ a: [number, JsonDouble][] }>(
            AGGREGATES[fn],
            [endpoint, metric, bigintArray(l), bigintArray(h)],
            PREPARED,
          );
          // The ordinality is 1-based.
          return new Map(r.rows[0]!.a.map(([i, v]) => [i - 1, jsonDouble(v)]));
        },
        undefined,
      );
      values.forEach((v, k) => (out[idx[k]!] = v));
      return out;
    },
    async positivePoints(endpoint, metric, ranges) {
      const out: [number, number][][] = ranges.map(() => []);
      const { idx, lo, hi } = searchable(ranges);
      if (idx.length === 0) return out;
      // Kept flat (minute, value, minute, value...): a list of pairs costs several objects per point.
      const flat = await memoized<readonly number[]>(
        db,
        positiveMemo,
        `${endpoint}\0${metric}`,
        lo,
        hi,
        async (l, h) => {
          const r = await db.query<{ a: [number, number, JsonDouble][] }>(
            POSITIVE,
            [endpoint, metric, bigintArray(l), bigintArray(h)],
            PREPARED,
          );
          const byRange = new Map<number, number[]>();
          for (const [i, minute, value] of r.rows[0]!.a) {
            let list = byRange.get(i - 1);
            if (!list) byRange.set(i - 1, (list = []));
            list.push(minute, jsonDouble(value));
          }
          return byRange;
        },
        NO_POINTS,
      );
      flat.forEach((f, k) => {
        const pairs = out[idx[k]!]!;
        for (let j = 0; j < f.length; j += 2) pairs.push([f[j]!, f[j + 1]!]);
      });
      return out;
    },
    async prune(before) {
      const r = await db.query(`DELETE FROM async_metrics WHERE minute < $1`, [ceilBound(before)]);
      const n = r.rowCount ?? 0;
      if (n > 0) changed(pruneNotice(before));
      return n;
    },
    async latestMinute(endpoint, metric) {
      const r = await db.query<{ m: number | null }>(
        `SELECT MAX(minute) AS m FROM async_metrics WHERE endpoint = $1 AND metric = $2`,
        [endpoint, metric],
      );
      return r.rows[0]?.m ?? undefined;
    },
    async earliestMinute(endpoint, metric) {
      const r = await db.query<{ m: number | null }>(
        `SELECT MIN(minute) AS m FROM async_metrics WHERE endpoint = $1 AND metric = $2`,
        [endpoint, metric],
      );
      return r.rows[0]?.m ?? undefined;
    },
  };
}
