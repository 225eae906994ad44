// Which whole minutes a metric query's range covers, as one integer: SQLite's statements take the
// ranges apart in SQL (sqlite/metrics.ts), PostgreSQL's repo with rangeBounds, so both read the same
// minutes.
import type { MinuteRange } from '../metrics.js';

/** (first minute << 20) | length in minutes: 2^20 minutes is about two years. */
export const LEN_BITS = 1_048_576;

/** The encoded range, or undefined when it holds no whole minute. */
export function encodeRange(r: MinuteRange): number | undefined {
  if (!Number.isFinite(r.from) || !Number.isFinite(r.to)) return undefined;
  const first = Math.ceil(r.from / 60_000);
  const last = Math.floor(r.to / 60_000);
  if (last < first || first < 0) return undefined;
  return first * LEN_BITS + Math.min(last - first, LEN_BITS - 1);
}

/** The first and last minute (epoch ms) of an encoded range. */
export function rangeBounds(code: number): { lo: number; hi: number } {
  const first = Math.floor(code / LEN_BITS);
  return { lo: first * 60_000, hi: (first + (code % LEN_BITS)) * 60_000 };
}
