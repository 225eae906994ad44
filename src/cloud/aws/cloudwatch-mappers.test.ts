import { describe, expect, it } from 'vitest';
import { CloudError, type AlarmSpec, type MetricDataQuery } from '../types.js';
import {
  chunk,
  fromMetricAlarm,
  mergeMetricResults,
  toPutMetricAlarmInput,
  toSdkMetricDataQuery,
} from './cloudwatch-mappers.js';

const single: AlarmSpec = {
  name: 'sagezero-ep-wake',
  description: 'wake',
  metric: {
    namespace: 'AWS/SageMaker',
    metricName: 'HasBacklogWithoutCapacity',
    dimensions: [{ name: 'EndpointName', value: 'ep' }],
    statistic: 'Average',
    periodSeconds: 60,
  },
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'missing',
  alarmActions: ['arn:policy'],
  tags: { owner: 'sagezero' },
};

const math: AlarmSpec = {
  ...single,
  name: 'sagezero-ep-idle',
  metric: undefined,
  metrics: [
    {
      id: 'backlog',
      metric: {
        namespace: 'AWS/SageMaker',
        metricName: 'ApproximateBacklogSize',
        dimensions: [{ name: 'EndpointName', value: 'ep' }],
        stat: 'Maximum',
        periodSeconds: 60,
      },
      returnData: false,
    },
    { id: 'idle', expression: 'IF(backlog == 0, 1, 0)', label: 'idle', returnData: true },
  ],
};

describe('alarm mapping', () => {
  it('writes a single-metric alarm with statistic and period', () => {
    const input = toPutMetricAlarmInput(single);
    expect(input).toMatchObject({
      AlarmName: 'sagezero-ep-wake',
      Namespace: 'AWS/SageMaker',
      MetricName: 'HasBacklogWithoutCapacity',
      Dimensions: [{ Name: 'EndpointName', Value: 'ep' }],
      Statistic: 'Average',
      Period: 60,
      AlarmActions: ['arn:policy'],
      TreatMissingData: 'missing',
      Tags: [{ Key: 'owner', Value: 'sagezero' }],
    });
    expect(input.Metrics).toBeUndefined();
  });

  it('writes a metric-math alarm as Metrics with MetricStat, Expression and ReturnData', () => {
    const input = toPutMetricAlarmInput(math);
    expect(input.MetricName).toBeUndefined();
    expect(input.Metrics).toEqual([
      {
        Id: 'backlog',
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SageMaker',
            MetricName: 'ApproximateBacklogSize',
            Dimensions: [{ Name: 'EndpointName', Value: 'ep' }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      },
      { Id: 'idle', Expression: 'IF(backlog == 0, 1, 0)', Label: 'idle', ReturnData: true },
    ]);
  });

  it('refuses an alarm with both or neither kinds of metric', () => {
    expect(() => toPutMetricAlarmInput({ ...single, metrics: math.metrics })).toThrow(CloudError);
    expect(() => toPutMetricAlarmInput({ ...single, metric: undefined })).toThrow(
      /either "metric" or a non-empty "metrics"/,
    );
  });

  it('reads both kinds back to the spec they were written from', () => {
    for (const spec of [single, math]) {
      const input = toPutMetricAlarmInput(spec);
      const { Tags: _tags, ActionsEnabled: _enabled, ...described } = input;
      const state = fromMetricAlarm({ ...described, AlarmArn: 'arn:alarm', StateValue: 'ALARM' }, spec.tags);
      const { metric, metrics, ...rest } = spec;
      expect(state).toEqual({
        ...rest,
        ...(metric ? { metric } : { metrics }),
        arn: 'arn:alarm',
        stateValue: 'ALARM',
      });
    }
  });
});

describe('metric data', () => {
  const q = (id: string): MetricDataQuery => ({
    id,
    namespace: 'AWS/SageMaker',
    metricName: 'ApproximateBacklogSize',
    dimensions: [{ name: 'EndpointName', value: 'my-endpoint' }],
    stat: 'Maximum',
    periodSeconds: 60,
  });

  it('uses positional wire ids, since caller ids may not be valid CloudWatch ids', () => {
    expect(toSdkMetricDataQuery(q('my-endpoint:backlog'), 7).Id).toBe('q7');
  });

  it('merges pages per query, sorts ascending, drops overlap and keeps the caller order', () => {
    const series = mergeMetricResults(
      [q('a'), q('b'), q('c')],
      [
        { Id: 'q1', Timestamps: [new Date(3000), new Date(1000)], Values: [30, 10] },
        { Id: 'q0', Timestamps: [new Date(2000)], Values: [2] },
        { Id: 'q1', Timestamps: [new Date(2000), new Date(3000)], Values: [20, 30] },
        { Id: 'unknown', Timestamps: [new Date(1)], Values: [1] },
      ],
    );
    expect(series).toEqual([
      { id: 'a', timestamps: [2000], values: [2] },
      { id: 'b', timestamps: [1000, 2000, 3000], values: [10, 20, 30] },
      { id: 'c', timestamps: [], values: [] },
    ]);
  });

  it('chunks into the API limits', () => {
    expect(
      chunk(
        Array.from({ length: 1001 }, (_, i) => i),
        500,
      ).map((c) => c.length),
    ).toEqual([500, 500, 1]);
    expect(chunk([], 100)).toEqual([]);
  });
});
