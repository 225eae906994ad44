// Async endpoint metrics at one-minute resolution, as GetMetricData returned them.

export interface MetricPoint {
  endpoint: string;
  metric: string;
  /** Start of the minute, ms since the epoch. */
  minute: number;
  value: number;
}

/** A closed range of minutes [from, to] to aggregate over. */
export interface MinuteRange {
  from: number;
  to: number;
}

export interface MetricRepo {
  /** Upserts: CloudWatch revises recent datapoints, so a later poll wins. */
  upsert(points: readonly MetricPoint[]): Promise<void>;
  series(
    endpoint: string,
    metric: string,
    from: number,
    to: number,
  ): Promise<{ minute: number; value: number }[]>;
  /**
   * One aggregate per range, computed inside SQLite with one statement: the report asks this for
   * thousands of short ranges (one per wake or probe) and a query each would dominate its time.
   */
  aggregate(
    endpoint: string,
    metric: string,
    ranges: readonly MinuteRange[],
    fn: 'max' | 'sum' | 'firstPositive',
  ): Promise<(number | undefined)[]>;
  /** Per range, its minutes with a value above zero, as [minute, value] pairs in time order. */
  positivePoints(
    endpoint: string,
    metric: string,
    ranges: readonly MinuteRange[],
  ): Promise<[number, number][][]>;
  /** Deletes points older than `before`; returns how many went. */
  prune(before: number): Promise<number>;
  latestMinute(endpoint: string, metric: string): Promise<number | undefined>;
  /** The oldest minute stored for the endpoint and metric. */
  earliestMinute(endpoint: string, metric: string): Promise<number | undefined>;
}
