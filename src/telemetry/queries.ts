// The async-endpoint metrics sagezero records, and how to ask CloudWatch for all of them at once.
// Async endpoints publish no Invocations metric: these are what they do publish (docs/ARCHITECTURE.md, "AWS facts the code honours").
import type { MetricDataQuery, MetricSeries } from '../cloud/types.js';
import type { MetricPoint } from '../store/index.js';

interface MetricDef {
  name: string;
  stat: 'Average' | 'Sum' | 'Maximum';
  /** Whether the metric also carries the VariantName dimension. */
  perVariant: boolean;
}

export const ASYNC_METRICS: readonly MetricDef[] = [
  { name: 'ApproximateBacklogSize', stat: 'Average', perVariant: false },
  { name: 'ApproximateBacklogSizePerInstance', stat: 'Average', perVariant: false },
  // Maximum: the age of the request that waited longest in the minute is what a cold start looks like.
  { name: 'ApproximateAgeOfOldestRequest', stat: 'Maximum', perVariant: false },
  { name: 'HasBacklogWithoutCapacity', stat: 'Average', perVariant: false },
  { name: 'InvocationsProcessed', stat: 'Sum', perVariant: true },
  { name: 'TimeInBacklog', stat: 'Average', perVariant: true },
  { name: 'TotalProcessingTime', stat: 'Average', perVariant: true },
  { name: 'InvocationFailures', stat: 'Sum', perVariant: true },
  { name: 'ExpiredRequests', stat: 'Sum', perVariant: true },
];

/** GetMetricData accepts at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

export interface QueryPlan {
  /** Batches of at most MAX_QUERIES_PER_CALL queries, in order. */
  batches: MetricDataQuery[][];
  /** Query id -> which endpoint and metric it asks for. */
  index: Map<string, { endpoint: string; metric: string }>;
}

export function planMetricQueries(endpoints: readonly { name: string; variantName: string }[]): QueryPlan {
  const all: MetricDataQuery[] = [];
  const index = new Map<string, { endpoint: string; metric: string }>();
  endpoints.forEach((e, i) => {
    ASYNC_METRICS.forEach((m, j) => {
      // Ids must start with a lower-case letter and be unique within the call.
      const id = `e${i}m${j}`;
      const dimensions = [{ name: 'EndpointName', value: e.name }];
      if (m.perVariant) dimensions.push({ name: 'VariantName', value: e.variantName });
      all.push({
        id,
        namespace: 'AWS/SageMaker',
        metricName: m.name,
        dimensions,
        stat: m.stat,
        periodSeconds: 60,
      });
      index.set(id, { endpoint: e.name, metric: m.name });
    });
  });
  const batches: MetricDataQuery[][] = [];
  for (let i = 0; i < all.length; i += MAX_QUERIES_PER_CALL)
    batches.push(all.slice(i, i + MAX_QUERIES_PER_CALL));
  return { batches, index };
}

/** Turns GetMetricData results into one point per (endpoint, metric, minute); unknown ids are ignored. */
export function toMetricPoints(series: readonly MetricSeries[], index: QueryPlan['index']): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const s of series) {
    const q = index.get(s.id);
    if (!q) continue;
    const n = Math.min(s.timestamps.length, s.values.length);
    for (let i = 0; i < n; i++) {
      const ts = s.timestamps[i];
      const v = s.values[i];
      if (ts === undefined || v === undefined || !Number.isFinite(ts) || !Number.isFinite(v)) continue;
      points.push({
        endpoint: q.endpoint,
        metric: q.metric,
        minute: Math.floor(ts / 60_000) * 60_000,
        value: v,
      });
    }
  }
  return points;
}
