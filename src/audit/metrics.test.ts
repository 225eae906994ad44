import { describe, expect, it } from 'vitest';
import { FakeCloud } from '../cloud/fake.js';
import type { MetricDataQuery } from '../cloud/types.js';
import { metricsFrom } from '../../test/support/audit-fixtures.js';
import { MAX_DATAPOINTS_PER_CALL, MAX_QUERIES_PER_CALL, planCalls, readMinutes } from './metrics.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1);

function queries(n: number): MetricDataQuery[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i}`,
    namespace: 'AWS/SageMaker',
    metricName: 'Invocations',
    dimensions: [],
    stat: 'Sum',
    periodSeconds: 60,
  }));
}

describe('planCalls', () => {
  it('one call when everything fits in one answer', () => {
    const calls = planCalls(queries(10), T0, T0 + 60 * MIN);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ start: T0, end: T0 + 60 * MIN });
  });

  it('501 queries over 14 days: within 500 queries and 100,800 datapoints a call, each minute read once', () => {
    const end = T0 + 14 * 1440 * MIN;
    const calls = planCalls(queries(501), T0, end);
    // Two groups (251 + 250 queries); floor(100800 / 251) = 401 minutes a call; 20160 / 401 -> 51 chunks.
    expect(calls).toHaveLength(2 * 51);
    const covered = new Map<string, number>();
    for (const c of calls) {
      expect(c.queries.length).toBeLessThanOrEqual(MAX_QUERIES_PER_CALL);
      expect(c.queries.length * ((c.end - c.start) / MIN)).toBeLessThanOrEqual(MAX_DATAPOINTS_PER_CALL);
      for (const q of c.queries) covered.set(q.id, (covered.get(q.id) ?? 0) + (c.end - c.start));
    }
    expect(covered.size).toBe(501);
    expect(new Set(covered.values())).toEqual(new Set([end - T0]));
  });

  it('nothing to read: no call', () => {
    expect(planCalls([], T0, T0 + MIN)).toEqual([]);
    expect(planCalls(queries(3), T0, T0)).toEqual([]);
  });
});

describe('readMinutes', () => {
  it('places each datapoint in its minute, per endpoint and metric, and counts them', async () => {
    const cloud = new FakeCloud();
    const answer = metricsFrom((endpoint, metric, t) => {
      const m = (t - T0) / MIN;
      if (endpoint === 'rt' && metric === 'Invocations' && m % 2 === 0) return m;
      if (endpoint === 'aq' && metric === 'ApproximateBacklogSize') return 1;
      return undefined;
    });
    const asked: MetricDataQuery[] = [];
    cloud.metricData = (qs, start, end) => {
      asked.push(...qs);
      return answer(qs, start, end);
    };
    const progress: string[] = [];
    const { minutes, calls } = await readMinutes(
      cloud,
      [
        { name: 'rt', variantName: 'AllTraffic', kind: 'realtime' },
        { name: 'aq', variantName: 'AllTraffic', kind: 'async' },
      ],
      T0,
      T0 + 5 * MIN,
      (done, total) => progress.push(`${done}/${total}`),
    );
    expect(calls).toBe(1);
    expect(progress).toEqual(['1/1']);
    expect([...(minutes[0]?.series.Invocations ?? [])]).toEqual([0, NaN, 2, NaN, 4]);
    expect(minutes[0]?.datapoints).toBe(3);
    expect([...(minutes[1]?.series.ApproximateBacklogSize ?? [])]).toEqual([1, 1, 1, 1, 1]);
    expect(Object.keys(minutes[1]?.series ?? {})).toEqual([
      'InvocationsProcessed',
      'ApproximateBacklogSize',
      'InvocationFailures',
      'ExpiredRequests',
      'TotalProcessingTime',
    ]);
    // Async backlog is per endpoint; processed is per variant, as SageMaker publishes them.
    const dims = (metric: string): string[] =>
      asked
        .find((q) => q.metricName === metric && q.dimensions[0]?.value === 'aq')
        ?.dimensions.map((d) => d.name) ?? [];
    expect(dims('ApproximateBacklogSize')).toEqual(['EndpointName']);
    expect(dims('InvocationsProcessed')).toEqual(['EndpointName', 'VariantName']);
  });
});
