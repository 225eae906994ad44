// An in-memory Cloud for unit tests of the controllers: the state AWS would keep, with none of the
// behaviour over time (endpoints are InService at once, nothing scales by itself). The simulated
// cloud (src/cloud/sim) is the one that behaves; this one only remembers, counts calls, and fails
// when a test tells it to (as Karpenter's fake cloud provider does: next errors per operation, a
// call log, reset), so error paths are tested without a Proxy around the port in every test.
import {
  CloudError,
  isMutatingOperation,
  parseS3Uri,
  type AlarmSpec,
  type AlarmState,
  type AsyncInvocation,
  type AsyncInvocationResult,
  type Cloud,
  isAsyncConfig,
  type EndpointConfigSpec,
  type EndpointConfigState,
  type EndpointState,
  type EndpointSummary,
  type InferenceComponentSpec,
  type InferenceComponentState,
  type InferenceComponentSummary,
  type InferenceComponentUpdate,
  type RealtimeInvocation,
  type RealtimeInvocationResult,
  NO_CAPACITY_ERROR,
  type MetricDataQuery,
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

/** The AWS API operations behind the port's methods, by AWS's names: what `calls` records. */
export type FakeOperation =
  | 'GetCallerIdentity'
  | 'DescribeModel'
  | 'CreateModel'
  | 'DeleteModel'
  | 'ListModels'
  | 'DescribeEndpointConfig'
  | 'CreateEndpointConfig'
  | 'DeleteEndpointConfig'
  | 'ListEndpointConfigs'
  | 'DescribeEndpoint'
  | 'ListEndpoints'
  | 'CreateEndpoint'
  | 'UpdateEndpoint'
  | 'DeleteEndpoint'
  | 'UpdateEndpointWeightsAndCapacities'
  | 'DescribeScalableTargets'
  | 'RegisterScalableTarget'
  | 'DeregisterScalableTarget'
  | 'DescribeScalingPolicies'
  | 'PutScalingPolicy'
  | 'DeleteScalingPolicy'
  | 'DescribeScheduledActions'
  | 'PutScheduledAction'
  | 'DeleteScheduledAction'
  | 'DescribeScalingActivities'
  | 'DescribeAlarms'
  | 'PutMetricAlarm'
  | 'DeleteAlarms'
  | 'GetMetricData'
  | 'PutObject'
  | 'GetObject'
  | 'DeleteObject'
  | 'InvokeEndpointAsync'
  | 'DescribeInferenceComponent'
  | 'CreateInferenceComponent'
  | 'UpdateInferenceComponent'
  | 'DeleteInferenceComponent'
  | 'ListInferenceComponents'
  | 'InvokeEndpoint'
  | 'AddTags'
  | 'TagResource';

/** Which calls of an operation an injected error applies to, from the method's arguments. */
export type CallMatcher = (...args: unknown[]) => boolean;

/** What `getMetricData` answers; tests that read metrics set one (see test/support/fake-cloud-seed.ts). */
export type MetricSource = (queries: MetricDataQuery[], start: number, end: number) => MetricSeries[];

interface Injected {
  error: Error;
  matches?: CallMatcher | undefined;
}

export class FakeCloud implements Cloud {
  readonly kind = 'aws' as const;
  /** Every call, failed ones included (AWS counts those too), oldest first. */
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
  components = new Map<string, InferenceComponentState>();
  /** What a real-time invocation answers; by default an empty 200, as a model that echoes nothing. */
  invokeAnswer: (request: RealtimeInvocation) => RealtimeInvocationResult = emptyAnswer;
  /** CloudWatch's answer; by default none, as for endpoints nobody has invoked yet. */
  metricData: MetricSource = noMetrics;
  private seq = 0;
  private readonly nextErrors = new Map<FakeOperation, Injected[]>();
  private readonly standingErrors = new Map<FakeOperation, Injected[]>();

  constructor(
    readonly region = 'us-east-1',
    private readonly account = '123456789012',
  ) {}

  /**
   * The next call of `op` (the next one whose arguments `matches` accepts, if given) throws `error`
   * and changes nothing; later calls behave again. Errors queued for one operation are thrown in
   * the order they were queued, one per call.
   */
  failNext(op: FakeOperation, error: Error, matches?: CallMatcher): this {
    queue(this.nextErrors, op).push({ error, matches });
    return this;
  }

  /** Every call of `op` (whose arguments `matches` accepts) throws `error` until `clearFailures` or `reset`. */
  failAlways(op: FakeOperation, error: Error, matches?: CallMatcher): this {
    queue(this.standingErrors, op).push({ error, matches });
    return this;
  }

  /** Removes the errors injected for `op` (for every operation without one); state stays. */
  clearFailures(op?: FakeOperation): void {
    if (op === undefined) {
      this.nextErrors.clear();
      this.standingErrors.clear();
    } else {
      this.nextErrors.delete(op);
      this.standingErrors.delete(op);
    }
  }

  callCount(op: FakeOperation): number {
    return this.calls.filter((c) => c === op).length;
  }

  mutatingCalls(): string[] {
    return this.calls.filter(isMutatingOperation);
  }

  /** Back to a new FakeCloud: no resources, objects, activities, metrics, calls or injected errors. */
  reset(): void {
    for (const m of [
      this.models,
      this.configs,
      this.endpoints,
      this.targets,
      this.policies,
      this.actions,
      this.alarms,
      this.objects,
      this.components,
    ]) {
      m.clear();
    }
    this.clearFailures();
    this.activities = [];
    this.calls.length = 0;
    this.metricData = noMetrics;
    this.invokeAnswer = emptyAnswer;
    this.seq = 0;
  }

  /**
   * Records the call and throws the error injected for it, if any, before the method touches any
   * state. A one-shot error goes before a standing one, as it was queued for this very call.
   * Protected so that a subclass scripting an operation still logs it and honours the injection.
   */
  protected call(op: FakeOperation, ...args: unknown[]): void {
    this.calls.push(op);
    const next = this.nextErrors.get(op);
    const i = next?.findIndex((f) => f.matches?.(...args) ?? true) ?? -1;
    if (next && i >= 0) throw next.splice(i, 1)[0]!.error;
    const standing = this.standingErrors.get(op)?.find((f) => f.matches?.(...args) ?? true);
    if (standing) throw standing.error;
  }

  async accountId(): Promise<string> {
    this.call('GetCallerIdentity');
    return this.account;
  }

  async getModel(name: string): Promise<ModelState | undefined> {
    this.call('DescribeModel', name);
    return clone(this.models.get(name));
  }
  async createModel(spec: ModelSpec): Promise<ModelState> {
    this.call('CreateModel', spec);
    if (this.models.has(spec.name))
      throw new CloudError(`model ${spec.name} already exists`, 'ValidationException', false);
    const m = { ...clone(spec), arn: this.arn('sagemaker', `model/${spec.name}`), createdAt: this.seq++ };
    this.models.set(spec.name, m);
    return clone(m);
  }
  async deleteModel(name: string): Promise<void> {
    this.call('DeleteModel', name);
    this.models.delete(name);
  }
  async listModels(prefix: string): Promise<string[]> {
    this.call('ListModels', prefix);
    return [...this.models.keys()].filter((n) => n.startsWith(prefix));
  }

  async getEndpointConfig(name: string): Promise<EndpointConfigState | undefined> {
    this.call('DescribeEndpointConfig', name);
    return clone(this.configs.get(name));
  }
  async createEndpointConfig(spec: EndpointConfigSpec): Promise<EndpointConfigState> {
    this.call('CreateEndpointConfig', spec);
    if (this.configs.has(spec.name))
      throw new CloudError(`endpoint config ${spec.name} already exists`, 'ValidationException', false);
    if (spec.modelName !== undefined && !this.models.has(spec.modelName))
      throw new CloudError(`model ${spec.modelName} not found`, 'ValidationException', false);
    if (!isAsyncConfig(spec) && spec.modelName === undefined && !spec.executionRoleArn)
      throw new CloudError(
        'ExecutionRoleArn is required when a production variant has no model',
        'ValidationException',
        false,
      );
    const c = {
      ...clone(spec),
      arn: this.arn('sagemaker', `endpoint-config/${spec.name}`),
      createdAt: this.seq++,
    };
    this.configs.set(spec.name, c);
    return clone(c);
  }
  async deleteEndpointConfig(name: string): Promise<void> {
    this.call('DeleteEndpointConfig', name);
    this.configs.delete(name);
  }
  async listEndpointConfigs(prefix: string): Promise<string[]> {
    this.call('ListEndpointConfigs', prefix);
    return [...this.configs.keys()].filter((n) => n.startsWith(prefix));
  }

  async getEndpoint(name: string): Promise<EndpointState | undefined> {
    this.call('DescribeEndpoint', name);
    return clone(this.endpoints.get(name));
  }
  async listEndpoints(): Promise<EndpointSummary[]> {
    this.call('ListEndpoints');
    return [...this.endpoints.values()].map((e) => ({ name: e.name, arn: e.arn, status: e.status }));
  }
  async createEndpoint(name: string, configName: string, tags: Tags): Promise<EndpointState> {
    this.call('CreateEndpoint', name, configName, tags);
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
    this.call('UpdateEndpoint', name, configName);
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
    this.call('DeleteEndpoint', name);
    this.endpoints.delete(name);
  }
  async setDesiredInstanceCount(endpointName: string, variantName: string, count: number): Promise<void> {
    this.call('UpdateEndpointWeightsAndCapacities', endpointName, variantName, count);
    const v = this.endpoints.get(endpointName)?.variants.find((x) => x.variantName === variantName);
    if (v) v.desiredInstanceCount = v.currentInstanceCount = count;
  }

  async getScalableTarget(resourceId: string): Promise<ScalableTargetState | undefined> {
    this.call('DescribeScalableTargets', resourceId);
    return clone(this.targets.get(resourceId));
  }
  async registerScalableTarget(spec: ScalableTargetSpec): Promise<void> {
    this.call('RegisterScalableTarget', spec);
    this.targets.set(spec.resourceId, { ...clone(spec), createdAt: this.seq++ });
  }
  async deregisterScalableTarget(resourceId: string): Promise<void> {
    this.call('DeregisterScalableTarget', resourceId);
    // As in AWS: deregistering removes the target's policies and scheduled actions too.
    this.targets.delete(resourceId);
    for (const [k, p] of this.policies) if (p.resourceId === resourceId) this.policies.delete(k);
    for (const [k, a] of this.actions) if (a.resourceId === resourceId) this.actions.delete(k);
  }
  async listScalingPolicies(resourceId: string): Promise<ScalingPolicyState[]> {
    this.call('DescribeScalingPolicies', resourceId);
    return [...this.policies.values()].filter((p) => p.resourceId === resourceId).map((p) => clone(p));
  }
  async putScalingPolicy(spec: ScalingPolicySpec): Promise<string> {
    this.call('PutScalingPolicy', spec);
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
    this.call('DeleteScalingPolicy', resourceId, policyName);
    this.policies.delete(`${resourceId}|${policyName}`);
  }
  async listScheduledActions(resourceId: string): Promise<ScheduledActionState[]> {
    this.call('DescribeScheduledActions', resourceId);
    return [...this.actions.values()].filter((a) => a.resourceId === resourceId).map((a) => clone(a));
  }
  async putScheduledAction(spec: ScheduledActionSpec): Promise<void> {
    this.call('PutScheduledAction', spec);
    this.actions.set(`${spec.resourceId}|${spec.name}`, clone(spec));
  }
  async deleteScheduledAction(resourceId: string, name: string): Promise<void> {
    this.call('DeleteScheduledAction', resourceId, name);
    this.actions.delete(`${resourceId}|${name}`);
  }
  async listScalingActivities(resourceId: string, since: number): Promise<ScalingActivity[]> {
    this.call('DescribeScalingActivities', resourceId, since);
    return this.activities
      .filter((a) => a.resourceId === resourceId && a.startTime >= since)
      .map((a) => clone(a));
  }

  async listAllScalingActivities(since: number): Promise<ScalingActivity[]> {
    // No ResourceId, as in the AWS request, so a matcher sees the same arguments for both listings.
    this.call('DescribeScalingActivities', undefined, since);
    return this.activities
      .filter((a) => a.startTime >= since)
      .sort((a, b) => b.startTime - a.startTime)
      .map((a) => clone(a));
  }

  async listAlarms(prefix: string): Promise<AlarmState[]> {
    this.call('DescribeAlarms', prefix);
    return [...this.alarms.values()].filter((a) => a.name.startsWith(prefix)).map((a) => clone(a));
  }
  async putAlarm(spec: AlarmSpec): Promise<void> {
    this.call('PutMetricAlarm', spec);
    this.alarms.set(spec.name, {
      ...clone(spec),
      arn: this.arn('cloudwatch', `alarm:${spec.name}`),
      stateValue: 'INSUFFICIENT_DATA',
    });
  }
  async deleteAlarms(names: string[]): Promise<void> {
    this.call('DeleteAlarms', names);
    for (const n of names) this.alarms.delete(n);
  }
  async getMetricData(queries: MetricDataQuery[], start: number, end: number): Promise<MetricSeries[]> {
    this.call('GetMetricData', queries, start, end);
    return clone(this.metricData(queries, start, end));
  }

  async putObject(uri: string, body: Uint8Array | string): Promise<void> {
    this.call('PutObject', uri, body);
    parseS3Uri(uri);
    this.objects.set(uri, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async getObject(uri: string, options?: { maxBytes?: number }): Promise<Uint8Array | undefined> {
    this.call('GetObject', uri, options);
    const body = this.objects.get(uri);
    return body && options?.maxBytes !== undefined ? body.subarray(0, options.maxBytes) : body;
  }
  async deleteObject(uri: string): Promise<void> {
    this.call('DeleteObject', uri);
    this.objects.delete(uri);
  }
  async invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult> {
    this.call('InvokeEndpointAsync', request);
    const id = request.inferenceId ?? `fake-${this.seq++}`;
    return { inferenceId: id, outputLocation: `s3://fake-output/${id}.out` };
  }

  async getInferenceComponent(name: string): Promise<InferenceComponentState | undefined> {
    this.call('DescribeInferenceComponent', name);
    return clone(this.components.get(name));
  }
  async createInferenceComponent(spec: InferenceComponentSpec): Promise<InferenceComponentState> {
    this.call('CreateInferenceComponent', spec);
    if (this.components.has(spec.name))
      throw new CloudError(`inference component ${spec.name} already exists`, 'ValidationException', false);
    if (!this.endpoints.has(spec.endpointName))
      throw new CloudError(`endpoint ${spec.endpointName} not found`, 'ValidationException', false);
    if (!this.models.has(spec.modelName))
      throw new CloudError(`model ${spec.modelName} not found`, 'ValidationException', false);
    if (spec.copyCount < 1)
      throw new CloudError('CopyCount must be at least 1', 'ValidationException', false);
    const at = this.seq++;
    const c: InferenceComponentState = {
      ...clone(spec),
      arn: this.arn('sagemaker', `inference-component/${spec.name}`),
      status: 'InService',
      currentCopyCount: spec.copyCount,
      desiredCopyCount: spec.copyCount,
      createdAt: at,
      lastModifiedAt: at,
    };
    this.components.set(spec.name, c);
    return clone(c);
  }
  async updateInferenceComponent(name: string, update: InferenceComponentUpdate): Promise<void> {
    this.call('UpdateInferenceComponent', name, update);
    const c = this.components.get(name);
    if (!c) throw new CloudError(`inference component ${name} not found`, 'ValidationException', false);
    Object.assign(c, clone(update), { lastModifiedAt: this.seq++ });
  }
  async deleteInferenceComponent(name: string): Promise<void> {
    this.call('DeleteInferenceComponent', name);
    this.components.delete(name);
  }
  async listInferenceComponents(endpointName?: string): Promise<InferenceComponentSummary[]> {
    this.call('ListInferenceComponents', endpointName);
    return [...this.components.values()]
      .filter((c) => endpointName === undefined || c.endpointName === endpointName)
      .map((c) => ({ name: c.name, arn: c.arn, endpointName: c.endpointName, status: c.status }));
  }
  async invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult> {
    this.call('InvokeEndpoint', request);
    const c = request.inferenceComponentName
      ? this.components.get(request.inferenceComponentName)
      : undefined;
    if (c && c.currentCopyCount === 0)
      throw new CloudError(
        `inference component ${c.name} has no capacity to process this request`,
        NO_CAPACITY_ERROR,
        true,
        'InvokeEndpoint',
      );
    return this.invokeAnswer(request);
  }

  async tagResource(arn: string, tags: Tags): Promise<void> {
    // SageMaker tags with AddTags, Application Auto Scaling and CloudWatch with TagResource.
    this.call(arn.startsWith('arn:aws:sagemaker:') ? 'AddTags' : 'TagResource', arn, tags);
    const all = [
      ...this.models.values(),
      ...this.configs.values(),
      ...this.endpoints.values(),
      ...this.components.values(),
      ...this.targets.values(),
      ...this.alarms.values(),
    ];
    const found = all.find((r) => r.arn === arn);
    if (!found) throw new CloudError(`no resource with ARN ${arn}`, 'ResourceNotFound', false);
    found.tags = { ...found.tags, ...clone(tags) };
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

function noMetrics(): MetricSeries[] {
  return [];
}

function queue<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

function emptyAnswer(): RealtimeInvocationResult {
  return { body: new Uint8Array() };
}
