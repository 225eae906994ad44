// The window read on PostgreSQL aggregates a subquery in index order rather than sorting inside the
// aggregates (half the statement's server CPU); both forms must answer alike, ties included, and the
// reader must notice an answer out of time order.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { openPgPool } from './connect.js';
import { ascending } from './arrays.js';
import { WINDOW_IN_INDEX_ORDER, WINDOW_SORTED } from './instances.js';
import { migratePg } from './migrate.js';

const server = testPostgres();

describe('ascending', () => {
  it('accepts equal neighbours and refuses a step back', () => {
    expect(ascending([])).toBe(true);
    expect(ascending([1, 1, 2, 5])).toBe(true);
    expect(ascending([1, 3, 2])).toBe(false);
  });
});

describe.skipIf(!server.url)(`PostgreSQL instance window${skipNote(server)}`, () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await openPgPool(await freshDatabase(server.url));
    await migratePg(pool);
    // Inserted out of time order, with ties at 300 whose insertion order (id) decides the count.
    for (const [at, count] of [
      [500, 2],
      [100, 1],
      [300, 4],
      [300, 0],
      [200, 3],
      [300, 7],
    ] as const) {
      await pool.query(
        `INSERT INTO instance_transitions (endpoint, variant, at, count, source) VALUES ('e', 'v', $1, $2, 'poll')`,
        [at, count],
      );
    }
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('answers the same in index order as with the sorting aggregates, ties in insertion order', async () => {
    const params = ['e', 'v', 150, 1000];
    const a = (await pool.query(WINDOW_IN_INDEX_ORDER, params)).rows[0] as unknown;
    const b = (await pool.query(WINDOW_SORTED, params)).rows[0] as unknown;
    expect(a).toEqual({
      initial: 1,
      inside: [
        [200, 300, 300, 300, 500],
        [3, 4, 0, 7, 2],
      ],
    });
    expect(b).toEqual(a);
  });
});
