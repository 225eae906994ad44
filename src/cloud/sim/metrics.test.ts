import { describe, expect, it } from 'vitest';
import { METRIC_MAX_LOOKBACK_MS } from '../../telemetry/poll.js';
import type { AlarmSpec } from '../types.js';
import { SimEngine, simOptions } from './engine.js';
import { DEFAULT_METRIC_RETENTION_MINUTES, MetricStore, MINUTE_MS } from './metrics.js';
import { Rng } from './rng.js';

const dims = [{ name: 'EndpointName', value: 'e' }];

describe('MetricStore', () => {
  it('aggregates minutes into periods with each statistic', () => {
    const store = new MetricStore(0);
    const s = store.getOrCreate('AWS/SageMaker', 'M', dims);
    s.add(10, 4, 1, 4, 4);
    s.add(11, 6, 2, 1, 5);
    s.add(13, 1, 1, 1, 1);
    const at = (stat: 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount'): number[] =>
      Array.from(store.periodValues(s, stat, 2 * MINUTE_MS, 10 * MINUTE_MS, 2, 100 * MINUTE_MS));
    expect(at('Sum')).toEqual([10, 1]);
    expect(at('SampleCount')).toEqual([3, 1]);
    expect(at('Average')).toEqual([10 / 3, 1]);
    expect(at('Maximum')).toEqual([5, 1]);
    expect(at('Minimum')).toEqual([1, 1]);
    expect(Array.from(store.periodValues(s, 'Sum', MINUTE_MS, 12 * MINUTE_MS, 1, 100 * MINUTE_MS))).toEqual([
      NaN,
    ]);
  });

  it('shows a minute only once its delivery delay has passed', () => {
    const store = new MetricStore(10_000);
    const s = store.getOrCreate('AWS/SageMaker', 'M', dims);
    s.add(5, 1, 1, 1, 1);
    const read = (now: number): number =>
      store.periodValues(s, 'Sum', MINUTE_MS, 5 * MINUTE_MS, 1, now)[0] as number;
    expect(read(6 * MINUTE_MS + 9_999)).toBeNaN();
    expect(read(6 * MINUTE_MS + 10_000)).toBe(1);
  });

  it('finds series by dimensions in any order, and trims old minutes', () => {
    const store = new MetricStore(0);
    const both = [
      { name: 'VariantName', value: 'v' },
      { name: 'EndpointName', value: 'e' },
    ];
    const s = store.getOrCreate('AWS/SageMaker', 'M', both);
    expect(store.get('AWS/SageMaker', 'M', [...both].reverse())).toBe(s);
    expect(store.get('AWS/SageMaker', 'M', dims)).toBeUndefined();
    s.add(1, 1, 1, 1, 1);
    s.add(3, 3, 1, 3, 3);
    store.trimBefore(3);
    expect(s.firstMinute).toBe(3);
    expect(Array.from(store.periodValues(s, 'Sum', MINUTE_MS, MINUTE_MS, 3, 100 * MINUTE_MS))).toEqual([
      NaN,
      NaN,
      3,
    ]);
  });
});

describe('metric retention', () => {
  const HOUR = 3_600_000;
  const t0 = Date.UTC(2026, 0, 5);
  const m0 = t0 / MINUTE_MS;

  it('returns no datapoint for a minute older than the retention, as CloudWatch past its own', () => {
    const engine = new SimEngine(
      simOptions({ startTime: t0, metricDelaySeconds: 0, metricRetentionMinutes: 60 }),
    );
    const s = engine.metrics.getOrCreate('AWS/SageMaker', 'M', dims);
    for (let m = m0; m < m0 + 180; m++) s.add(m, m - m0, 1, m - m0, m - m0);
    engine.runUntil(t0 + 180 * MINUTE_MS);
    const query = {
      id: 'q',
      namespace: 'AWS/SageMaker',
      metricName: 'M',
      dimensions: dims,
      stat: 'Sum',
      periodSeconds: 60,
    };
    const [r] = engine.cw.getMetricData([query], t0, t0 + 180 * MINUTE_MS);
    // At minute 180 the last 60 minutes are kept: minutes 120..179.
    expect(r?.timestamps[0]).toBe(t0 + 120 * MINUTE_MS);
    expect(r?.values).toEqual(Array.from({ length: 60 }, (_, k) => 120 + k));
    // Thirty seconds later nothing has changed; a minute later minute 120 is past the retention.
    engine.runUntil(t0 + 181 * MINUTE_MS);
    const [later] = engine.cw.getMetricData([query], t0, t0 + 180 * MINUTE_MS);
    expect(later?.timestamps[0]).toBe(t0 + 121 * MINUTE_MS);
    // A query wholly before the retention gets an empty series, not an error.
    expect(engine.cw.getMetricData([query], t0, t0 + HOUR)[0]?.values).toEqual([]);
  });

  it('keeps at most twice the retention per series, and the minutes since the retention began', () => {
    const store = new MetricStore(0, 30, 4);
    const s = store.getOrCreate('AWS/SageMaker', 'M', dims);
    for (let m = 1000; m < 1000 + 10 * 1440; m++) {
      s.add(m, 1, 1, 1, 1);
      expect(s.count.length).toBeLessThanOrEqual(60);
      expect(s.firstMinute).toBeLessThanOrEqual(Math.max(1000, m - 29));
    }
    // A long silence, then a write: nothing older than the retention is kept.
    s.add(1_000_000, 5, 1, 5, 5);
    expect(s.firstMinute + s.length - 1).toBe(1_000_000);
    let held = 0;
    s.forEachMinute(() => held++);
    expect(held).toBe(1);
    // Series nobody writes to any more give their arrays back.
    store.expire((1_000_000 + 100) * MINUTE_MS);
    expect(s.length).toBe(0);
  });

  it('extends the retention to the longest alarm window, and PutMetricAlarm refuses ranges AWS refuses', () => {
    const engine = new SimEngine(simOptions({ startTime: t0, metricRetentionMinutes: 10 }));
    expect(engine.metrics.retentionMinutes).toBe(10);
    engine.cw.putAlarm(alarmSpec('long', 120));
    expect(engine.metrics.retentionMinutes).toBeGreaterThanOrEqual(121 + engine.opts.metricDelaySeconds / 60);
    expect(() => engine.cw.putAlarm({ ...alarmSpec('too-long', 1441) })).toThrow(/at most 86400/);
    const hourly = alarmSpec('weekly', 168);
    expect(() =>
      engine.cw.putAlarm({ ...hourly, metric: { ...hourly.metric!, periodSeconds: 3600 } }),
    ).not.toThrow();
    expect(engine.metrics.retentionMinutes).toBeGreaterThanOrEqual(169 * 60);
  });

  it('evaluates alarms across the trim exactly as with everything kept', () => {
    // Two regions with the same datapoints and alarms: one keeps 15 days, one only what the alarms
    // read. Random stretches of breaching and quiet minutes and missing datapoints for three days.
    const run = (retention: number): { states: string[]; values: number[][]; firstMinute: number } => {
      const engine = new SimEngine(simOptions({ startTime: t0, metricRetentionMinutes: retention }));
      engine.cw.putAlarm(alarmSpec('single', 15));
      engine.cw.putAlarm(mathAlarm('idle', 45));
      const backlog = engine.metrics.getOrCreate('AWS/SageMaker', 'M', dims);
      const processed = engine.metrics.getOrCreate('AWS/SageMaker', 'P', dims);
      const rng = new Rng(11);
      let level = 0;
      const states: string[] = [];
      const values: number[][] = [];
      for (let m = m0; m < m0 + 3 * 1440; m++) {
        if (rng.next() < 0.05) level = rng.next() < 0.5 ? 0 : 1 + Math.floor(rng.next() * 10);
        if (rng.next() < 0.9) backlog.add(m, level, 1, level, level);
        if (level > 0 && rng.next() < 0.5) processed.add(m, 1, 1, 1, 1);
        engine.runUntil((m + 1) * MINUTE_MS + 45_000);
        for (const a of engine.cw.alarms.values()) {
          states.push(a.stateValue);
          values.push(Array.from(a.lastValues ?? []));
        }
      }
      return { states, values, firstMinute: backlog.firstMinute };
    };
    const kept = run(15 * 1440);
    const trimmed = run(1);
    expect(trimmed.states).toEqual(kept.states);
    expect(trimmed.values).toEqual(kept.values);
    expect(kept.states).toContain('OK');
    expect(kept.states).toContain('ALARM');
    // The trimmed region really dropped its old minutes.
    expect(kept.firstMinute).toBe(m0);
    expect(trimmed.firstMinute).toBeGreaterThan(m0 + 2 * 1440);
  });

  it('keeps at least what telemetry reads back after a gap by default', () => {
    expect(DEFAULT_METRIC_RETENTION_MINUTES * MINUTE_MS).toBeGreaterThanOrEqual(METRIC_MAX_LOOKBACK_MS);
    expect(simOptions({ startTime: 0 }).metricRetentionMinutes).toBe(DEFAULT_METRIC_RETENTION_MINUTES);
  });
});

function alarmSpec(name: string, evaluationPeriods: number): AlarmSpec {
  return {
    name,
    metric: {
      namespace: 'AWS/SageMaker',
      metricName: 'M',
      dimensions: dims,
      statistic: 'Average',
      periodSeconds: 60,
    },
    evaluationPeriods,
    datapointsToAlarm: Math.ceil(evaluationPeriods / 2),
    threshold: 5,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'missing',
    alarmActions: [],
    tags: {},
  };
}

function mathAlarm(name: string, evaluationPeriods: number): AlarmSpec {
  const metric = (metricName: string, stat: string) => ({
    namespace: 'AWS/SageMaker',
    metricName,
    dimensions: dims,
    stat,
    periodSeconds: 60,
  });
  return {
    name,
    metrics: [
      { id: 'backlog', metric: metric('M', 'Maximum'), returnData: false },
      { id: 'processed', metric: metric('P', 'Sum'), returnData: false },
      { id: 'idle', expression: 'IF(FILL(backlog, 0) + FILL(processed, 0) == 0, 1, 0)', returnData: true },
    ],
    evaluationPeriods,
    datapointsToAlarm: evaluationPeriods,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [],
    tags: {},
  };
}
