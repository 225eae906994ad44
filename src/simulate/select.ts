// Percentiles for the tuner's inner loop: one value per candidate over up to millions of requests, so
// a selection (linear) rather than a sort.

/** k-th smallest (0-based) of `values`; reorders `values` in place. */
export function selectKth(values: Float32Array | Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    // Median of three keeps sorted and reverse-sorted input (common in traces) linear.
    const mid = (lo + hi) >>> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

/**
 * Nearest-rank 95th percentile over `total` requests of which `completed` (their times to result)
 * finished; the others never got a result and rank above every finished one. NaN when total is 0.
 */
export function p95WithUnserved(completed: Float32Array | Float64Array, total: number): number {
  if (total === 0) return NaN;
  const k = Math.max(0, Math.ceil(0.95 * total) - 1);
  if (k >= completed.length) return Infinity;
  return selectKth(completed.slice(), k);
}
