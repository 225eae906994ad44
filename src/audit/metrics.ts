// The invocation history of every endpoint from CloudWatch, one-minute datapoints, read with as few
// GetMetricData calls as AWS's limits allow: at most 500 queries a call, and the window cut so that one
// call can never have more than 100,800 datapoints to return (one page; more would be paginated, which
// costs the same calls without saying so up front).
// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
import type { Cloud, MetricDataQuery } from '../cloud/types.js';
import { ASYNC_METRICS } from '../telemetry/queries.js';
import type { EndpointKind, EndpointMinutes } from './types.js';

export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
const MINUTE_MS = 60_000;

interface AuditMetric {
  name: string;
  stat: 'Sum' | 'Average';
  perVariant: boolean;
}

const asyncDef = (name: string): AuditMetric => {
  const m = ASYNC_METRICS.find((d) => d.name === name);
  if (!m || m.stat === 'Maximum') throw new Error(`internal: no async metric ${name}`);
  return { name, stat: m.stat, perVariant: m.perVariant };
};

/**
 * Async endpoints publish no Invocations: what arrived is rebuilt from what left the queue and the
 * queue's level (src/tune/reconstruct.ts), and TotalProcessingTime times the requests.
 */
export const AUDIT_ASYNC_METRICS: readonly AuditMetric[] = [
  'InvocationsProcessed',
  'ApproximateBacklogSize',
  'InvocationFailures',
  'ExpiredRequests',
  'TotalProcessingTime',
].map(asyncDef);

/** Real-time endpoints count requests as they arrive; ModelLatency (microseconds) times them. */
export const AUDIT_REALTIME_METRICS: readonly AuditMetric[] = [
  { name: 'Invocations', stat: 'Sum', perVariant: true },
  { name: 'ModelLatency', stat: 'Average', perVariant: true },
];

export function metricsFor(kind: EndpointKind): readonly AuditMetric[] {
  return kind === 'async' ? AUDIT_ASYNC_METRICS : AUDIT_REALTIME_METRICS;
}

export interface MetricCall {
  queries: MetricDataQuery[];
  start: number;
  end: number;
}

/**
 * Splits `queries` over [start, end) into calls within AWS's limits: query groups of equal size (at
 * most 500), and for each group the window in chunks of whole minutes such that group size x minutes
 * stays within 100,800 datapoints.
 */
export function planCalls(queries: readonly MetricDataQuery[], start: number, end: number): MetricCall[] {
  const minutes = Math.ceil((end - start) / MINUTE_MS);
  if (queries.length === 0 || minutes <= 0) return [];
  const groups = Math.ceil(queries.length / MAX_QUERIES_PER_CALL);
  const size = Math.ceil(queries.length / groups);
  const chunkMinutes = Math.max(1, Math.floor(MAX_DATAPOINTS_PER_CALL / size));
  const calls: MetricCall[] = [];
  for (let g = 0; g < queries.length; g += size) {
    const group = queries.slice(g, g + size);
    for (let t = start; t < end; t += chunkMinutes * MINUTE_MS)
      calls.push({ queries: group, start: t, end: Math.min(end, t + chunkMinutes * MINUTE_MS) });
  }
  return calls;
}

export interface MetricTarget {
  name: string;
  variantName: string;
  kind: EndpointKind;
}

/**
 * Reads every target's metrics over [start, end) (minute-aligned), one dense array per metric.
 * `onCall` is told after each GetMetricData call (for the progress line).
 */
export async function readMinutes(
  cloud: Cloud,
  targets: readonly MetricTarget[],
  start: number,
  end: number,
  onCall?: (done: number, total: number) => void,
): Promise<{ minutes: EndpointMinutes[]; calls: number }> {
  const minutes = Math.max(0, Math.floor((end - start) / MINUTE_MS));
  const result: EndpointMinutes[] = targets.map((t) => ({
    start,
    minutes,
    series: Object.fromEntries(metricsFor(t.kind).map((m) => [m.name, new Float64Array(minutes).fill(NaN)])),
    datapoints: 0,
  }));
  const index = new Map<string, { target: number; metric: string }>();
  const queries: MetricDataQuery[] = [];
  targets.forEach((t, i) => {
    metricsFor(t.kind).forEach((m, j) => {
      // Ids must start with a lower-case letter and be unique within a call.
      const id = `e${i}m${j}`;
      const dimensions = [{ name: 'EndpointName', value: t.name }];
      if (m.perVariant) dimensions.push({ name: 'VariantName', value: t.variantName });
      queries.push({
        id,
        namespace: 'AWS/SageMaker',
        metricName: m.name,
        dimensions,
        stat: m.stat,
        periodSeconds: 60,
      });
      index.set(id, { target: i, metric: m.name });
    });
  });
  const calls = planCalls(queries, start, start + minutes * MINUTE_MS);
  let done = 0;
  for (const call of calls) {
    const series = await cloud.getMetricData(call.queries, call.start, call.end);
    for (const s of series) {
      const q = index.get(s.id);
      if (!q) continue;
      const into = result[q.target] as EndpointMinutes;
      const arr = into.series[q.metric] as Float64Array;
      const n = Math.min(s.timestamps.length, s.values.length);
      for (let k = 0; k < n; k++) {
        const i = Math.floor(((s.timestamps[k] as number) - start) / MINUTE_MS);
        const v = s.values[k] as number;
        if (i < 0 || i >= minutes || !Number.isFinite(v)) continue;
        arr[i] = v;
        into.datapoints++;
      }
    }
    onCall?.(++done, calls.length);
  }
  return { minutes: result, calls: calls.length };
}
