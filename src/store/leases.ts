// A lease in the store: several serve processes may share one store, and only the holder acts.
// Acquiring (or renewing) is atomic in every backend: two processes never both see the lease free
// (SQLite: one IMMEDIATE transaction; PostgreSQL: one statement that re-checks the row it locks).
//
// The lease carries a term, its fencing token: one more each time the lease changes holder, never
// reset (release keeps the row). A leader that was paused or cut off and missed a takeover still
// carries its old term, so assertTerm, run inside the transaction of each of its writes, refuses
// them (src/store/fence.ts).
//
// Whose clock: on SQLite every `now` below is the caller's clock, which is sound because every
// process on one SQLite file runs on one host. On PostgreSQL `now` is ignored and the database's
// clock decides, because replicas on different machines disagree about the time.

export interface Lease {
  name: string;
  holder: string;
  /** The fencing token; 0 for a lease taken before terms existed (kept by its holder). */
  term: number;
  acquiredAt: number;
  expiresAt: number;
}

export interface Acquired {
  held: boolean;
  /** The lease's current term: ours when held, the holder's otherwise (0 when there is no lease). */
  term: number;
}

export interface LeaseRepo {
  /**
   * Takes the lease when it is free, lapsed or already ours (then extends it, keeping the term).
   * A takeover from another holder starts the next term.
   */
  tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<Acquired>;
  /**
   * Extends our lease under `term`. False once anyone else took it (the term moved on). A lapse
   * nobody took over is renewable: no other leader acted in between.
   */
  renew(name: string, holder: string, term: number, now: number, ttlMs: number): Promise<boolean>;
  /** Ends our tenure now (only if `holder` has it), keeping the row and its term, so a standby can take over at once. */
  release(name: string, holder: string, now: number): Promise<void>;
  get(name: string): Promise<Lease | undefined>;
  /**
   * Throws LeaseFencedError unless `term` is the lease's current term and unexpired. Called inside
   * a transaction, it also keeps any takeover out until that transaction ends (PostgreSQL: the row
   * is locked FOR SHARE; SQLite: the database's write lock is taken), so the transaction's writes
   * land wholly before a new term exists, or not at all.
   */
  assertTerm(name: string, term: number, now: number): Promise<void>;
}

/** A write or an AWS call was refused because its term no longer holds the lease. */
export class LeaseFencedError extends Error {
  constructor(
    message: string,
    /** The term the refused work carried. */
    readonly term?: number,
    /** The lease's current term, when known (equal to `term` when the lease merely lapsed). */
    readonly currentTerm?: number,
  ) {
    super(message);
    this.name = 'LeaseFencedError';
  }
}

/** What a lease row found by assertTerm means for a write under `term`; throws when refused. */
export function checkLeaseRow(
  name: string,
  term: number,
  row: { term: number; holder: string; live: boolean } | undefined,
): void {
  if (!row)
    throw new LeaseFencedError(`lease "${name}" does not exist; a write under term ${term} is refused`, term);
  if (row.term !== term) {
    throw new LeaseFencedError(
      `lease "${name}" is at term ${row.term} (held by ${row.holder}); a write under term ${term} is refused`,
      term,
      row.term,
    );
  }
  if (!row.live) {
    throw new LeaseFencedError(
      `lease "${name}" term ${term} has lapsed; renew it before writing`,
      term,
      row.term,
    );
  }
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`lease ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}
