// A bound compared with a BIGINT column (epoch ms, minutes). Callers hand over JS numbers, and
// SQLite compares a fraction, an infinity or NaN with its integer columns as numbers; PostgreSQL
// refuses such a value as a BIGINT parameter. So a bound becomes the integer with the same effect on
// integer values: col <= x is col <= floor(x), col > x is col > floor(x), col >= x is col >= ceil(x),
// col < x is col < ceil(x). NaN binds as NULL on SQLite, so nothing matches it: NULL here too.

/** A BIGINT parameter: a safe integer, an extreme of BIGINT as text, or NULL. */
export type BigintBound = number | string | null;

// Stored values are safe integers (connect.ts refuses to read others), so past them a bound only
// has to be beyond every row: BIGINT's own extremes, as text because no double spells them exactly.
const clamp = (n: number): BigintBound =>
  n > Number.MAX_SAFE_INTEGER
    ? '9223372036854775807'
    : n < Number.MIN_SAFE_INTEGER
      ? '-9223372036854775808'
      : n;

/** For `col <= x` and `col > x`. */
export function floorBound(x: number): BigintBound {
  return Number.isNaN(x) ? null : clamp(Math.floor(x));
}

/** For `col >= x` and `col < x`. */
export function ceilBound(x: number): BigintBound {
  return Number.isNaN(x) ? null : clamp(Math.ceil(x));
}
