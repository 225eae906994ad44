// A meta value read as a number or as JSON, the same way on both backends.

/** Undefined for a missing key or a value that is not a finite number. */
export function metaNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Undefined for a missing key, and for a value that does not parse as JSON. */
export function metaJson<T>(v: string | undefined): T | undefined {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    return undefined;
  }
}
