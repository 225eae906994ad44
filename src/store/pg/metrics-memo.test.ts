// The memo of range answers on a real server (range-memo.ts, metrics-listener.ts): repeated reads
// send no statement, and every way the data under a kept answer can change drops it in time: another
// replica's write or prune, this process's own write, a transaction, a lost listening connection.
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDatabase, skipNote, testPostgres, withPgClient } from '../../../test/support/pg-db.js';
import type { MetricRepo, MinuteRange } from '../metrics.js';
import type { Store } from '../types.js';
import { openPgPool } from './connect.js';
import { pgDb, type PgDb } from './db.js';
import type { MetricsListener } from './metrics-listener.js';
import { metricMemos, metricRepo } from './metrics.js';
import { migratePg } from './migrate.js';
import type { RangeMemo } from './range-memo.js';
import { openPgStore } from './store.js';

const server = testPostgres();
const M = 60_000;
const AGE = 'ApproximateAgeOfOldestRequest';
const DONE = 'InvocationsProcessed';
/** Two wakes' ranges: minutes 10-15 and 100-105. */
const ranges: MinuteRange[] = [
  { from: 10 * M, to: 15 * M },
  { from: 100 * M, to: 105 * M },
];

describe.skipIf(!server.url)(`PostgreSQL memo of range answers${skipNote(server)}`, () => {
  let url: string;
  let pool: pg.Pool;
  let db: PgDb;
  let listeners: MetricsListener[];
  let other: Store;

  /** This process's repo, its memo checked on every read (checkMs 0) unless told otherwise. */
  const repo = (checkMs = 0): { metrics: MetricRepo; aggregate: RangeMemo<number | undefined> } => {
    const memos = metricMemos(pool.options, { checkMs });
    listeners.push(memos.listener);
    return { metrics: metricRepo(db, memos), aggregate: memos.aggregate };
  };
  /** The range searches sent through the pool, as their parameters. */
  const searches = () =>
    vi
      .mocked(pool.query)
      .mock.calls.map((c) => c[0] as unknown as pg.QueryConfig)
      .filter((q) => q.text.includes('unnest($3'))
      .map((q) => q.values!);

  beforeEach(async () => {
    url = await freshDatabase(server.url);
    pool = await openPgPool(url);
    await migratePg(pool);
    db = pgDb(pool);
    listeners = [];
    // Another replica: a store of its own on the same database.
    other = await openPgStore(url);
    await other.metrics.upsert([
      { endpoint: 'e', metric: AGE, minute: 12 * M, value: 300 },
      { endpoint: 'e', metric: AGE, minute: 101 * M, value: 60 },
      { endpoint: 'e', metric: DONE, minute: 14 * M, value: 2 },
    ]);
    vi.spyOn(pool, 'query');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const l of listeners) await l.close();
    await other.close();
    await pool.end();
  });

  it('answers a repeated read from the memo, with no statement, the same as the server does', async () => {
    const { metrics, aggregate } = repo();
    const plain = metricRepo(db);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 60]);
    expect(await metrics.positivePoints('e', DONE, ranges)).toEqual([[[14 * M, 2]], []]);
    expect(searches()).toHaveLength(2);
    expect(aggregate.entries).toBe(2);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 60]);
    const points = await metrics.positivePoints('e', DONE, ranges);
    expect(points).toEqual([[[14 * M, 2]], []]);
    expect(searches()).toHaveLength(2);
    // Another function over the same ranges is another question.
    expect(await metrics.aggregate('e', AGE, ranges, 'sum')).toEqual(
      await plain.aggregate('e', AGE, ranges, 'sum'),
    );
    // The caller's copy is its own: changing it changes no later answer.
    points[0]!.push([0, 0]);
    expect(await metrics.positivePoints('e', DONE, ranges)).toEqual([[[14 * M, 2]], []]);
  });

  it("drops the answers over another replica's write, and only those", async () => {
    const { metrics } = repo();
    await metrics.aggregate('e', AGE, ranges, 'max');
    await other.metrics.upsert([{ endpoint: 'e', metric: AGE, minute: 103 * M, value: 90 }]);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 90]);
    // One more search, for the second range alone.
    expect(searches()).toHaveLength(2);
    expect(searches()[1]!.slice(2)).toEqual(['{100}', '{105}']);
  });

  it("drops the answers over another replica's prune", async () => {
    const { metrics } = repo();
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 60]);
    expect(await other.metrics.prune(50 * M)).toBe(2);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([undefined, 60]);
  });

  it('hears writes this code did not make (psql, a replica of an older version): the table says so', async () => {
    const { metrics } = repo();
    const raw = (sql: string) => withPgClient(url, (c) => c.query(sql));
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 60]);
    await raw(`INSERT INTO async_metrics VALUES ('e', '${AGE}', ${13 * M}, 900)`);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([900, 60]);
    await raw(`UPDATE async_metrics SET value = 30 WHERE minute = ${101 * M}`);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([900, 30]);
    await raw(`DELETE FROM async_metrics WHERE minute = ${13 * M}`);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 30]);
    await raw('TRUNCATE async_metrics');
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([undefined, undefined]);
  });

  it('reads back its own write at once, without waiting for the notice', async () => {
    // Checked once a minute: only the write itself can have dropped the answer.
    const { metrics } = repo(60_000);
    await metrics.aggregate('e', AGE, ranges, 'max');
    await metrics.upsert([{ endpoint: 'e', metric: AGE, minute: 13 * M, value: 400 }]);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([400, 60]);
  });

  it('inside a transaction neither reads nor keeps answers; a commit drops them', async () => {
    const { metrics, aggregate } = repo(60_000);
    await metrics.aggregate('e', AGE, ranges, 'max');
    await expect(
      db.transaction(async () => {
        await metrics.upsert([{ endpoint: 'e', metric: AGE, minute: 13 * M, value: 400 }]);
        expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([400, 60]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([300, 60]);
    expect(aggregate.entries).toBe(2);
    await db.transaction(async () => {
      await metrics.upsert([{ endpoint: 'e', metric: AGE, minute: 13 * M, value: 500 }]);
    });
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([500, 60]);
  });

  it('a lost listening connection empties the memo; the next read listens again', async () => {
    const { metrics, aggregate } = repo();
    await metrics.aggregate('e', AGE, ranges, 'max');
    await withPgClient(server.url, (c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND application_name LIKE '% metrics listener'`,
        [new URL(url).pathname.slice(1)],
      ),
    );
    // The notice of this write goes to nobody in this process.
    await other.metrics.upsert([{ endpoint: 'e', metric: AGE, minute: 14 * M, value: 700 }]);
    // Not the kept 300: the failed check (or the connection's end) emptied the memo.
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([700, 60]);
    expect(await metrics.aggregate('e', AGE, ranges, 'max')).toEqual([700, 60]);
    expect(aggregate.entries).toBe(2);
  });
});
