// A connection pool to the PostgreSQL store from a postgres:// URL. The password comes from, in this
// order: the URL, the file named by SAGEZERO_STORE_PASSWORD_FILE (a mounted secret), PGPASSWORD,
// then ~/.pgpass or $PGPASSFILE. The last two are the pg driver's own (it reads them when no password
// is given), as libpq does. No error or description this module makes contains the password.
import { readFileSync } from 'node:fs';
import pg from 'pg';

export const PASSWORD_FILE_ENV = 'SAGEZERO_STORE_PASSWORD_FILE';

/** Where the store is, without the password: safe to log and to show in errors. */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user?: string;
}

export class PgStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgStoreError';
  }
}

export function isPgUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

export function describeTarget(t: PgTarget): string {
  return `postgres://${t.user ? `${t.user}@` : ''}${t.host}:${t.port}/${t.database}`;
}

interface ParsedUrl {
  target: PgTarget;
  password?: string;
  ssl?: boolean;
}

// pg maps sslmode=require to a verified connection too; a store holding AWS state is not worth a
// mode that would accept any certificate.
const SSL_MODES: Record<string, boolean> = { disable: false, require: true, 'verify-full': true };

export function parsePgUrl(url: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still hold a password.
    throw new PgStoreError('the store URL is not a valid URL (expected postgres://user@host:5432/database)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new PgStoreError(`the store URL has scheme "${u.protocol}"; expected postgres://`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  const port = u.port ? Number(u.port) : 5432;
  const where = describeTarget({ host: host || '?', port, database: database || '?', user });
  if (!host) throw new PgStoreError(`the store URL ${where} names no host`);
  if (!database) throw new PgStoreError(`the store URL ${where} names no database (add /DBNAME)`);
  let ssl: boolean | undefined;
  for (const [key, value] of u.searchParams) {
    if (key !== 'sslmode')
      throw new PgStoreError(`the store URL ${where} has unsupported parameter "${key}"`);
    if (!(value in SSL_MODES)) {
      throw new PgStoreError(
        `the store URL ${where} has sslmode=${value}; supported: ${Object.keys(SSL_MODES).join(', ')}`,
      );
    }
    ssl = SSL_MODES[value];
  }
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return { target: { host, port, database, user }, password, ssl };
}

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
    application_name: 'sagezero',
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
