// Prepared statements through PgDb: planned once per connection under a name derived from the text,
// on a pooled connection and on a transaction's alike.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { openPgPool } from './connect.js';
import { pgDb, type PgDb } from './db.js';

const server = testPostgres();

describe.skipIf(!server.url)(`PgDb prepared statements${skipNote(server)}`, () => {
  let pool: pg.Pool;
  let db: PgDb;
  const sql = 'SELECT $1::int + 1 AS n';

  beforeAll(async () => {
    pool = await openPgPool(await freshDatabase(server.url), { max: 1 });
    db = pgDb(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const prepared = async () =>
    (
      await db.query<{ name: string; statement: string }>(
        `SELECT name, statement FROM pg_prepared_statements ORDER BY name`,
      )
    ).rows;

  it('prepares a statement once under one name and reuses it, also inside a transaction', async () => {
    expect((await db.query<{ n: number }>(sql, [1], { prepared: true })).rows[0]!.n).toBe(2);
    expect((await db.query<{ n: number }>(sql, [5], { prepared: true })).rows[0]!.n).toBe(6);
    const inTx = await db.transaction(
      async () => (await db.query<{ n: number }>(sql, [9], { prepared: true })).rows[0]!.n,
    );
    expect(inTx).toBe(10);
    // One connection in the pool: all three ran on it, and it holds the statement once.
    const rows = await prepared();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toMatch(/^sagezero_[0-9a-f]{24}$/);
    expect(rows[0]!.statement).toBe(sql);
  });

  it('keeps a statement first prepared in a transaction that rolled back', async () => {
    const other = 'SELECT $1::int * 2 AS n';
    await expect(
      db.transaction(async () => {
        expect((await db.query<{ n: number }>(other, [2], { prepared: true })).rows[0]!.n).toBe(4);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Prepared statements belong to the session, not the transaction: pg still knows it by name.
    expect((await db.query<{ n: number }>(other, [3], { prepared: true })).rows[0]!.n).toBe(6);
  });

  it('prepares nothing for a statement not marked prepared', async () => {
    await db.query('SELECT $1::int AS plain', [1]);
    expect((await prepared()).map((r) => r.statement)).toEqual(
      expect.not.arrayContaining(['SELECT $1::int AS plain']),
    );
    expect(await prepared()).toHaveLength(2);
  });
});
