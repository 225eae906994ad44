import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test/support/moto.js';
import { freshDatabase, passwordRole, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { isPgUrl, openPgPool, parsePgUrl, PASSWORD_FILE_ENV, PgStoreError } from './connect.js';

describe('parsePgUrl', () => {
  it('tells a PostgreSQL URL from a SQLite path', () => {
    expect(isPgUrl('postgres://db/store')).toBe(true);
    expect(isPgUrl('PostgreSQL://db/store')).toBe(true);
    expect(isPgUrl('/var/lib/sagezero/store.db')).toBe(false);
    expect(isPgUrl('./postgres/store.db')).toBe(false);
  });

  it('reads host, port, database, user and password, decoding escapes', () => {
    const p = parsePgUrl('postgres://sage%40zero:p%3Ass@db.internal:6543/store?sslmode=verify-full');
    expect(p.target).toEqual({ host: 'db.internal', port: 6543, database: 'store', user: 'sage@zero' });
    expect(p.password).toBe('p:ss');
    expect(p.ssl).toBe(true);
    expect(parsePgUrl('postgresql://[::1]/db').target).toEqual({ host: '::1', port: 5432, database: 'db' });
  });

  it.each([
    ['postgres://u:hunter22@host', /names no database/],
    ['mysql://u:hunter22@host/db', /scheme "mysql:"/],
    ['postgres://u:hunter22@host/db?sslmode=allow', /sslmode=allow; supported/],
    ['postgres://u:hunter22@host/db?options=-c', /unsupported parameter "options"/],
    ['postgres://u:hunter22@ho st/db', /not a valid URL/],
  ])('rejects %s with a clear error that omits the password', (url, message) => {
    let err: unknown;
    try {
      parsePgUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PgStoreError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('hunter22');
  });
});

const server = testPostgres();

describe.skipIf(!server.url)(`openPgPool against PostgreSQL${skipNote(server)}`, () => {
  const RIGHT = 'right-Pw-7c1e';
  const WRONG = 'wrong-Pw-93ab';
  let dbUrl: string;
  let user: string;
  // The test database's URL as `user`, with `password` in it or none.
  const as = (password?: string) => {
    const u = new URL(dbUrl);
    u.username = user;
    u.password = password ?? '';
    return u.toString();
  };

  beforeAll(async () => {
    dbUrl = await freshDatabase(server.url);
    user = await passwordRole(server.url, RIGHT);
  });
  beforeEach(() => {
    // The host's own settings must not decide these tests.
    for (const k of ['PGPASSWORD', 'PGPASSFILE', PASSWORD_FILE_ENV]) vi.stubEnv(k, undefined);
    vi.stubEnv('HOME', tempDir('sagezero-pghome-'));
  });
  afterEach(() => vi.unstubAllEnvs());

  async function canLogIn(url: string): Promise<string> {
    const pool = await openPgPool(url);
    try {
      const r = await pool.query<{ u: string }>('SELECT current_user AS u');
      return r.rows[0]?.u ?? '';
    } finally {
      await pool.end();
    }
  }

  it('logs in with the password in the URL, and returns BIGINT as a number', async () => {
    expect(await canLogIn(as(RIGHT))).toBe(user);
    const pool = await openPgPool(server.url);
    try {
      const r = await pool.query('SELECT 9007199254740991::bigint AS max, count(*) AS n FROM pg_database');
      expect(typeof r.rows[0].max).toBe('number');
      expect(r.rows[0].max).toBe(Number.MAX_SAFE_INTEGER);
      expect(typeof r.rows[0].n).toBe('number');
      await expect(pool.query('SELECT 9007199254740993::bigint AS x')).rejects.toThrow(/beyond the range/);
    } finally {
      await pool.end();
    }
  });

  it('logs in with the password from SAGEZERO_STORE_PASSWORD_FILE, trailing newline dropped', async () => {
    const file = path.join(tempDir('sagezero-pgsecret-'), 'pw');
    writeFileSync(file, `${RIGHT}\n`, { mode: 0o600 });
    vi.stubEnv(PASSWORD_FILE_ENV, file);
    expect(await canLogIn(as())).toBe(user);
  });

  it('names the password file and its variable when it cannot be read', async () => {
    vi.stubEnv(PASSWORD_FILE_ENV, '/nonexistent/sagezero-pw');
    await expect(openPgPool(as())).rejects.toThrow(
      /cannot read the store password file \/nonexistent\/sagezero-pw \(SAGEZERO_STORE_PASSWORD_FILE\).*ENOENT/,
    );
  });

  it('logs in with PGPASSWORD (the driver reads it)', async () => {
    vi.stubEnv('PGPASSWORD', RIGHT);
    expect(await canLogIn(as())).toBe(user);
  });

  it('logs in with a .pgpass file (the driver reads it)', async () => {
    const { hostname, port, pathname } = new URL(dbUrl);
    const file = path.join(tempDir('sagezero-pgpass-'), '.pgpass');
    // The driver ignores a .pgpass that others can read, as libpq does.
    writeFileSync(file, `${hostname}:${port}:${pathname.slice(1)}:${user}:${RIGHT}\n`, { mode: 0o600 });
    vi.stubEnv('PGPASSFILE', file);
    expect(await canLogIn(as())).toBe(user);
  });

  it('fails a wrong password naming host and database, never the password', async () => {
    const { hostname, port, pathname } = new URL(dbUrl);
    const err = await openPgPool(as(WRONG)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PgStoreError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${user}@${hostname}:${port}${pathname}`);
    expect(msg).toMatch(/password authentication failed/);
    expect(msg).not.toContain(WRONG);
    expect(msg).not.toContain(RIGHT);
    expect(String((err as Error).stack)).not.toContain(WRONG);
  });

  it('fails a wrong password from the file or PGPASSWORD without showing it', async () => {
    const file = path.join(tempDir('sagezero-pgsecret-'), 'pw');
    writeFileSync(file, WRONG, { mode: 0o600 });
    vi.stubEnv(PASSWORD_FILE_ENV, file);
    await expect(openPgPool(as())).rejects.toThrow(/password authentication failed/);
    await openPgPool(as()).catch((e: Error) => expect(e.message).not.toContain(WRONG));
    vi.stubEnv(PASSWORD_FILE_ENV, undefined);
    vi.stubEnv('PGPASSWORD', WRONG);
    await openPgPool(as()).then(
      () => expect.fail('logged in with a wrong PGPASSWORD'),
      (e: Error) => expect(e.message).not.toContain(WRONG),
    );
  });

  it('names the target when nothing listens there', async () => {
    const port = await freePort();
    await expect(openPgPool(`postgres://u:${WRONG}@127.0.0.1:${port}/nowhere`)).rejects.toThrow(
      new RegExp(
        `cannot connect to the PostgreSQL store postgres://u@127\\.0\\.0\\.1:${port}/nowhere: .*ECONNREFUSED`,
      ),
    );
  });
});
