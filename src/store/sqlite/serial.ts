// better-sqlite3 has one connection and runs every statement synchronously, but the Store API is
// asynchronous: a transaction's callback awaits between its statements. Without care, whatever else
// the process runs during those awaits (another controller's writes, another transaction's BEGIN)
// would land inside the open transaction and commit or roll back with it. So transactions take a
// FIFO lock, and a call from outside the open transaction waits for it to finish; calls and nested
// transactions made from inside it (tracked with AsyncLocalStorage) run in it, nested ones as
// savepoints. When no transaction is open a call runs at once, as a synchronous call did before.
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

/** The synchronous shape of an async repo: what the SQLite implementations return. */
export type SyncOf<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => Promise<infer T> ? (...args: A) => T : R[K];
};

/** A FIFO lock. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Held, or waited for. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /** Resolves, in arrival order, with the function that releases the lock. */
  async lock(): Promise<() => void> {
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    this.queued++;
    await before;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.queued--;
      release();
    };
  }
}

/** A transaction (or the connection itself, at depth 0) and the lock its children take. */
interface Scope {
  readonly parent: Scope | undefined;
  readonly depth: number;
  readonly children: Mutex;
  done: boolean;
}

export class Serial {
  private readonly root: Scope = { parent: undefined, depth: 0, children: new Mutex(), done: false };
  private readonly context = new AsyncLocalStorage<Scope>();

  constructor(private readonly db: Database.Database) {}

  /** The innermost open transaction this code runs in (a timer started in a finished one: its parent). */
  private scope(): Scope {
    let s = this.context.getStore();
    while (s?.done) s = s.parent;
    return s ?? this.root;
  }

  /** One repo call: at once, unless a transaction this code is not part of is open or waiting. */
  call<T>(fn: () => T): Promise<T> {
    const scope = this.scope();
    if (!scope.children.busy) {
      try {
        return Promise.resolve(fn());
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    return this.exclusive(scope, fn);
  }

  private async exclusive<T>(scope: Scope, fn: () => T): Promise<T> {
    const release = await scope.children.lock();
    try {
      return fn();
    } finally {
      release();
    }
  }

  /**
   * All or nothing: BEGIN…COMMIT, or a savepoint when a transaction is already open (a nested call,
   * or a group commit's). One at a time per scope, so savepoints nest as a stack.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const parent = this.scope();
    const release = await parent.children.lock();
    const scope: Scope = { parent, depth: parent.depth + 1, children: new Mutex(), done: false };
    const savepoint = this.db.inTransaction ? `sagezero_tx_${scope.depth}` : undefined;
    try {
      this.db.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
      try {
        const result = await this.context.run(scope, fn);
        this.db.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        return result;
      } catch (e) {
        // A failed statement may have rolled the whole transaction back already.
        if (this.db.inTransaction) {
          if (savepoint) this.db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
          else this.db.exec('ROLLBACK');
        }
        throw e;
      }
    } finally {
      scope.done = true;
      release();
    }
  }

  /** Runs `fn` (synchronous) when no transaction of this process is open or waiting. */
  async between<T>(fn: () => T): Promise<T> {
    return this.exclusive(this.root, fn);
  }
}

/** The async repo over a synchronous one: every method goes through `serial`. */
export function asyncRepo<R extends object>(sync: SyncOf<R>, serial: Serial): R {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sync)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => serial.call(() => (value as (...a: unknown[]) => unknown)(...args))
        : value;
  }
  return out as R;
}
