// CloudWatch in the simulated region: alarms (single metric or metric math) evaluated once a minute
// on the datapoints delivered so far, their Auto Scaling actions, and GetMetricData.
import {
  CloudError,
  type AlarmSpec,
  type AlarmState,
  type MetricDataQuery,
  type MetricDimension,
  type MetricSeries as PortSeries,
} from '../types.js';
import { evaluateAlarm } from './alarm-eval.js';
import type { SimEngine } from './engine.js';
import type { SimAlarm } from './entities.js';
import { compileExpression, evaluateSeries, ExpressionError, type Compiled } from './expr.js';
import { checkStatistic, MINUTE_MS, type MetricSeries, type Statistic } from './metrics.js';

function validation(message: string, operation: string): CloudError {
  return new CloudError(message, 'ValidationError', false, operation);
}

/** Checks an alarm spec as PutMetricAlarm would, and compiles its expressions. */
export function compileAlarm(spec: AlarmSpec): Map<string, Compiled> | undefined {
  const op = 'PutMetricAlarm';
  if (!!spec.metric === !!spec.metrics)
    throw validation(`alarm ${spec.name}: give either a metric or metric queries, not both or neither`, op);
  if (spec.evaluationPeriods < 1)
    throw validation(`alarm ${spec.name}: EvaluationPeriods must be at least 1`, op);
  if (spec.datapointsToAlarm < 1 || spec.datapointsToAlarm > spec.evaluationPeriods) {
    throw validation(`alarm ${spec.name}: DatapointsToAlarm must be between 1 and EvaluationPeriods`, op);
  }
  if (spec.metric) {
    checkStatistic(spec.metric.statistic);
    if (spec.metric.periodSeconds < 60 || spec.metric.periodSeconds % 60 !== 0) {
      throw validation(`alarm ${spec.name}: Period must be a multiple of 60`, op);
    }
    checkEvaluationRange(spec, spec.metric.periodSeconds);
    return undefined;
  }
  const queries = spec.metrics ?? [];
  const returning = queries.filter((q) => q.returnData);
  if (returning.length !== 1)
    throw validation(`alarm ${spec.name}: exactly one metric query must have ReturnData true`, op);
  const period = queries.find((q) => q.metric)?.metric?.periodSeconds;
  if (period !== undefined) checkEvaluationRange(spec, period);
  const ids = new Set(queries.map((q) => q.id));
  const compiled = new Map<string, Compiled>();
  for (const q of queries) {
    if (q.metric) {
      checkStatistic(q.metric.stat);
      continue;
    }
    if (!q.expression)
      throw validation(`alarm ${spec.name}: query ${q.id} has neither a metric nor an expression`, op);
    try {
      compiled.set(q.id, compileExpression(q.expression, ids));
    } catch (e) {
      if (e instanceof ExpressionError) throw validation(`alarm ${spec.name}: ${e.message}`, op);
      throw e;
    }
  }
  return compiled;
}

/**
 * PutMetricAlarm's limit on the evaluation range (period x evaluation periods): seven days, one day for
 * periods under an hour. The simulated store keeps the longest registered range (see metrics.ts).
 */
function checkEvaluationRange(spec: AlarmSpec, periodSeconds: number): void {
  const limit = periodSeconds < 3600 ? 86_400 : 604_800;
  if (periodSeconds * spec.evaluationPeriods > limit) {
    throw validation(
      `alarm ${spec.name}: Period x EvaluationPeriods must be at most ${limit} seconds`,
      'PutMetricAlarm',
    );
  }
}

/** The endpoint every metric of the alarm is about (same EndpointName dimension), if there is one. */
function alarmEndpoint(spec: AlarmSpec): string | undefined {
  const dims = spec.metric
    ? [spec.metric.dimensions]
    : (spec.metrics ?? []).filter((q) => q.metric).map((q) => q.metric?.dimensions ?? []);
  const names = new Set(dims.map((d) => d.find((x) => x.name === 'EndpointName')?.value));
  if (names.size !== 1) return undefined;
  const [name] = names;
  const namespaces = new Set(
    spec.metric
      ? [spec.metric.namespace]
      : (spec.metrics ?? []).flatMap((q) => (q.metric ? [q.metric.namespace] : [])),
  );
  return namespaces.size === 1 && namespaces.has('AWS/SageMaker') ? name : undefined;
}

function alarmPeriodMs(spec: AlarmSpec): number {
  if (spec.metric) return spec.metric.periodSeconds * 1000;
  const q = spec.metrics?.find((m) => m.metric);
  return (q?.metric?.periodSeconds ?? 60) * 1000;
}

export class CloudWatch {
  /** In creation order, which is also evaluation order. */
  readonly alarms = new Map<string, SimAlarm>();

  constructor(private readonly sim: SimEngine) {}

  putAlarm(spec: AlarmSpec): void {
    if (spec.name.startsWith('TargetTracking-')) {
      const existing = this.alarms.get(spec.name);
      if (existing?.targetTracking)
        throw validation(`alarm ${spec.name} is managed by Application Auto Scaling`, 'PutMetricAlarm');
    }
    const compiled = compileAlarm(spec);
    const existing = this.alarms.get(spec.name);
    const alarm: SimAlarm = {
      spec: structuredClone(spec),
      arn: this.sim.arn('cloudwatch', `alarm:${spec.name}`),
      stateValue: existing?.stateValue ?? 'INSUFFICIENT_DATA',
      stateUpdatedAt: existing?.stateUpdatedAt ?? this.sim.now,
    };
    if (compiled) alarm.compiled = compiled;
    this.add(alarm);
  }

  /** Registers an alarm (also the ones target tracking creates). */
  add(alarm: SimAlarm): void {
    // The store keeps what the alarm's window reads: n periods ending at the last complete period
    // before the delivery delay, so up to (n + 1) periods and the delay back from now.
    const store = this.sim.metrics;
    const period = alarmPeriodMs(alarm.spec);
    store.retainAtLeast(((alarm.spec.evaluationPeriods + 1) * period + store.delayMs) / MINUTE_MS + 1);
    const name = alarmEndpoint(alarm.spec);
    if (name !== undefined) alarm.endpointName = name;
    this.alarms.set(alarm.spec.name, alarm);
  }

  deleteAlarms(names: string[]): void {
    for (const n of names) this.alarms.delete(n);
  }

  list(prefix: string): AlarmState[] {
    const out: AlarmState[] = [];
    for (const a of this.alarms.values()) {
      if (a.spec.name.startsWith(prefix))
        out.push({ ...structuredClone(a.spec), arn: a.arn, stateValue: a.stateValue });
    }
    return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }

  /** The alarm's datapoints over its evaluation range, as of now (NaN = missing). */
  values(alarm: SimAlarm): Float64Array {
    const spec = alarm.spec;
    const sim = this.sim;
    const store = sim.metrics;
    const period = alarmPeriodMs(spec);
    const n = spec.evaluationPeriods;
    const lastEnd = Math.floor((sim.now - store.delayMs) / period) * period;
    const first = lastEnd - n * period;
    // An idle endpoint publishes the same datapoints minute after minute: once a window lies wholly
    // in such a quiet stretch and was evaluated there, the next quiet window has the same values.
    const ep = alarm.endpointName !== undefined ? sim.endpoints.get(alarm.endpointName) : undefined;
    const quietFrom = ep && ep.quietSince >= 0 && first / MINUTE_MS >= ep.quietSince ? ep.quietSince : -1;
    if (quietFrom >= 0 && alarm.quietFrom === quietFrom && alarm.lastValues) return alarm.lastValues;
    const values = this.computeValues(alarm, period, first, n);
    alarm.lastValues = values;
    alarm.quietFrom = quietFrom;
    return values;
  }

  private computeValues(alarm: SimAlarm, period: number, first: number, n: number): Float64Array {
    const spec = alarm.spec;
    const sim = this.sim;
    const store = sim.metrics;
    // Series are looked up by key once and kept on the alarm: this runs every minute for every alarm.
    const cache = (alarm.series ??= []);
    const seriesAt = (
      i: number,
      m: { namespace: string; metricName: string; dimensions: MetricDimension[] },
    ): MetricSeries | undefined => {
      let s = cache[i];
      if (!s) {
        s = store.get(m.namespace, m.metricName, m.dimensions);
        cache[i] = s;
      }
      return s;
    };
    if (spec.metric) {
      const m = spec.metric;
      return store.periodValues(seriesAt(0, m), m.statistic, period, first, n, sim.now);
    }
    const env = new Map<string, Float64Array>();
    const queries = spec.metrics ?? [];
    queries.forEach((q, i) => {
      if (!q.metric) return;
      const m = q.metric;
      env.set(
        q.id,
        store.periodValues(seriesAt(i, m), m.stat as Statistic, m.periodSeconds * 1000, first, n, sim.now),
      );
    });
    const compiled = alarm.compiled ?? new Map<string, Compiled>();
    let result: Float64Array | undefined;
    // Expressions may refer to each other; evaluate until every one is bound (at most |queries| rounds).
    for (let round = 0; round < queries.length; round++) {
      let progressed = false;
      for (const q of queries) {
        const c = compiled.get(q.id);
        if (!c || env.has(q.id)) continue;
        try {
          env.set(q.id, evaluateSeries(c, env, n));
          progressed = true;
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
        }
      }
      if (!progressed) break;
    }
    const ret = queries.find((q) => q.returnData);
    if (ret) result = env.get(ret.id);
    return result ?? new Float64Array(n).fill(NaN);
  }

  /** Evaluates every alarm; each one in ALARM invokes its Auto Scaling actions. */
  evaluateAll(): void {
    const sim = this.sim;
    // Actions never add or remove alarms, so iterating the live map is safe.
    for (const alarm of this.alarms.values()) {
      const previous = alarm.lastValues;
      const values = this.values(alarm);
      // Same values (a quiet window seen before) and same state in: same state out.
      const next =
        values === previous ? alarm.stateValue : evaluateAlarm(values, alarm.spec, alarm.stateValue);
      if (next !== alarm.stateValue) {
        alarm.stateValue = next;
        alarm.stateUpdatedAt = sim.now;
      }
      if (next !== 'ALARM') continue;
      for (const action of alarm.spec.alarmActions) sim.aas.invoke(action, alarm, values);
    }
  }

  getMetricData(queries: MetricDataQuery[], start: number, end: number): PortSeries[] {
    const store = this.sim.metrics;
    return queries.map((q) => {
      const stat = checkStatistic(q.stat);
      const period = q.periodSeconds * 1000;
      if (period < MINUTE_MS || period % MINUTE_MS !== 0) {
        throw validation(`query ${q.id}: Period must be a multiple of 60 seconds`, 'GetMetricData');
      }
      const first = Math.floor(start / period) * period;
      const n = Math.max(0, Math.ceil((end - first) / period));
      const values = store.periodValues(
        store.get(q.namespace, q.metricName, q.dimensions),
        stat,
        period,
        first,
        n,
        this.sim.now,
      );
      const out: PortSeries = { id: q.id, timestamps: [], values: [] };
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        const ts = first + i * period;
        if (Number.isNaN(v) || ts < start || ts >= end) continue;
        out.timestamps.push(ts);
        out.values.push(v);
      }
      return out;
    });
  }
}
