// Number arrays as PostgreSQL array literals ('{1,2,3}'), built with one join. pg's own conversion
// walks every element through its generic prepareValue and escapes each one as a string: for the
// cost report's ~90,000 range bounds that was a tenth of the report's client CPU (bench/RESULTS.md,
// "the store"). Numbers need no quoting; text arrays still go through pg.

/** For a `$n::bigint[]` parameter: every element a safe integer (callers pass minutes and ms). */
export function bigintArray(values: readonly number[]): string {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`BIGINT array element ${v} is not a safe integer`);
  }
  return `{${values.join(',')}}`;
}

/**
 * For a `$n::double precision[]` parameter. JavaScript's shortest round-trip spelling reads back as
 * the same double in PostgreSQL; the infinities are spelled as PostgreSQL spells them. NaN is refused
 * (the caller rejects it first, as SQLite's NOT NULL column does).
 */
export function float8Array(values: readonly number[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) throw new RangeError('double precision array element is NaN');
    if (i > 0) out += ',';
    out += v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  }
  return `${out}}`;
}

/**
 * Whether times never go back: the order an aggregate over a subquery in index order must have kept
 * (PostgreSQL documents it as what "will usually work"; the readers check it and fall back).
 */
export function ascending(at: readonly number[]): boolean {
  for (let i = 1; i < at.length; i++) if (at[i]! < at[i - 1]!) return false;
  return true;
}

/** A double as PostgreSQL writes it in JSON: a number, or a string for the infinities. */
export type JsonDouble = number | 'Infinity' | '-Infinity';
export const jsonDouble = (v: JsonDouble): number => (typeof v === 'number' ? v : Number(v));
