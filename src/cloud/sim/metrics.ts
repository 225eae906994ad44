// The simulated CloudWatch metric store: one statistic set (sum, count, min, max) per series per minute,
// kept densely from the series' first minute, so a query or an alarm reads arrays instead of maps.
// A minute's datapoint becomes visible `delayMs` after the minute ends, as CloudWatch delivers
// SageMaker's metrics a little late.
import { CloudError, type MetricDimension } from '../types.js';

export const MINUTE_MS = 60_000;

export function seriesKey(
  namespace: string,
  metricName: string,
  dimensions: readonly MetricDimension[],
): string {
  const dims = [...dimensions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => `${d.name}=${d.value}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

export interface SeriesJson {
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
  firstMinute: number;
  sum: number[];
  count: number[];
  min: number[];
  max: number[];
}

export class MetricSeries {
  firstMinute = -1;
  length = 0;
  sum: Float64Array;
  count: Float64Array;
  min: Float64Array;
  max: Float64Array;

  constructor(
    readonly namespace: string,
    readonly metricName: string,
    readonly dimensions: MetricDimension[],
    capacity = 256,
  ) {
    this.sum = new Float64Array(capacity);
    this.count = new Float64Array(capacity);
    this.min = new Float64Array(capacity);
    this.max = new Float64Array(capacity);
  }

  /** Adds a statistic set to a minute (absolute minute index). */
  add(minute: number, sum: number, count: number, min: number, max: number): void {
    if (count <= 0) return;
    if (this.firstMinute < 0) this.firstMinute = minute;
    const i = minute - this.firstMinute;
    if (i < 0) return;
    if (i >= this.sum.length) this.grow(i + 1);
    if (i >= this.length) this.length = i + 1;
    const c = this.count[i] as number;
    if (c === 0) {
      this.sum[i] = sum;
      this.count[i] = count;
      this.min[i] = min;
      this.max[i] = max;
    } else {
      this.sum[i] = (this.sum[i] as number) + sum;
      this.count[i] = c + count;
      if (min < (this.min[i] as number)) this.min[i] = min;
      if (max > (this.max[i] as number)) this.max[i] = max;
    }
  }

  /** Drops minutes before `minute`. */
  trimBefore(minute: number): void {
    if (this.firstMinute < 0 || minute <= this.firstMinute) return;
    const drop = Math.min(this.length, minute - this.firstMinute);
    this.sum.copyWithin(0, drop, this.length);
    this.count.copyWithin(0, drop, this.length);
    this.min.copyWithin(0, drop, this.length);
    this.max.copyWithin(0, drop, this.length);
    this.count.fill(0, this.length - drop, this.length);
    this.length -= drop;
    this.firstMinute += drop;
  }

  toJSON(): SeriesJson {
    const n = this.length;
    return {
      namespace: this.namespace,
      metricName: this.metricName,
      dimensions: this.dimensions,
      firstMinute: this.firstMinute,
      sum: Array.from(this.sum.subarray(0, n)),
      count: Array.from(this.count.subarray(0, n)),
      min: Array.from(this.min.subarray(0, n)),
      max: Array.from(this.max.subarray(0, n)),
    };
  }

  static fromJSON(j: SeriesJson): MetricSeries {
    const s = new MetricSeries(j.namespace, j.metricName, j.dimensions, Math.max(64, j.sum.length));
    s.firstMinute = j.firstMinute;
    s.length = j.sum.length;
    s.sum.set(j.sum);
    s.count.set(j.count);
    s.min.set(j.min);
    s.max.set(j.max);
    return s;
  }

  private grow(needed: number): void {
    let cap = this.sum.length * 2;
    while (cap < needed) cap *= 2;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.sum = g(this.sum);
    this.count = g(this.count);
    this.min = g(this.min);
    this.max = g(this.max);
  }
}

export type Statistic = 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount';

export function checkStatistic(stat: string): Statistic {
  if (
    stat === 'Average' ||
    stat === 'Sum' ||
    stat === 'Maximum' ||
    stat === 'Minimum' ||
    stat === 'SampleCount'
  ) {
    return stat;
  }
  throw new CloudError(
    `the simulated cloud does not support the statistic "${stat}"`,
    'InvalidParameterValue',
    false,
  );
}

export class MetricStore {
  private readonly series = new Map<string, MetricSeries>();

  constructor(
    readonly delayMs: number,
    private readonly capacityMinutes = 256,
  ) {}

  get(
    namespace: string,
    metricName: string,
    dimensions: readonly MetricDimension[],
  ): MetricSeries | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions));
  }

  getOrCreate(namespace: string, metricName: string, dimensions: MetricDimension[]): MetricSeries {
    const key = seriesKey(namespace, metricName, dimensions);
    let s = this.series.get(key);
    if (!s) {
      s = new MetricSeries(namespace, metricName, dimensions, this.capacityMinutes);
      this.series.set(key, s);
    }
    return s;
  }

  all(): IterableIterator<MetricSeries> {
    return this.series.values();
  }

  /** The last minute (absolute index) whose datapoint is visible at `now`. */
  lastVisibleMinute(now: number): number {
    return Math.floor((now - this.delayMs) / MINUTE_MS) - 1;
  }

  /**
   * Aggregates `n` consecutive periods starting at `firstPeriodStart` (ms, aligned) into one value
   * each; NaN where no visible datapoint falls in the period.
   */
  periodValues(
    s: MetricSeries | undefined,
    stat: Statistic,
    periodMs: number,
    firstPeriodStart: number,
    n: number,
    now: number,
  ): Float64Array {
    const out = new Float64Array(n).fill(NaN);
    if (!s || s.firstMinute < 0) return out;
    const perPeriod = Math.max(1, Math.round(periodMs / MINUTE_MS));
    const lastVisible = this.lastVisibleMinute(now);
    for (let p = 0; p < n; p++) {
      const m0 = Math.floor(firstPeriodStart / MINUTE_MS) + p * perPeriod;
      let sum = 0;
      let count = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let m = m0; m < m0 + perPeriod && m <= lastVisible; m++) {
        const i = m - s.firstMinute;
        if (i < 0 || i >= s.length) continue;
        const c = s.count[i] as number;
        if (c === 0) continue;
        sum += s.sum[i] as number;
        count += c;
        if ((s.min[i] as number) < min) min = s.min[i] as number;
        if ((s.max[i] as number) > max) max = s.max[i] as number;
      }
      if (count === 0) continue;
      out[p] =
        stat === 'Average'
          ? sum / count
          : stat === 'Sum'
            ? sum
            : stat === 'Maximum'
              ? max
              : stat === 'Minimum'
                ? min
                : count;
    }
    return out;
  }

  trimBefore(minute: number): void {
    for (const s of this.series.values()) s.trimBefore(minute);
  }

  toJSON(): SeriesJson[] {
    return [...this.series.values()].filter((s) => s.length > 0).map((s) => s.toJSON());
  }

  load(list: SeriesJson[]): void {
    for (const j of list)
      this.series.set(seriesKey(j.namespace, j.metricName, j.dimensions), MetricSeries.fromJSON(j));
  }
}
