// An in-memory Cloud for unit tests of the controllers: the state AWS would keep, with none of the
// behaviour over time (endpoints are InService at once, nothing scales by itself). The simulated
// cloud (src/cloud/sim) is the one that behaves; this one only remembers, and counts calls.
import {
  CloudError,
  isMutatingOperation,
  parseS3Uri,
  type AlarmSpec,
  type AlarmState,
  type AsyncInvocation,
  type AsyncInvocationResult,
  type Cloud,
  type EndpointConfigSpec,
  type EndpointConfigState,
  type EndpointState,
  type EndpointSummary,
  type MetricSeries,
  type ModelSpec,
  type ModelState,
  type ScalableTargetSpec,
  type ScalableTargetState,
  type ScalingActivity,
  type ScalingPolicySpec,
  type ScalingPolicyState,
  type ScheduledActionSpec,
  type ScheduledActionState,
  type Tags,
} from './types.js';

export class FakeCloud implements Cloud {
  readonly kind = 'aws' as const;
  readonly calls: string[] = [];
  models = new Map<string, ModelState>();
  configs = new Map<string, EndpointConfigState>();
  endpoints = new Map<string, EndpointState>();
  targets = new Map<string, ScalableTargetState>();
  policies = new Map<string, ScalingPolicyState>();
  actions = new Map<string, ScheduledActionState>();
  alarms = new Map<string, AlarmState>();
  objects = new Map<string, Uint8Array>();
  activities: ScalingActivity[] = [];
  private seq = 0;

  constructor(
    readonly region = 'us-east-1',
    private readonly account = '123456789012',
  ) {}

  mutatingCalls(): string[] {
    return this.calls.filter(isMutatingOperation);
  }

  private call(op: string): void {
    this.calls.push(op);
  }

  async accountId(): Promise<string> {
    return this.account;
  }

  async getModel(name: string): Promise<ModelState | undefined> {
    this.call('DescribeModel');
    return clone(this.models.get(name));
  }
  async createModel(spec: ModelSpec): Promise<ModelState> {
    this.call('CreateModel');
    if (this.models.has(spec.name))
      throw new CloudError(`model ${spec.name} already exists`, 'ValidationException', false);
    const m = { ...clone(spec), arn: this.arn('sagemaker', `model/${spec.name}`), createdAt: this.seq++ };
    this.models.set(spec.name, m);
    return clone(m);
  }
  async deleteModel(name: string): Promise<void> {
    this.call('DeleteModel');
    this.models.delete(name);
  }
  async listModels(prefix: string): Promise<string[]> {
    this.call('ListModels');
    return [...this.models.keys()].filter((n) => n.startsWith(prefix));
  }

  async getEndpointConfig(name: string): Promise<EndpointConfigState | undefined> {
    this.call('DescribeEndpointConfig');
    return clone(this.configs.get(name));
  }
  async createEndpointConfig(spec: EndpointConfigSpec): Promise<EndpointConfigState> {
    this.call('CreateEndpointConfig');
    if (this.configs.has(spec.name))
      throw new CloudError(`endpoint config ${spec.name} already exists`, 'ValidationException', false);
    if (!this.models.has(spec.modelName))
      throw new CloudError(`model ${spec.modelName} not found`, 'ValidationException', false);
    const c = {
      ...clone(spec),
      arn: this.arn('sagemaker', `endpoint-config/${spec.name}`),
      createdAt: this.seq++,
    };
    this.configs.set(spec.name, c);
    return clone(c);
  }
  async deleteEndpointConfig(name: string): Promise<void> {
    this.call('DeleteEndpointConfig');
    this.configs.delete(name);
  }
  async listEndpointConfigs(prefix: string): Promise<string[]> {
    this.call('ListEndpointConfigs');
    return [...this.configs.keys()].filter((n) => n.startsWith(prefix));
  }

  async getEndpoint(name: string): Promise<EndpointState | undefined> {
    this.call('DescribeEndpoint');
    return clone(this.endpoints.get(name));
  }
  async listEndpoints(): Promise<EndpointSummary[]> {
    this.call('ListEndpoints');
    return [...this.endpoints.values()].map((e) => ({ name: e.name, arn: e.arn, status: e.status }));
  }
  async createEndpoint(name: string, configName: string, tags: Tags): Promise<EndpointState> {
    this.call('CreateEndpoint');
    const cfg = this.configs.get(configName);
    if (!cfg) throw new CloudError(`endpoint config ${configName} not found`, 'ValidationException', false);
    if (this.endpoints.has(name))
      throw new CloudError(`endpoint ${name} already exists`, 'ValidationException', false);
    const e: EndpointState = {
      name,
      arn: this.arn('sagemaker', `endpoint/${name}`),
      status: 'InService',
      configName,
      variants: [this.variant(cfg)],
      tags: { ...tags },
      createdAt: this.seq,
      lastModifiedAt: this.seq++,
    };
    this.endpoints.set(name, e);
    return clone(e);
  }
  async updateEndpoint(name: string, configName: string): Promise<void> {
    this.call('UpdateEndpoint');
    const e = this.endpoints.get(name);
    const cfg = this.configs.get(configName);
    if (!e || !cfg)
      throw new CloudError(`cannot update ${name} to ${configName}`, 'ValidationException', false);
    const registered = this.targets.has(`endpoint/${name}/variant/${cfg.variantName}`);
    const oldType = this.configs.get(e.configName)?.instanceType;
    if (registered && oldType !== cfg.instanceType) {
      throw new CloudError(
        `cannot change the instance type of ${name} while it is a registered scalable target`,
        'ValidationException',
        false,
      );
    }
    e.configName = configName;
    e.variants = [this.variant(cfg)];
  }
  async deleteEndpoint(name: string): Promise<void> {
    this.call('DeleteEndpoint');
    this.endpoints.delete(name);
  }
  async setDesiredInstanceCount(endpointName: string, variantName: string, count: number): Promise<void> {
    this.call('UpdateEndpointWeightsAndCapacities');
    const v = this.endpoints.get(endpointName)?.variants.find((x) => x.variantName === variantName);
    if (v) v.desiredInstanceCount = v.currentInstanceCount = count;
  }

  async getScalableTarget(resourceId: string): Promise<ScalableTargetState | undefined> {
    this.call('DescribeScalableTargets');
    return clone(this.targets.get(resourceId));
  }
  async registerScalableTarget(spec: ScalableTargetSpec): Promise<void> {
    this.call('RegisterScalableTarget');
    this.targets.set(spec.resourceId, { ...clone(spec), createdAt: this.seq++ });
  }
  async deregisterScalableTarget(resourceId: string): Promise<void> {
    this.call('DeregisterScalableTarget');
    // As in AWS: deregistering removes the target's policies and scheduled actions too.
    this.targets.delete(resourceId);
    for (const [k, p] of this.policies) if (p.resourceId === resourceId) this.policies.delete(k);
    for (const [k, a] of this.actions) if (a.resourceId === resourceId) this.actions.delete(k);
  }
  async listScalingPolicies(resourceId: string): Promise<ScalingPolicyState[]> {
    this.call('DescribeScalingPolicies');
    return [...this.policies.values()].filter((p) => p.resourceId === resourceId).map((p) => clone(p));
  }
  async putScalingPolicy(spec: ScalingPolicySpec): Promise<string> {
    this.call('PutScalingPolicy');
    if (!this.targets.has(spec.resourceId))
      throw new CloudError(`no scalable target ${spec.resourceId}`, 'ObjectNotFoundException', false);
    const key = `${spec.resourceId}|${spec.policyName}`;
    const arn =
      this.policies.get(key)?.policyArn ??
      this.arn(
        'autoscaling',
        `scalingPolicy:${this.seq++}:resource/sagemaker/${spec.resourceId}:policyName/${spec.policyName}`,
      );
    this.policies.set(key, { ...clone(spec), policyArn: arn, alarmNames: [] } as ScalingPolicyState);
    return arn;
  }
  async deleteScalingPolicy(resourceId: string, policyName: string): Promise<void> {
    this.call('DeleteScalingPolicy');
    this.policies.delete(`${resourceId}|${policyName}`);
  }
  async listScheduledActions(resourceId: string): Promise<ScheduledActionState[]> {
    this.call('DescribeScheduledActions');
    return [...this.actions.values()].filter((a) => a.resourceId === resourceId).map((a) => clone(a));
  }
  async putScheduledAction(spec: ScheduledActionSpec): Promise<void> {
    this.call('PutScheduledAction');
    this.actions.set(`${spec.resourceId}|${spec.name}`, clone(spec));
  }
  async deleteScheduledAction(resourceId: string, name: string): Promise<void> {
    this.call('DeleteScheduledAction');
    this.actions.delete(`${resourceId}|${name}`);
  }
  async listScalingActivities(resourceId: string, since: number): Promise<ScalingActivity[]> {
    this.call('DescribeScalingActivities');
    return this.activities
      .filter((a) => a.resourceId === resourceId && a.startTime >= since)
      .map((a) => clone(a));
  }

  async listAllScalingActivities(since: number): Promise<ScalingActivity[]> {
    this.call('DescribeScalingActivities');
    return this.activities
      .filter((a) => a.startTime >= since)
      .sort((a, b) => b.startTime - a.startTime)
      .map((a) => clone(a));
  }

  async listAlarms(prefix: string): Promise<AlarmState[]> {
    this.call('DescribeAlarms');
    return [...this.alarms.values()].filter((a) => a.name.startsWith(prefix)).map((a) => clone(a));
  }
  async putAlarm(spec: AlarmSpec): Promise<void> {
    this.call('PutMetricAlarm');
    this.alarms.set(spec.name, {
      ...clone(spec),
      arn: this.arn('cloudwatch', `alarm:${spec.name}`),
      stateValue: 'INSUFFICIENT_DATA',
    });
  }
  async deleteAlarms(names: string[]): Promise<void> {
    this.call('DeleteAlarms');
    for (const n of names) this.alarms.delete(n);
  }
  async getMetricData(): Promise<MetricSeries[]> {
    this.call('GetMetricData');
    return [];
  }

  async putObject(uri: string, body: Uint8Array | string): Promise<void> {
    this.call('PutObject');
    parseS3Uri(uri);
    this.objects.set(uri, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async getObject(uri: string, options?: { maxBytes?: number }): Promise<Uint8Array | undefined> {
    this.call('GetObject');
    const body = this.objects.get(uri);
    return body && options?.maxBytes !== undefined ? body.subarray(0, options.maxBytes) : body;
  }
  async deleteObject(uri: string): Promise<void> {
    this.call('DeleteObject');
    this.objects.delete(uri);
  }
  async invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult> {
    this.call('InvokeEndpointAsync');
    const id = request.inferenceId ?? `fake-${this.seq++}`;
    return { inferenceId: id, outputLocation: `s3://fake-output/${id}.out` };
  }

  private variant(cfg: EndpointConfigState): EndpointState['variants'][number] {
    return {
      variantName: cfg.variantName,
      currentInstanceCount: cfg.initialInstanceCount,
      desiredInstanceCount: cfg.initialInstanceCount,
      instanceType: cfg.instanceType,
    };
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.account}:${resource}`;
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}
