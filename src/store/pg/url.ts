// The store's postgres:// URL, parsed without the driver: the config loader checks a URL with this
// and never loads pg for a SQLite store.

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

export interface ParsedUrl {
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
