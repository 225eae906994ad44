// Ordered text answers are in byte order, as SQLite's BINARY collation gives them, even on a
// database created with a linguistic collation (a managed server's default is often en_US), where
// 'a' sorts before 'B' and a hyphen is nearly ignored. The test cluster's own databases use C.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipNote, testPostgres } from '../../../test/support/pg-db.js';
import type { Store } from '../types.js';
import { openPgStore } from './store.js';

const server = testPostgres();
const NAMES = ['ab', 'a-b', 'B', 'a', 'b-a'];
// Bytewise: '-' (0x2d) < 'B' (0x42) < 'a' (0x61) < 'b' (0x62).
const BYTE_ORDER = ['B', 'a', 'a-b', 'ab', 'b-a'];

describe.skipIf(!server.url)(`PostgreSQL store on an en-US collated database${skipNote(server)}`, () => {
  let s: Store;
  let url: string;

  beforeAll(async () => {
    const name = `t_icu_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      await c.query(
        `CREATE DATABASE ${name} LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C' TEMPLATE template0`,
      );
      const u = new URL(server.url);
      u.pathname = `/${name}`;
      url = u.toString();
      s = await openPgStore(url);
    } finally {
      await c.end();
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the database itself sorts linguistically (the premise)', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query<{ x: string }>(`SELECT x FROM unnest($1::text[]) x ORDER BY x`, [NAMES]);
      expect(r.rows.map((x) => x.x)).not.toEqual(BYTE_ORDER);
    } finally {
      await c.end();
    }
  });

  it('instance keys, meta keys, gap endpoints and activity ties come in byte order', async () => {
    for (const n of NAMES) {
      await s.instances.insert({ endpoint: n, variant: 'v', at: 1, count: 1, source: 'poll' });
      await s.meta.set(`k.${n}`, n, 1);
      await s.gaps.record({ endpoint: n, start: 100, end: 200, backfilledTransitions: 0 });
      await s.activities.upsert({
        activityId: n,
        endpoint: 'e',
        variant: 'v',
        startTime: 5,
        status: 'Successful',
        description: '',
        cause: '',
      });
    }
    expect((await s.instances.keys()).map((k) => k.endpoint)).toEqual(BYTE_ORDER);
    expect((await s.meta.list('k.')).map((e) => e.value)).toEqual(BYTE_ORDER);
    expect((await s.gaps.overlapping(0, 1000)).map((g) => g.endpoint)).toEqual(BYTE_ORDER);
    expect((await s.activities.between('e', 0, 10)).map((a) => a.activityId)).toEqual(BYTE_ORDER);
  });
});
