// This process's memo of per-range metric answers (metrics.aggregate, metrics.positivePoints) on the
// PostgreSQL store. Each range those reads search costs the server an index descent and an executor
// rescan, several microseconds, and a 90-day cost report asks ~50,000 of them; SQLite does the same
// in-process for about a fifth of it. Most of those ranges lie in settled history that only a
// backfill rewrites, so their answers are kept here and dropped when the data under them changes.
//
// What changes the data says so: the table's statement triggers (PostgreSQL migration 12) notify a
// channel with the first and last minute each statement wrote or deleted, whoever wrote it, delivered
// at commit, so every replica hears of every commit (metrics-listener.ts) and drops the answers whose
// ranges overlap; this process's own writes also drop them at their commit (metrics.ts). Two orders
// need care:
// - an answer computed from a snapshot older than a commit whose notice has not arrived yet is
//   dropped when that notice arrives (it overlaps);
// - an answer computed from such a snapshot, whose notice arrived *while* it was being computed, is
//   not kept at all: `begin` hands out the count of notices so far and `put` keeps nothing if another
//   arrived since.
// While the channel is not being listened to (not yet connected, or the connection was lost) nothing
// is kept or answered from here.

/** Minute numbers (epoch ms / 60,000) of a range's first and last minute, as the reads search them. */
export interface MemoRange {
  lo: number;
  hi: number;
}

/**
 * The memo holds answers of at most this weight (one per answer, plus the numbers a list holds); past
 * it, it starts over (a bound on memory, not an LRU).
 */
export const MEMO_LIMIT = 200_000;

const MINUTE_MS = 60_000;

/** A change notice's payload: `u,<first ms>,<last ms>` (minutes written), `p,<ms>` (pruned before). */
export function updateNotice(firstMs: number, lastMs: number): string {
  return `u,${firstMs},${lastMs}`;
}
export function pruneNotice(beforeMs: number): string {
  return `p,${beforeMs}`;
}
/** What the TRUNCATE trigger sends: every answer goes, as for any notice the memo cannot read. */
export const RESET_NOTICE = 'reset';

/** What the listening connection tells a memo (metrics-listener.ts). */
export interface ChangeNotices {
  setListening(on: boolean): void;
  notice(payload: string): void;
}

/**
 * A range as one number, `lo` times 2^20 plus its length in minutes: no string and no object per
 * answer (a 90-day report of 100 endpoints keeps ~50,000). Minute numbers of this century times 2^20
 * stay below 2^53. Ranges of 2^20 minutes (two years) or longer, or before 1970, are not kept.
 */
const SPAN = 2 ** 20;
function encode(r: MemoRange): number | undefined {
  const len = r.hi - r.lo;
  return r.lo >= 0 && len >= 0 && len < SPAN && Number.isSafeInteger(r.lo * SPAN + len)
    ? r.lo * SPAN + len
    : undefined;
}

/** An answer's weight toward MEMO_LIMIT: 1, plus the length of a list. */
function weight(value: unknown): number {
  return Array.isArray(value) ? 1 + value.length : 1;
}

export class RangeMemo<V> implements ChangeNotices {
  private readonly byKey = new Map<string, Map<number, V>>();
  private size = 0;
  private notices = 0;
  private listening = false;

  /** Whether answers are kept: only while every change notice reaches this process. */
  setListening(on: boolean): void {
    this.listening = on;
    this.notices++;
    if (!on) this.clear();
  }

  /** A token for `put`, or undefined when nothing may be kept or answered (not listening). */
  begin(): number | undefined {
    return this.listening ? this.notices : undefined;
  }

  get(key: string, r: MemoRange): { value: V } | undefined {
    const code = encode(r);
    const ranges = code === undefined ? undefined : this.byKey.get(key);
    return ranges?.has(code!) ? { value: ranges.get(code!) as V } : undefined;
  }

  /** Keeps answers computed since `token`, unless a change notice arrived in between. */
  put(token: number, key: string, answers: readonly (MemoRange & { value: V })[]): void {
    if (!this.listening || token !== this.notices || answers.length === 0) return;
    let added = 0;
    for (const a of answers) added += weight(a.value);
    if (added > MEMO_LIMIT) return;
    if (this.size + added > MEMO_LIMIT) this.clear();
    let ranges = this.byKey.get(key);
    if (!ranges) {
      ranges = new Map();
      this.byKey.set(key, ranges);
    }
    for (const a of answers) {
      const code = encode(a);
      if (code === undefined) continue;
      if (ranges.has(code)) this.size -= weight(ranges.get(code));
      this.size += weight(a.value);
      ranges.set(code, a.value);
    }
  }

  /** A change notice: drops every answer it may have changed. */
  notice(payload: string): void {
    this.notices++;
    const [kind, a, b] = payload.split(',');
    const x = Number(a);
    const y = Number(b);
    if (kind === 'u' && Number.isFinite(x) && Number.isFinite(y)) {
      // Minute numbers of the written minutes' range: a kept range overlaps it or not.
      this.drop(Math.ceil(x / MINUTE_MS), Math.floor(y / MINUTE_MS));
    } else if (kind === 'p' && Number.isFinite(x)) {
      // Every range that starts before the pruned time (in its first minute or earlier).
      this.drop(-Infinity, Math.ceil(x / MINUTE_MS) - 1);
    } else {
      this.clear();
    }
  }

  /** The weight held (answers, plus the numbers of lists; for tests and the limit). */
  get entries(): number {
    return this.size;
  }

  /** Drops the answers whose range shares a minute with minutes first..last (minute numbers). */
  private drop(first: number, last: number): void {
    if (first > last) return;
    for (const ranges of this.byKey.values()) {
      for (const [code, value] of ranges) {
        const lo = Math.floor(code / SPAN);
        if (lo <= last && lo + (code % SPAN) >= first) {
          ranges.delete(code);
          this.size -= weight(value);
        }
      }
    }
  }

  private clear(): void {
    this.byKey.clear();
    this.size = 0;
  }
}
