// The simulated CloudWatch metric store: one statistic set (sum, count, min, max) per series per minute,
// densely in typed arrays, so a query or an alarm reads arrays instead of maps, and a series holds at
// most twice the store's retention (see MetricSeries).
// A minute's datapoint becomes visible `delayMs` after the minute ends, as CloudWatch delivers
// SageMaker's metrics a little late.
//
// Retention. CloudWatch keeps one-minute datapoints for 15 days; keeping that much for every series of
// every endpoint is most of a gigabyte for a hundred endpoints, and nothing running against the
// simulated region reads that far back. The store keeps `retentionMinutes` (SimOptions'
// metricRetentionMinutes, default DEFAULT_METRIC_RETENTION_MINUTES) and at least the evaluation range
// of the longest alarm registered so far (retainAtLeast), and answers as CloudWatch does after its own
// retention: a minute that ended more than the retention before `now` has no datapoint, for every
// query, whether or not the series' arrays still hold it. Unlike AWS, a GetMetricData query for a minute 4 hours
// old (with the default) returns nothing instead of the datapoint; what reads this store is covered:
// - alarms: each needs (evaluationPeriods + 1) x period plus the delivery delay (the window ends at the
//   last complete period); CloudWatch.add registers that, so an alarm evaluates exactly as with no trim.
//   AWS allows at most 1 day for periods under an hour and 7 days otherwise.
// - sagezero's telemetry (src/telemetry/poll.ts): GetMetricData for the minutes since its last read,
//   at most METRIC_MAX_LOOKBACK_MS (3 hours) after a gap, an hour on a first start.
// The tuner and the reports read sagezero's own SQLite store, never this one.
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

/** Minutes of one-minute datapoints the simulated CloudWatch keeps by default (see the header). */
export const DEFAULT_METRIC_RETENTION_MINUTES = 4 * 60;

/** How long the store keeps datapoints, in minutes (it only grows). */
export interface Retention {
  readonly retentionMinutes: number;
}

/**
 * One series: the minutes `firstMinute .. firstMinute + length - 1` (absolute minute indexes) densely
 * in typed arrays, minute m at index m - firstMinute (count 0: no datapoint that minute). The arrays
 * start small and grow to twice the store's retention, never beyond: when a write finds them full, the
 * minutes that fell out of the retention are dropped by moving the rest to the front, once per
 * retention's worth of minutes (so a write costs O(1) amortized and a series at most 2 x retention x
 * 32 bytes).
 */
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
    private readonly retention: Retention,
    capacity = 64,
  ) {
    const cap = Math.max(1, Math.min(capacity, 2 * retention.retentionMinutes));
    this.sum = new Float64Array(cap);
    this.count = new Float64Array(cap);
    this.min = new Float64Array(cap);
    this.max = new Float64Array(cap);
  }

  /** Calls `fn` for every minute held that has a datapoint, oldest first. */
  forEachMinute(fn: (minute: number, sum: number, count: number, min: number, max: number) => void): void {
    for (let i = 0; i < this.length; i++) {
      const c = this.count[i] as number;
      if (c > 0)
        fn(this.firstMinute + i, this.sum[i] as number, c, this.min[i] as number, this.max[i] as number);
    }
  }

  /** Adds a statistic set to a minute (absolute minute index). */
  add(minute: number, sum: number, count: number, min: number, max: number): void {
    if (count <= 0) return;
    if (this.firstMinute < 0) this.firstMinute = minute;
    let i = minute - this.firstMinute;
    if (i < 0) return;
    if (i >= this.count.length) i = this.makeRoom(minute);
    if (i < 0) return;
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

  /** Room for `minute` past the arrays' end: grow up to 2 x retention, then drop what is past it. */
  private makeRoom(minute: number): number {
    const keep = Math.max(1, this.retention.retentionMinutes);
    const needed = minute - this.firstMinute + 1;
    const cap = this.count.length;
    if (cap < 2 * keep) this.resize(Math.min(2 * keep, Math.max(needed, 2 * cap)));
    if (needed > this.count.length) this.trimBefore(minute - keep + 1);
    if (this.firstMinute < 0) this.firstMinute = minute;
    if (minute - this.firstMinute >= this.count.length) this.resize(minute - this.firstMinute + 1);
    return minute - this.firstMinute;
  }

  private resize(capacity: number): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, Math.min(this.length, capacity)));
      return b;
    };
    this.sum = g(this.sum);
    this.count = g(this.count);
    this.min = g(this.min);
    this.max = g(this.max);
  }

  /** Drops minutes before `minute`; a series left with none gives its arrays back. */
  trimBefore(minute: number): void {
    if (this.firstMinute < 0 || minute <= this.firstMinute) return;
    const drop = Math.min(this.length, minute - this.firstMinute);
    if (drop >= this.length) {
      this.length = 0;
      this.firstMinute = -1;
      if (this.count.length > 64) this.resize(1);
      else this.count.fill(0);
      return;
    }
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

  static fromJSON(j: SeriesJson, retention: Retention): MetricSeries {
    const s = new MetricSeries(j.namespace, j.metricName, j.dimensions, retention, 1);
    const n = j.sum.length;
    s.resize(Math.max(1, n));
    s.firstMinute = n > 0 ? j.firstMinute : -1;
    s.length = n;
    s.sum.set(j.sum);
    s.count.set(j.count);
    s.min.set(j.min);
    s.max.set(j.max);
    return s;
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

export class MetricStore implements Retention {
  private readonly series = new Map<string, MetricSeries>();
  private retention: number;

  constructor(
    readonly delayMs: number,
    /** Minutes of datapoints kept (see the header); alarms may extend it (retainAtLeast). */
    retentionMinutes = DEFAULT_METRIC_RETENTION_MINUTES,
    /** Slots a new series starts with (it grows to the retention as needed). */
    private readonly capacityMinutes = 64,
  ) {
    this.retention = Math.max(1, Math.ceil(retentionMinutes));
  }

  get retentionMinutes(): number {
    return this.retention;
  }

  /** Keeps at least `minutes` from now on (an alarm's evaluation range); the retention never shrinks. */
  retainAtLeast(minutes: number): void {
    if (minutes > this.retention) this.retention = Math.ceil(minutes);
  }

  /** The oldest minute (absolute index) a query at `now` may still see: older ones are past the retention. */
  oldestRetainedMinute(now: number): number {
    return Math.floor(now / MINUTE_MS) - this.retention;
  }

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
      s = new MetricSeries(namespace, metricName, dimensions, this, this.capacityMinutes);
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
    const lastVisible = Math.min(this.lastVisibleMinute(now), s.firstMinute + s.length - 1);
    const oldest = Math.max(this.oldestRetainedMinute(now), s.firstMinute);
    for (let p = 0; p < n; p++) {
      const m0 = Math.floor(firstPeriodStart / MINUTE_MS) + p * perPeriod;
      if (m0 > lastVisible) break;
      let sum = 0;
      let count = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let m = Math.max(m0, oldest); m < m0 + perPeriod && m <= lastVisible; m++) {
        const i = m - s.firstMinute;
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

  /**
   * Drops what no query at `now` can see any more. Writing a minute already drops what fell out of
   * the retention; this also frees the arrays of series nobody writes to any more (a deleted endpoint's).
   */
  expire(now: number): void {
    const oldest = this.oldestRetainedMinute(now);
    for (const s of this.series.values()) s.trimBefore(oldest);
  }

  trimBefore(minute: number): void {
    for (const s of this.series.values()) s.trimBefore(minute);
  }

  toJSON(): SeriesJson[] {
    return [...this.series.values()].filter((s) => s.length > 0).map((s) => s.toJSON());
  }

  load(list: SeriesJson[]): void {
    for (const j of list)
      this.series.set(seriesKey(j.namespace, j.metricName, j.dimensions), MetricSeries.fromJSON(j, this));
  }
}
