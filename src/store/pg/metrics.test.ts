// The PostgreSQL metric queries search the primary key once per range, whatever the planner knows
// of the table: a fresh store (or one just backfilled) has no statistics yet, and a plan that scans
// the metric's points once per range took minutes over a month of minutes.
import type pg from 'pg';
import { bigintArray } from './arrays.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { openPgPool } from './connect.js';
import { AGGREGATES, POSITIVE } from './metrics.js';
import { migratePg } from './migrate.js';

const server = testPostgres();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

describe.skipIf(!server.url)(`PostgreSQL metric aggregates${skipNote(server)}`, () => {
  let pool: pg.Pool;
  const m = 60_000;
  const ranges = Array.from({ length: 2000 }, (_, k) => [k * 10 * m, (k * 10 + 5) * m] as const);

  beforeAll(async () => {
    pool = await openPgPool(await freshDatabase(server.url));
    await migratePg(pool);
    // A day of minutes, inserted without ANALYZE: the planner's estimate stays a guess.
    await pool.query(
      `INSERT INTO async_metrics SELECT 'e', 'X', k * 60000::bigint, k % 7 FROM generate_series(0, 1439) k`,
    );
  });
  afterAll(async () => {
    await pool?.end();
  });

  const plan = async (sql: string): Promise<PlanNode[]> => {
    const r = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [
      'e',
      'X',
      bigintArray(ranges.map((r) => r[0] / m)),
      bigintArray(ranges.map((r) => r[1] / m)),
    ]);
    return nodes(r.rows[0]!['QUERY PLAN'][0].Plan);
  };

  it.each([
    ['max', AGGREGATES.max],
    ['sum', AGGREGATES.sum],
    ['firstPositive', AGGREGATES.firstPositive],
    ['positivePoints', POSITIVE],
  ])('%s: an index search per range bounded by the range, never a scan of the points', async (_, sql) => {
    const all = await plan(sql);
    const onMetrics = all.filter((n) => n['Relation Name'] === 'async_metrics');
    // The per-range search (bounded by the range's columns, or the parameters the planner makes of
    // them), and the series' first minute read once (an index endpoint, no scan).
    const perRange = onMetrics.filter((n) =>
      /minute >= \(?(r\.lo|\$\d+)[^)]*\).*minute <= \(?(r\.hi|\$\d+)[^)]*\)/.test(n['Index Cond'] ?? ''),
    );
    // An index-only scan once the visibility map allows (the value is in the key's index).
    expect(perRange).toHaveLength(1);
    expect(perRange[0]!['Node Type']).toMatch(/^Index (Only )?Scan$/);
    const rest = onMetrics.filter((n) => !perRange.includes(n));
    expect(rest.map((n) => n['Node Type'])).toEqual(['Index Only Scan']);
    expect(rest[0]!['Index Cond']).not.toMatch(/minute/);
  });
});
