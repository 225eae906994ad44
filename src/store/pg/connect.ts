// A connection pool to the PostgreSQL store from a postgres:// URL. The password comes from, in this
// order: the URL, the file named by SAGEZERO_STORE_PASSWORD_FILE (a mounted secret), PGPASSWORD,
// then ~/.pgpass or $PGPASSFILE. The last two are the pg driver's own (it reads them when no password
// is given), as libpq does. No error or description this module makes contains the password.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describeTarget, parsePgUrl, PgStoreError, type PgTarget } from './url.js';

export const PASSWORD_FILE_ENV = 'SAGEZERO_STORE_PASSWORD_FILE';

export { describeTarget, isPgUrl, parsePgUrl, PgStoreError, type PgTarget } from './url.js';

function passwordFromFile(env: NodeJS.ProcessEnv, where: string): string | undefined {
  const file = env[PASSWORD_FILE_ENV];
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PgStoreError(
      `cannot read the store password file ${file} (${PASSWORD_FILE_ENV}) for ${where}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  // Secret files are usually written with a trailing newline that is not part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new PgStoreError(`the store password file ${file} (${PASSWORD_FILE_ENV}) is empty`);
  return password;
}

const INT8_OID = 20;

// BIGINT columns (epoch ms, counts) come back as numbers, as SQLite gives them, rather than pg's
// default strings; a value past 2^53 would lose digits, so it is an error instead.
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`BIGINT ${text} is beyond the range sagezero reads exactly`);
  return n;
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary'
    ? parseInt8
    : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

export interface PgPoolOptions {
  /** Connections at most (pg's default is 10). */
  max?: number;
  connectionTimeoutMs?: number;
  /** An idle connection failed (server restart, network); the next query reconnects. */
  onIdleError?: (e: Error) => void;
}

/** The pool for `url`; it connects lazily. Use openPgPool to fail early with a clear error. */
export function createPgPool(url: string, options: PgPoolOptions = {}): { pool: pg.Pool; target: PgTarget } {
  const parsed = parsePgUrl(url);
  const where = describeTarget(parsed.target);
  const password = parsed.password ?? passwordFromFile(process.env, where);
  const pool = new pg.Pool({
    ...parsed.target,
    ...(password !== undefined ? { password } : {}),
    ...(parsed.ssl !== undefined ? { ssl: parsed.ssl } : {}),
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    // PGAPPNAME, as libpq reads it, tells replicas apart in pg_stat_activity (and in the failover test).
    application_name: process.env.PGAPPNAME || 'sagezero',
    types: { getTypeParser },
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (e) => options.onIdleError?.(e));
  return { pool, target: parsed.target };
}

/** A pool that has connected once: a wrong host, database or password fails here, naming the target. */
export async function openPgPool(url: string, options: PgPoolOptions = {}): Promise<pg.Pool> {
  const { pool, target } = createPgPool(url, options);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw connectError(e, target, url);
  }
  return pool;
}

function connectError(e: unknown, target: PgTarget, url: string): PgStoreError {
  let detail = e instanceof Error ? e.message : String(e);
  // pg's messages do not carry the password; scrub anyway, in case a future one quotes its input.
  for (const secret of [
    safe(() => parsePgUrl(url).password),
    safe(() => passwordFromFile(process.env, '')),
    process.env.PGPASSWORD,
  ]) {
    if (secret) detail = detail.split(secret).join('***');
  }
  return new PgStoreError(`cannot connect to the PostgreSQL store ${describeTarget(target)}: ${detail}`);
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
