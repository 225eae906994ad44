// Seeding for FakeCloud in telemetry tests: endpoints that already exist (with the endpoint config
// telemetry reads a new life's initial count from), instance counts changed behind the daemon's back,
// scaling activities, and CloudWatch datapoints. Writes FakeCloud's state directly, so seeding adds
// nothing to its call log.
import type { FakeCloud, MetricSource } from '../../src/cloud/fake.js';
import {
  scalableResourceId,
  type EndpointState,
  type MetricDataQuery,
  type ScalingActivity,
} from '../../src/cloud/types.js';

export interface SeededEndpoint {
  name: string;
  variant: string;
  /** Instances in service (CurrentInstanceCount). */
  count: number;
  /** DesiredInstanceCount; defaults to `count`. */
  desired?: number;
  createdAt: number;
  /** The endpoint config's InitialInstanceCount. */
  initialCount: number;
  status?: EndpointState['status'];
}

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

/** An endpoint (and its config `<name>-config`) as if created at `createdAt`; replaces one of that name. */
export function seedEndpoint(cloud: FakeCloud, e: SeededEndpoint): void {
  const configName = `${e.name}-config`;
  cloud.configs.set(configName, {
    name: configName,
    arn: `${ARN}:endpoint-config/${configName}`,
    modelName: 'm',
    variantName: e.variant,
    instanceType: 'ml.g5.xlarge',
    initialInstanceCount: e.initialCount,
    async: { outputPath: 's3://b/o' },
    tags: {},
    createdAt: e.createdAt,
  });
  cloud.endpoints.set(e.name, {
    name: e.name,
    arn: `${ARN}:endpoint/${e.name}`,
    status: e.status ?? 'InService',
    configName,
    variants: [
      {
        variantName: e.variant,
        currentInstanceCount: e.count,
        desiredInstanceCount: e.desired ?? e.count,
        instanceType: 'ml.g5.xlarge',
      },
    ],
    tags: {},
    createdAt: e.createdAt,
    lastModifiedAt: e.createdAt,
  });
}

/** The endpoint's instances in service and desired, changed without a call (AWS scaling it). */
export function setInstances(cloud: FakeCloud, name: string, count: number, desired = count): void {
  const variant = cloud.endpoints.get(name)?.variants[0];
  if (!variant) throw new Error(`setInstances: no seeded endpoint ${name}`);
  variant.currentInstanceCount = count;
  variant.desiredInstanceCount = desired;
}

/** A scaling activity of the endpoint's variant; returns the stored one, for a test to complete later. */
export function seedActivity(
  cloud: FakeCloud,
  endpoint: string,
  variant: string,
  a: Omit<ScalingActivity, 'resourceId'>,
): ScalingActivity {
  const stored = { ...a, resourceId: scalableResourceId(endpoint, variant) };
  cloud.activities.push(stored);
  return stored;
}

/**
 * CloudWatch with one datapoint a minute over each asked range, valued by `value` (undefined: no
 * datapoint that minute); remembers each GetMetricData request it answered.
 */
export class MinuteMetrics {
  readonly requests: { queries: MetricDataQuery[]; start: number; end: number }[] = [];

  constructor(
    public value: (endpoint: string, metric: string, minute: number) => number | undefined = () => 1,
  ) {}

  readonly source: MetricSource = (queries, start, end) => {
    this.requests.push({ queries, start, end });
    return queries.map((q) => {
      const ep = q.dimensions.find((d) => d.name === 'EndpointName')?.value ?? '';
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = start; t < end; t += 60_000) {
        const v = this.value(ep, q.metricName, t);
        if (v !== undefined) {
          timestamps.push(t);
          values.push(v);
        }
      }
      return { id: q.id, timestamps, values };
    });
  };
}

/** Installs a MinuteMetrics (by default every metric 1 every minute) as the cloud's CloudWatch. */
export function minuteMetrics(cloud: FakeCloud, value?: MinuteMetrics['value']): MinuteMetrics {
  const m = new MinuteMetrics(value);
  cloud.metricData = m.source;
  return m;
}
