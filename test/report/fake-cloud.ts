// A small in-memory Cloud for controller tests: endpoints with a settable instance count, scaling
// activities, and metric series. Operations the controllers under test never call throw, so a test
// notices if they start to.
import {
  CloudError,
  type Cloud,
  type EndpointConfigState,
  type EndpointState,
  type MetricDataQuery,
  type MetricSeries,
  type ScalingActivity,
} from '../../src/cloud/types.js';

export interface FakeEndpoint {
  name: string;
  variant: string;
  /** Instances in service (CurrentInstanceCount). */
  count: number;
  /** DesiredInstanceCount; defaults to `count`. */
  desired?: number;
  createdAt: number;
  initialCount: number;
  status?: EndpointState['status'];
}

export class FakeCloud implements Cloud {
  readonly kind = 'sim' as const;
  readonly region = 'us-east-1';
  readonly endpoints = new Map<string, FakeEndpoint>();
  readonly activities = new Map<string, ScalingActivity[]>();
  /** (endpointName, metricName, start, end) -> datapoints; default: one point per minute valued 1. */
  metricValue: (endpoint: string, metric: string, minute: number) => number | undefined = () => 1;
  readonly calls: string[] = [];
  readonly metricCalls: { queries: MetricDataQuery[]; start: number; end: number }[] = [];
  failEndpoint = new Set<string>();
  failMetrics = false;

  addEndpoint(e: FakeEndpoint): void {
    this.endpoints.set(e.name, e);
  }

  addActivity(endpoint: string, variant: string, a: Omit<ScalingActivity, 'resourceId'>): void {
    const rid = `endpoint/${endpoint}/variant/${variant}`;
    const list = this.activities.get(rid) ?? [];
    list.push({ ...a, resourceId: rid });
    this.activities.set(rid, list);
  }

  async getEndpoint(name: string): Promise<EndpointState | undefined> {
    this.calls.push(`getEndpoint:${name}`);
    if (this.failEndpoint.has(name))
      throw new CloudError(`DescribeEndpoint failed for ${name}`, 'Throttling', true);
    const e = this.endpoints.get(name);
    if (!e) return undefined;
    return {
      name,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name}`,
      status: e.status ?? 'InService',
      configName: `${name}-config`,
      variants: [
        { variantName: e.variant, currentInstanceCount: e.count, desiredInstanceCount: e.desired ?? e.count },
      ],
      tags: {},
      createdAt: e.createdAt,
      lastModifiedAt: e.createdAt,
    };
  }

  async getEndpointConfig(name: string): Promise<EndpointConfigState | undefined> {
    this.calls.push(`getEndpointConfig:${name}`);
    const e = [...this.endpoints.values()].find((x) => `${x.name}-config` === name);
    if (!e) return undefined;
    return {
      name,
      arn: `arn:${name}`,
      modelName: 'm',
      variantName: e.variant,
      instanceType: 'ml.g5.xlarge',
      initialInstanceCount: e.initialCount,
      async: { outputPath: 's3://b/o' },
      tags: {},
      createdAt: e.createdAt,
    };
  }

  async listScalingActivities(resourceId: string, since: number): Promise<ScalingActivity[]> {
    this.calls.push(`listScalingActivities:${resourceId}`);
    return (this.activities.get(resourceId) ?? [])
      .filter((a) => a.startTime >= since)
      .sort((a, b) => b.startTime - a.startTime);
  }

  async listAllScalingActivities(since: number): Promise<ScalingActivity[]> {
    this.calls.push('listAllScalingActivities');
    return [...this.activities.values()]
      .flat()
      .filter((a) => a.startTime >= since)
      .sort((a, b) => b.startTime - a.startTime);
  }

  async getMetricData(queries: MetricDataQuery[], start: number, end: number): Promise<MetricSeries[]> {
    this.calls.push('getMetricData');
    this.metricCalls.push({ queries, start, end });
    if (this.failMetrics) throw new CloudError('GetMetricData denied', 'AccessDenied', false);
    return queries.map((q) => {
      const ep = q.dimensions.find((d) => d.name === 'EndpointName')?.value ?? '';
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = start; t < end; t += 60_000) {
        const v = this.metricValue(ep, q.metricName, t);
        if (v !== undefined) {
          timestamps.push(t);
          values.push(v);
        }
      }
      return { id: q.id, timestamps, values };
    });
  }

  // ---- not used by the telemetry controller ----
  private unused(op: string): never {
    throw new Error(`FakeCloud.${op} is not implemented`);
  }
  accountId = async (): Promise<string> => '123456789012';
  getModel = async (): Promise<never> => this.unused('getModel');
  createModel = async (): Promise<never> => this.unused('createModel');
  deleteModel = async (): Promise<never> => this.unused('deleteModel');
  listModels = async (): Promise<never> => this.unused('listModels');
  createEndpointConfig = async (): Promise<never> => this.unused('createEndpointConfig');
  deleteEndpointConfig = async (): Promise<never> => this.unused('deleteEndpointConfig');
  listEndpointConfigs = async (): Promise<never> => this.unused('listEndpointConfigs');
  listEndpoints = async (): Promise<never> => this.unused('listEndpoints');
  createEndpoint = async (): Promise<never> => this.unused('createEndpoint');
  updateEndpoint = async (): Promise<never> => this.unused('updateEndpoint');
  deleteEndpoint = async (): Promise<never> => this.unused('deleteEndpoint');
  setDesiredInstanceCount = async (): Promise<never> => this.unused('setDesiredInstanceCount');
  getScalableTarget = async (): Promise<never> => this.unused('getScalableTarget');
  registerScalableTarget = async (): Promise<never> => this.unused('registerScalableTarget');
  deregisterScalableTarget = async (): Promise<never> => this.unused('deregisterScalableTarget');
  listScalingPolicies = async (): Promise<never> => this.unused('listScalingPolicies');
  putScalingPolicy = async (): Promise<never> => this.unused('putScalingPolicy');
  deleteScalingPolicy = async (): Promise<never> => this.unused('deleteScalingPolicy');
  listScheduledActions = async (): Promise<never> => this.unused('listScheduledActions');
  putScheduledAction = async (): Promise<never> => this.unused('putScheduledAction');
  deleteScheduledAction = async (): Promise<never> => this.unused('deleteScheduledAction');
  listAlarms = async (): Promise<never> => this.unused('listAlarms');
  putAlarm = async (): Promise<never> => this.unused('putAlarm');
  deleteAlarms = async (): Promise<never> => this.unused('deleteAlarms');
  putObject = async (): Promise<never> => this.unused('putObject');
  getObject = async (): Promise<never> => this.unused('getObject');
  deleteObject = async (): Promise<never> => this.unused('deleteObject');
  invokeEndpointAsync = async (): Promise<never> => this.unused('invokeEndpointAsync');
}
