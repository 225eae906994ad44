import { describe, expect, it } from 'vitest';
import { aggregateValues, evaluateAlarm, latestValue, type AlarmRule } from './alarm-eval.js';

const rule = (over: Partial<AlarmRule> = {}): AlarmRule => ({
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'missing',
  ...over,
});
const v = (...x: number[]): Float64Array => Float64Array.from(x);
const M = NaN;

describe('alarm evaluation', () => {
  it('needs DatapointsToAlarm breaching points out of EvaluationPeriods', () => {
    expect(evaluateAlarm(v(1, 1, 1), rule(), 'OK')).toBe('ALARM');
    expect(evaluateAlarm(v(1, 0, 1), rule(), 'ALARM')).toBe('OK');
    expect(evaluateAlarm(v(1, 0, 1), rule({ datapointsToAlarm: 2 }), 'OK')).toBe('ALARM');
  });

  it('applies each comparison operator at the threshold', () => {
    const at = v(1, 1, 1);
    expect(evaluateAlarm(at, rule({ comparisonOperator: 'GreaterThanThreshold' }), 'OK')).toBe('OK');
    expect(evaluateAlarm(at, rule({ comparisonOperator: 'LessThanOrEqualToThreshold' }), 'OK')).toBe('ALARM');
    expect(evaluateAlarm(at, rule({ comparisonOperator: 'LessThanThreshold' }), 'OK')).toBe('OK');
  });

  it('treats missing data as told', () => {
    const allMissing = v(M, M, M);
    expect(evaluateAlarm(allMissing, rule({ treatMissingData: 'missing' }), 'OK')).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(allMissing, rule({ treatMissingData: 'ignore' }), 'ALARM')).toBe('ALARM');
    expect(evaluateAlarm(allMissing, rule({ treatMissingData: 'breaching' }), 'OK')).toBe('ALARM');
    expect(evaluateAlarm(allMissing, rule({ treatMissingData: 'notBreaching' }), 'ALARM')).toBe('OK');
    // Fewer present points than needed: alarm only when every present point breaches.
    expect(evaluateAlarm(v(M, 1, M), rule({ treatMissingData: 'missing' }), 'OK')).toBe('ALARM');
    expect(evaluateAlarm(v(M, 0, 1), rule({ treatMissingData: 'missing' }), 'ALARM')).toBe('OK');
    expect(evaluateAlarm(v(M, 0, 1), rule({ treatMissingData: 'ignore' }), 'ALARM')).toBe('ALARM');
    expect(evaluateAlarm(v(1, M, 1), rule({ treatMissingData: 'notBreaching' }), 'OK')).toBe('OK');
    expect(evaluateAlarm(v(1, M, 1), rule({ treatMissingData: 'breaching' }), 'OK')).toBe('ALARM');
  });

  it('reports the newest present value', () => {
    expect(latestValue(v(1, 2, M))).toBe(2);
    expect(latestValue(v(M, M))).toBeUndefined();
  });

  it('aggregates the datapoints a step policy sees with its MetricAggregationType, skipping missing ones', () => {
    // (1 + 0.5 + 0) / 3 = 0.5; min 0; max 1; the NaN is not a datapoint.
    expect(aggregateValues(v(1, 0.5, M, 0), 'Average')).toBe(0.5);
    expect(aggregateValues(v(1, 0.5, M, 0), 'Minimum')).toBe(0);
    expect(aggregateValues(v(1, 0.5, M, 0), 'Maximum')).toBe(1);
    expect(aggregateValues(v(M, M), 'Average')).toBeUndefined();
  });
});
