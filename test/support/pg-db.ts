// For test files that need PostgreSQL: the run's cluster (test/support/postgres.ts, started by
// global-setup) and a new empty database per test, so tests never see one another's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PASSWORD_AUTH_ROLE } from './postgres.js';

export interface TestPostgres {
  /** Superuser URL of the run's test database; '' when PostgreSQL is missing here. */
  url: string;
  /** Why the PostgreSQL tests skip; '' when they run. */
  skipReason: string;
}

export function testPostgres(): TestPostgres {
  return inject('postgres');
}

/** Title suffix for a describe.skipIf(), so a skipped suite says why in the report. */
export function skipNote(p: TestPostgres): string {
  return p.skipReason ? ` (skipped: ${p.skipReason})` : '';
}

/** One plain client on `url` (the superuser's, in tests) for the length of `fn`. */
export async function withPgClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database on the cluster of `url` and returns the same URL pointing at it. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withPgClient(url, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a login role that must give `password` over TCP (see PASSWORD_AUTH_ROLE in postgres.ts). */
export async function passwordRole(url: string, password: string): Promise<string> {
  const name = `u_${randomBytes(6).toString('hex')}`;
  await withPgClient(url, async (c) => {
    const quoted = `'${password.replaceAll("'", "''")}'`;
    await c.query(`CREATE ROLE ${name} LOGIN PASSWORD ${quoted} IN ROLE ${PASSWORD_AUTH_ROLE}`);
    await c.query(`GRANT ALL ON SCHEMA public TO ${name}`);
  });
  return name;
}
