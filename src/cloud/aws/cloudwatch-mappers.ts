// CloudWatch alarm and metric-data shapes <-> the port's AlarmSpec / MetricQuery / MetricSeries. Pure.
import type {
  Dimension,
  MetricAlarm,
  MetricDataQuery as SdkMetricDataQuery,
  MetricDataResult,
  PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { CloudError } from '../types.js';
import type {
  AlarmSpec,
  AlarmState,
  ComparisonOperator,
  MetricDataQuery,
  MetricDimension,
  MetricQuery,
  MetricSeries,
  Tags,
  TreatMissingData,
} from '../types.js';
import { toTagList } from './tags.js';

/** GetMetricData accepts at most 500 queries per call; DeleteAlarms at most 100 names. */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_ALARMS_PER_DELETE = 100;

const STATISTICS = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount'] as const;
const COMPARISONS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const MISSING: readonly TreatMissingData[] = ['missing', 'notBreaching', 'breaching', 'ignore'];
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

function toDimensions(dims: MetricDimension[]): Dimension[] {
  return dims.map((d) => ({ Name: d.name, Value: d.value }));
}

function fromDimensions(dims: Dimension[] | undefined): MetricDimension[] {
  return (dims ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
}

export function toSdkMetricQuery(q: MetricQuery): SdkMetricDataQuery {
  const out: SdkMetricDataQuery = { Id: q.id, ReturnData: q.returnData };
  if (q.label !== undefined) out.Label = q.label;
  if (q.expression !== undefined) out.Expression = q.expression;
  if (q.metric) {
    out.MetricStat = {
      Metric: {
        Namespace: q.metric.namespace,
        MetricName: q.metric.metricName,
        Dimensions: toDimensions(q.metric.dimensions),
      },
      Period: q.metric.periodSeconds,
      Stat: q.metric.stat,
    };
  }
  return out;
}

export function fromSdkMetricQuery(q: SdkMetricDataQuery): MetricQuery {
  // PutMetricAlarm needs ReturnData set on every query, so an absent flag reads as false.
  const out: MetricQuery = { id: q.Id ?? '', returnData: q.ReturnData ?? false };
  if (q.Label !== undefined) out.label = q.Label;
  if (q.Expression !== undefined) out.expression = q.Expression;
  const stat = q.MetricStat;
  if (stat?.Metric) {
    out.metric = {
      namespace: stat.Metric.Namespace ?? '',
      metricName: stat.Metric.MetricName ?? '',
      dimensions: fromDimensions(stat.Metric.Dimensions),
      stat: stat.Stat ?? '',
      periodSeconds: stat.Period ?? 0,
    };
  }
  return out;
}

export function toPutMetricAlarmInput(spec: AlarmSpec): PutMetricAlarmInput {
  if (Boolean(spec.metric) === Boolean(spec.metrics?.length)) {
    throw new CloudError(
      `alarm "${spec.name}" must have either "metric" or a non-empty "metrics", not ${spec.metric ? 'both' : 'neither'}`,
      'InvalidAlarmSpec',
      false,
      'PutMetricAlarm',
    );
  }
  const input: PutMetricAlarmInput = {
    AlarmName: spec.name,
    AlarmDescription: spec.description,
    ActionsEnabled: true,
    AlarmActions: [...spec.alarmActions],
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    Threshold: spec.threshold,
    ComparisonOperator: spec.comparisonOperator,
    TreatMissingData: spec.treatMissingData,
    Tags: toTagList(spec.tags),
  };
  if (spec.metric) {
    input.Namespace = spec.metric.namespace;
    input.MetricName = spec.metric.metricName;
    input.Dimensions = toDimensions(spec.metric.dimensions);
    input.Statistic = spec.metric.statistic;
    input.Period = spec.metric.periodSeconds;
  } else {
    input.Metrics = (spec.metrics ?? []).map(toSdkMetricQuery);
  }
  return input;
}

export function fromMetricAlarm(a: MetricAlarm, tags: Tags): AlarmState {
  const state: AlarmState = {
    name: a.AlarmName ?? '',
    arn: a.AlarmArn ?? '',
    stateValue: oneOf(a.StateValue, STATES, 'INSUFFICIENT_DATA'),
    evaluationPeriods: a.EvaluationPeriods ?? 0,
    // Absent means "all of the evaluation periods", which is what CloudWatch evaluates.
    datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods ?? 0,
    threshold: a.Threshold ?? 0,
    comparisonOperator: oneOf(a.ComparisonOperator, COMPARISONS, 'GreaterThanOrEqualToThreshold'),
    treatMissingData: oneOf(a.TreatMissingData, MISSING, 'missing'),
    alarmActions: [...(a.AlarmActions ?? [])],
    tags,
  };
  if (a.AlarmDescription !== undefined) state.description = a.AlarmDescription;
  if (a.Metrics && a.Metrics.length > 0) {
    state.metrics = a.Metrics.map(fromSdkMetricQuery);
  } else {
    state.metric = {
      namespace: a.Namespace ?? '',
      metricName: a.MetricName ?? '',
      dimensions: fromDimensions(a.Dimensions),
      statistic: oneOf(a.Statistic, STATISTICS, 'Average'),
      periodSeconds: a.Period ?? 0,
    };
  }
  return state;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * CloudWatch ids must match ^[a-z][a-zA-Z0-9_]*$, which endpoint names with dashes do not; the
 * call uses positional ids (`q0`, `q1`, ...) and the caller's ids come back on the series.
 */
export function wireId(index: number): string {
  return `q${index}`;
}

export function toSdkMetricDataQuery(q: MetricDataQuery, index: number): SdkMetricDataQuery {
  return {
    Id: wireId(index),
    MetricStat: {
      Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: toDimensions(q.dimensions) },
      Period: q.periodSeconds,
      Stat: q.stat,
    },
    ReturnData: true,
  };
}

/**
 * Joins the results of every page (a series can continue across pages) into one series per query,
 * in the caller's order and with the caller's ids, timestamps ascending whatever order CloudWatch
 * used, and a timestamp that appears twice (overlapping pages) kept once.
 */
export function mergeMetricResults(
  queries: readonly MetricDataQuery[],
  results: readonly MetricDataResult[],
): MetricSeries[] {
  const points = queries.map(() => new Map<number, number>());
  const byWireId = new Map(queries.map((_, i) => [wireId(i), i]));
  for (const r of results) {
    const index = byWireId.get(r.Id ?? '');
    if (index === undefined) continue;
    const series = points[index];
    const ts = r.Timestamps ?? [];
    const vs = r.Values ?? [];
    for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
      const t = ts[i];
      const v = vs[i];
      if (t !== undefined && v !== undefined) series?.set(t.getTime(), v);
    }
  }
  return queries.map((q, i) => {
    const sorted = [...(points[i] ?? new Map<number, number>()).entries()].sort((a, b) => a[0] - b[0]);
    return { id: q.id, timestamps: sorted.map(([t]) => t), values: sorted.map(([, v]) => v) };
  });
}
