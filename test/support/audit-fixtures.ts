// FakeCloud endpoints and CloudWatch answers for the audit's tests: an endpoint of either kind as if
// created outside sagezero, and a metric source that answers each query from a function of the minute.
import type { FakeCloud, MetricSource } from '../../src/cloud/fake.js';
import type { MetricDataQuery } from '../../src/cloud/types.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

export interface AuditEndpoint {
  name: string;
  kind: 'async' | 'realtime';
  instanceType: string;
  count: number;
  createdAt: number;
  tags?: Record<string, string>;
}

export function addEndpoint(cloud: FakeCloud, e: AuditEndpoint): void {
  const configName = `${e.name}-config`;
  const common = {
    name: configName,
    arn: `${ARN}:endpoint-config/${configName}`,
    modelName: `${e.name}-model`,
    variantName: 'AllTraffic',
    instanceType: e.instanceType,
    initialInstanceCount: e.count,
    tags: {},
    createdAt: e.createdAt,
  };
  cloud.configs.set(
    configName,
    e.kind === 'async'
      ? { ...common, async: { outputPath: 's3://b/out' } }
      : { ...common, kind: 'realtime' as const },
  );
  cloud.endpoints.set(e.name, {
    name: e.name,
    arn: `${ARN}:endpoint/${e.name}`,
    status: 'InService',
    configName,
    variants: [{ variantName: 'AllTraffic', currentInstanceCount: e.count, desiredInstanceCount: e.count }],
    tags: e.tags ?? {},
    createdAt: e.createdAt,
    lastModifiedAt: e.createdAt,
  });
}

/** Answers every query minute by minute from `value` (undefined: no datapoint that minute). */
export function metricsFrom(
  value: (endpoint: string, metric: string, minute: number) => number | undefined,
): MetricSource {
  return (queries: MetricDataQuery[], start: number, end: number) =>
    queries.map((q) => {
      const endpoint = q.dimensions.find((d) => d.name === 'EndpointName')?.value ?? '';
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = Math.ceil(start / 60_000) * 60_000; t < end; t += 60_000) {
        const v = value(endpoint, q.metricName, t);
        if (v === undefined) continue;
        timestamps.push(t);
        values.push(v);
      }
      return { id: q.id, timestamps, values };
    });
}
