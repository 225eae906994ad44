// Summary statistics for simulation results.

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `values` (NaN when empty). Sorts a copy. */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const n = values.length;
  if (n === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[n - 1] as number };
}

/** Concatenates typed arrays (for percentiles over every endpoint). */
export function concat(parts: readonly ArrayLike<number>[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[k++] = p[i] as number;
  }
  return out;
}

/** Geometric mean of positive finite ratios; undefined when there are none. */
export function geometricMean(ratios: readonly number[]): number | undefined {
  let sum = 0;
  let n = 0;
  for (const r of ratios) {
    if (!(r > 0) || !Number.isFinite(r)) continue;
    sum += Math.log(r);
    n++;
  }
  return n === 0 ? undefined : Math.exp(sum / n);
}
