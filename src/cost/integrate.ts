// Piecewise-constant arithmetic behind the report: an instance-count step function times a price
// step function, integrated over a window and, optionally, over buckets of it.
import type { StepPoint } from '../store/index.js';

export const HOUR_MS = 3600_000;

/** A stretch [from, to) of constant count. */
export interface CountSegment {
  from: number;
  to: number;
  count: number;
}

/** A price in force from `from` until the next one (first may be -Infinity). */
export interface PricePoint {
  from: number;
  usdPerHour: number;
}

/**
 * Count segments over [start, end): `initial` holds at the start (the last transition before it),
 * each transition holds from its time on. Transitions outside the window are ignored.
 */
export function countSegments(
  initial: number,
  transitions: readonly StepPoint[],
  start: number,
  end: number,
): CountSegment[] {
  const out: CountSegment[] = [];
  let at = start;
  let count = initial;
  for (const t of transitions) {
    if (t.at <= start) {
      count = t.count;
      continue;
    }
    if (t.at >= end) break;
    if (t.at > at) out.push({ from: at, to: t.at, count });
    at = t.at;
    count = t.count;
  }
  if (end > at) out.push({ from: at, to: end, count });
  return out;
}

/** Price in force at `t`: the last point at or before it, else the first one. */
export function priceAt(prices: readonly PricePoint[], t: number): number | undefined {
  let p = prices[0]?.usdPerHour;
  for (const x of prices) {
    if (x.from <= t) p = x.usdPerHour;
    else break;
  }
  return p;
}

export interface Totals {
  instanceHours: number;
  /** undefined when there is no price. */
  spendUsd: number | undefined;
}

/** Integrates count (and count × price) over the segments, splitting at price changes. */
export function integrate(segments: readonly CountSegment[], prices: readonly PricePoint[]): Totals {
  let instanceMs = 0;
  let spend = 0;
  for (const s of segments) {
    instanceMs += s.count * (s.to - s.from);
    if (prices.length > 0 && s.count > 0) spend += s.count * priced(s.from, s.to, prices);
  }
  return { instanceHours: instanceMs / HOUR_MS, spendUsd: prices.length > 0 ? spend : undefined };
}

/** ∫ price dt over [from, to) in USD-per-instance (hours × $/h). */
function priced(from: number, to: number, prices: readonly PricePoint[]): number {
  let usd = 0;
  let at = from;
  let p = priceAt(prices, from) ?? 0;
  for (const x of prices) {
    if (x.from <= from) continue;
    if (x.from >= to) break;
    usd += (p * (x.from - at)) / HOUR_MS;
    at = x.from;
    p = x.usdPerHour;
  }
  return usd + (p * (to - at)) / HOUR_MS;
}

export interface BucketTotals extends Totals {
  start: number;
  end: number;
  /** Highest count in force at any time in the bucket. */
  maxInstances: number;
}

/** Per-bucket totals; `buckets` must be sorted and contiguous. */
export function integrateBuckets(
  segments: readonly CountSegment[],
  prices: readonly PricePoint[],
  bucketList: readonly { start: number; end: number }[],
): BucketTotals[] {
  const out: BucketTotals[] = bucketList.map((b) => ({
    start: b.start,
    end: b.end,
    instanceHours: 0,
    spendUsd: prices.length > 0 ? 0 : undefined,
    maxInstances: 0,
  }));
  let bi = 0;
  for (const s of segments) {
    while (bi < out.length && out[bi]!.end <= s.from) bi++;
    for (let j = bi; j < out.length && out[j]!.start < s.to; j++) {
      const b = out[j]!;
      const from = Math.max(s.from, b.start);
      const to = Math.min(s.to, b.end);
      if (to <= from) continue;
      b.instanceHours += (s.count * (to - from)) / HOUR_MS;
      if (b.spendUsd !== undefined && s.count > 0) b.spendUsd += s.count * priced(from, to, prices);
      if (s.count > b.maxInstances) b.maxInstances = s.count;
    }
  }
  return out;
}

/** Linear-interpolation percentile (the "type 7" estimator numpy and spreadsheets use); q in [0, 1]. */
export function percentile(values: readonly number[], q: number): number | undefined {
  return percentileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** The same over values already sorted ascending. */
export function percentileSorted(v: ArrayLike<number>, q: number): number | undefined {
  if (v.length === 0) return undefined;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}
