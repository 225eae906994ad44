// The PostgreSQL repos' one way to the database. A query runs on the connection of the transaction
// the calling code is in (tracked with AsyncLocalStorage, as the SQLite store's serial.ts does), or
// on any pooled connection when it is in none. Unlike SQLite's single connection, work outside a
// transaction runs on other connections, so it can neither join nor wait for an open transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { Mutex } from '../sqlite/serial.js';
import { pgTransaction } from './transaction.js';

/** A statement's parameters: never assembled into the SQL text. */
export type Params = readonly unknown[];

export interface PgDb {
  readonly pool: pg.Pool;
  /**
   * Rows of one statement, on the current transaction's connection if any. `prepared`: the statement
   * is prepared once per connection and its plan reused, for the hot reads and writes (the cost
   * report's, the poll's): planning was a quarter of their server CPU. One statement only, of fixed
   * text (a name is derived from it).
   */
  query<R extends pg.QueryResultRow>(
    sql: string,
    params?: Params,
    options?: { prepared?: boolean },
  ): Promise<pg.QueryResult<R>>;
  /** All or nothing; nested calls become savepoints, one at a time per transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether the caller is inside a transaction (whose writes others cannot see yet). */
  inTransaction(): boolean;
  /** Runs `fn` once the caller's writes are committed: now outside a transaction, else after its COMMIT. */
  afterCommit(fn: () => void): void;
}

interface Scope {
  readonly client: pg.PoolClient;
  readonly depth: number;
  /** Nested transactions of this scope take turns, so savepoints nest as a stack. */
  readonly children: Mutex;
  done: boolean;
  readonly parent: Scope | undefined;
  /** The outermost transaction's: run after its COMMIT. */
  readonly committed: (() => void)[];
}

const names = new Map<string, string>();

/** A prepared statement's name: the same for the same text on every connection. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `sagezero_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

export function pgDb(pool: pg.Pool): PgDb {
  const context = new AsyncLocalStorage<Scope>();
  const scope = (): Scope | undefined => {
    let s = context.getStore();
    // A timer started inside a transaction that has since ended runs outside it.
    while (s?.done) s = s.parent;
    return s;
  };

  async function outermost<T>(fn: () => Promise<T>): Promise<T> {
    const committed: (() => void)[] = [];
    const out = await pgTransaction(pool, (client) => {
      const s: Scope = {
        client,
        depth: 1,
        children: new Mutex(),
        done: false,
        parent: undefined,
        committed,
      };
      // Work the transaction started that outlives it (a timer) runs outside it, on the pool.
      return context.run(s, fn).finally(() => {
        s.done = true;
      });
    });
    for (const f of committed) f();
    return out;
  }

  async function nested<T>(parent: Scope, fn: () => Promise<T>): Promise<T> {
    const release = await parent.children.lock();
    const s: Scope = {
      client: parent.client,
      depth: parent.depth + 1,
      children: new Mutex(),
      done: false,
      parent,
      committed: parent.committed,
    };
    const name = `sagezero_tx_${s.depth}`;
    try {
      await s.client.query(`SAVEPOINT ${name}`);
      try {
        const out = await context.run(s, fn);
        await s.client.query(`RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (e) {
        await s.client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
        throw e;
      }
    } finally {
      s.done = true;
      release();
    }
  }

  return {
    pool,
    async query<R extends pg.QueryResultRow>(
      sql: string,
      params: Params = [],
      options: { prepared?: boolean } = {},
    ) {
      const q: pg.QueryConfig = { text: sql, values: params as unknown[] };
      if (options.prepared) q.name = statementName(sql);
      const s = scope();
      // A statement of a transaction waits while a nested transaction of it runs, as in SQLite.
      if (s?.children.busy) {
        const release = await s.children.lock();
        try {
          return await s.client.query<R>(q);
        } finally {
          release();
        }
      }
      return (s?.client ?? pool).query<R>(q);
    },
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      const s = scope();
      return s ? nested(s, fn) : outermost(fn);
    },
    inTransaction: () => scope() !== undefined,
    afterCommit(fn) {
      const s = scope();
      if (s) s.committed.push(fn);
      else fn();
    },
  };
}
