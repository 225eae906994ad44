// The Cloud port: the few operations sagezero needs, in sagezero's own types.
// Everything above src/cloud/ sees this interface alone; src/cloud/aws/ implements it over the AWS SDK
// v3 clients and src/cloud/sim/ implements it as a simulated region in virtual time.
// "Not found" is `undefined` from a getter, never an exception; every other failure throws CloudError.

export type Tags = Record<string, string>;

// ---------- SageMaker hosting ----------

export interface ModelSpec {
  name: string;
  image: string;
  /** S3 URI of model.tar.gz, or of an uncompressed prefix when `modelDataCompressed` is false. */
  modelDataUrl?: string;
  modelDataCompressed?: boolean;
  environment: Record<string, string>;
  executionRoleArn: string;
  tags: Tags;
}

export interface ModelState extends ModelSpec {
  arn: string;
  createdAt: number;
}

export interface AsyncInferenceSpec {
  outputPath: string;
  failurePath?: string;
  kmsKeyId?: string;
  maxConcurrentInvocationsPerInstance?: number;
  successTopic?: string;
  errorTopic?: string;
}

/** An asynchronous endpoint's configuration: one variant serving one model, with a queue. */
export interface AsyncEndpointConfigSpec {
  /** Absent means async, so every spec written before real-time endpoints existed still reads. */
  kind?: 'async';
  name: string;
  modelName: string;
  variantName: string;
  instanceType: string;
  initialInstanceCount: number;
  async: AsyncInferenceSpec;
  tags: Tags;
}

/**
 * A real-time endpoint's configuration. For scale to zero the variant has no model: its models are
 * inference components placed on it, and managed instance scaling adds and releases instances as
 * their copies need them. (A classic real-time variant names a model and has no managed scaling;
 * `audit` reads those too.)
 * Source: CreateEndpointConfig, ProductionVariant.ManagedInstanceScaling and RoutingConfig,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html
 */
export interface RealtimeEndpointConfigSpec {
  kind: 'realtime';
  name: string;
  /** Only for a classic real-time variant; absent when models are inference components. */
  modelName?: string;
  variantName: string;
  instanceType: string;
  initialInstanceCount: number;
  /** Required by AWS when the variant has no model (components are created with this role). */
  executionRoleArn?: string;
  managedScaling?: ManagedInstanceScalingSpec;
  routingStrategy?: 'LEAST_OUTSTANDING_REQUESTS' | 'RANDOM';
  tags: Tags;
}

export type EndpointConfigSpec = AsyncEndpointConfigSpec | RealtimeEndpointConfigSpec;

export type EndpointConfigState = EndpointConfigSpec & {
  arn: string;
  createdAt: number;
};
export type AsyncEndpointConfigState = AsyncEndpointConfigSpec & { arn: string; createdAt: number };
export type RealtimeEndpointConfigState = RealtimeEndpointConfigSpec & {
  arn: string;
  createdAt: number;
};

export function isAsyncConfig<T extends EndpointConfigSpec>(c: T): c is Extract<T, AsyncEndpointConfigSpec> {
  return c.kind !== 'realtime';
}

/**
 * ProductionVariant.ManagedInstanceScaling. `minInstanceCount: 0` lets the endpoint release every
 * instance once no component copy needs one (not accepted in every region: AWS's refusal is
 * passed to the user as it is).
 */
export interface ManagedInstanceScalingSpec {
  minInstanceCount: number;
  maxInstanceCount: number;
  /** ProductionVariantManagedInstanceScalingScaleInPolicy; AWS defaults: cooldown 20 min, step 1. */
  scaleIn?: {
    strategy: 'IDLE_RELEASE' | 'CONSOLIDATION';
    cooldownMinutes?: number;
    maximumStepSize?: number;
  };
}

export type EndpointStatus =
  | 'Creating'
  | 'Updating'
  | 'SystemUpdating'
  | 'RollingBack'
  | 'InService'
  | 'OutOfService'
  | 'Deleting'
  | 'Failed'
  | 'UpdateRollbackFailed';

export interface VariantState {
  variantName: string;
  currentInstanceCount: number;
  desiredInstanceCount: number;
  instanceType?: string;
}

export interface EndpointState {
  name: string;
  arn: string;
  status: EndpointStatus;
  configName: string;
  failureReason?: string;
  variants: VariantState[];
  tags: Tags;
  createdAt: number;
  lastModifiedAt: number;
}

export interface EndpointSummary {
  name: string;
  arn: string;
  status: EndpointStatus;
}

// ---------- Inference components (real-time endpoints that scale to zero) ----------

/**
 * One model on a real-time endpoint, in copies. AWS refuses `copyCount: 0` at creation, so apply
 * creates one copy and the scaling policy takes it to zero.
 * Source: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html
 */
export interface InferenceComponentSpec {
  name: string;
  endpointName: string;
  variantName: string;
  modelName: string;
  /** ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired */
  acceleratorsPerCopy: number;
  /** ComputeResourceRequirements.MinMemoryRequiredInMb */
  memoryMbPerCopy: number;
  /** ComputeResourceRequirements.NumberOfCpuCoresRequired */
  cpuCoresPerCopy?: number;
  /** RuntimeConfig.CopyCount */
  copyCount: number;
  tags: Tags;
}

export type InferenceComponentStatus = 'InService' | 'Creating' | 'Updating' | 'Failed' | 'Deleting';

export interface InferenceComponentState extends InferenceComponentSpec {
  arn: string;
  status: InferenceComponentStatus;
  /** RuntimeConfig.CurrentCopyCount: copies placed and serving. */
  currentCopyCount: number;
  /** RuntimeConfig.DesiredCopyCount: what scaling asked for. */
  desiredCopyCount: number;
  failureReason?: string;
  createdAt: number;
  lastModifiedAt: number;
}

export interface InferenceComponentSummary {
  name: string;
  arn: string;
  endpointName: string;
  status: InferenceComponentStatus;
}

/** What UpdateInferenceComponent may change in place (a new model or a new size per copy). */
export interface InferenceComponentUpdate {
  modelName: string;
  acceleratorsPerCopy: number;
  memoryMbPerCopy: number;
  cpuCoresPerCopy?: number;
}

/** A synchronous InvokeEndpoint call on a real-time endpoint, optionally to one component. */
export interface RealtimeInvocation {
  endpointName: string;
  inferenceComponentName?: string;
  body: Uint8Array | string;
  contentType?: string;
}

export interface RealtimeInvocationResult {
  body: Uint8Array;
  contentType?: string;
}

/**
 * The code of the CloudError an invocation throws when the component has no copy to serve it
 * (it is at zero, or every copy is busy). Real-time requests are not queued: the caller retries.
 */
export const NO_CAPACITY_ERROR = 'NoCapacity';

// ---------- Application Auto Scaling ----------

/** `endpoint/<name>/variant/<variant>`, or `inference-component/<name>` */
export type ScalableResourceId = string;

/**
 * The scalable dimension that goes with a resource id: a variant scales instances, an inference
 * component scales copies. Source: Application Auto Scaling RegisterScalableTarget, ScalableDimension.
 */
export function scalableDimensionOf(
  resourceId: ScalableResourceId,
): 'sagemaker:variant:DesiredInstanceCount' | 'sagemaker:inference-component:DesiredCopyCount' {
  return resourceId.startsWith('inference-component/')
    ? 'sagemaker:inference-component:DesiredCopyCount'
    : 'sagemaker:variant:DesiredInstanceCount';
}

export interface ScalableTargetSpec {
  resourceId: ScalableResourceId;
  minCapacity: number;
  maxCapacity: number;
  tags: Tags;
}

export interface ScalableTargetState extends ScalableTargetSpec {
  arn?: string;
  createdAt: number;
}

export interface StepAdjustment {
  lowerBound?: number;
  upperBound?: number;
  scalingAdjustment: number;
}

export interface MetricDimension {
  name: string;
  value: string;
}

export interface TargetTrackingPolicySpec {
  type: 'TargetTracking';
  policyName: string;
  resourceId: ScalableResourceId;
  targetValue: number;
  metricName: string;
  namespace: string;
  dimensions: MetricDimension[];
  statistic: 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount';
  scaleInCooldownSeconds: number;
  scaleOutCooldownSeconds: number;
  disableScaleIn: boolean;
}

export interface StepScalingPolicySpec {
  type: 'StepScaling';
  policyName: string;
  resourceId: ScalableResourceId;
  adjustmentType: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';
  stepAdjustments: StepAdjustment[];
  cooldownSeconds: number;
  metricAggregationType: 'Average' | 'Minimum' | 'Maximum';
}

/**
 * A target-tracking policy on a predefined metric (PredefinedMetricSpecification, e.g.
 * SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution) has this namespace and no
 * dimensions, its `metricName` being the PredefinedMetricType: the shape the AWS provider already
 * reads predefined policies back in, so writing and reading agree.
 */
export const PREDEFINED_METRIC_NAMESPACE = '';

export function isPredefinedMetric(spec: Pick<TargetTrackingPolicySpec, 'namespace'>): boolean {
  return spec.namespace === PREDEFINED_METRIC_NAMESPACE;
}

export type ScalingPolicySpec = TargetTrackingPolicySpec | StepScalingPolicySpec;

export type ScalingPolicyState = ScalingPolicySpec & {
  policyArn: string;
  /** Names of the alarms attached to the policy (for target tracking: the ones AWS created). */
  alarmNames: string[];
};

export interface ScheduledActionSpec {
  name: string;
  resourceId: ScalableResourceId;
  /** `cron(m h dom mon dow year)` / `at(...)` / `rate(...)`, in AWS's own syntax. */
  schedule: string;
  timezone?: string;
  minCapacity?: number;
  maxCapacity?: number;
}

export type ScheduledActionState = ScheduledActionSpec & { arn?: string };

export interface ScalingActivity {
  activityId: string;
  resourceId: ScalableResourceId;
  description: string;
  cause: string;
  startTime: number;
  endTime?: number;
  statusCode: 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';
  /** Parsed from the description when it says "Setting desired count to N". */
  desiredCapacity?: number;
}

// ---------- CloudWatch ----------

export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** One query of a metric-math alarm or GetMetricData call. */
export interface MetricQuery {
  id: string;
  /** Either a metric with a stat ... */
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: MetricDimension[];
    stat: string;
    periodSeconds: number;
  };
  /** ... or a math expression over other queries' ids. */
  expression?: string;
  label?: string;
  returnData: boolean;
}

export interface AlarmSpec {
  name: string;
  description?: string;
  /** A single-metric alarm ... */
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: MetricDimension[];
    statistic: 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount';
    periodSeconds: number;
  };
  /** ... or a metric-math alarm (exactly one query has returnData: true). */
  metrics?: MetricQuery[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
  alarmActions: string[];
  tags: Tags;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type AlarmState = AlarmSpec & { arn: string; stateValue: AlarmStateValue };

export interface MetricDataQuery {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
  stat: string;
  periodSeconds: number;
}

export interface MetricSeries {
  id: string;
  /** Ascending timestamps (ms) with their values. */
  timestamps: number[];
  values: number[];
}

// ---------- S3 and async invocation ----------

export interface AsyncInvocation {
  endpointName: string;
  inputLocation: string;
  inferenceId?: string;
  contentType?: string;
  requestTtlSeconds?: number;
  invocationTimeoutSeconds?: number;
}

export interface AsyncInvocationResult {
  inferenceId: string;
  outputLocation: string;
  failureLocation?: string;
}

export interface S3ObjectRef {
  bucket: string;
  key: string;
}

// ---------- The port ----------

export interface Cloud {
  /** 'aws' or 'sim', for logs and reports. */
  readonly kind: 'aws' | 'sim';
  readonly region: string;

  accountId(): Promise<string>;

  getModel(name: string): Promise<ModelState | undefined>;
  createModel(spec: ModelSpec): Promise<ModelState>;
  deleteModel(name: string): Promise<void>;
  /** Names of models whose name starts with `prefix`. */
  listModels(prefix: string): Promise<string[]>;

  getEndpointConfig(name: string): Promise<EndpointConfigState | undefined>;
  createEndpointConfig(spec: EndpointConfigSpec): Promise<EndpointConfigState>;
  deleteEndpointConfig(name: string): Promise<void>;
  listEndpointConfigs(prefix: string): Promise<string[]>;

  getEndpoint(name: string): Promise<EndpointState | undefined>;
  listEndpoints(): Promise<EndpointSummary[]>;
  createEndpoint(name: string, configName: string, tags: Tags): Promise<EndpointState>;
  updateEndpoint(name: string, configName: string): Promise<void>;
  deleteEndpoint(name: string): Promise<void>;
  /** Sets the variant's desired instance count directly (UpdateEndpointWeightsAndCapacities). */
  setDesiredInstanceCount(endpointName: string, variantName: string, count: number): Promise<void>;

  getScalableTarget(resourceId: ScalableResourceId): Promise<ScalableTargetState | undefined>;
  registerScalableTarget(spec: ScalableTargetSpec): Promise<void>;
  deregisterScalableTarget(resourceId: ScalableResourceId): Promise<void>;
  listScalingPolicies(resourceId: ScalableResourceId): Promise<ScalingPolicyState[]>;
  /** Creates or replaces a policy; returns its ARN. */
  putScalingPolicy(spec: ScalingPolicySpec): Promise<string>;
  deleteScalingPolicy(resourceId: ScalableResourceId, policyName: string): Promise<void>;
  listScheduledActions(resourceId: ScalableResourceId): Promise<ScheduledActionState[]>;
  putScheduledAction(spec: ScheduledActionSpec): Promise<void>;
  deleteScheduledAction(resourceId: ScalableResourceId, name: string): Promise<void>;
  /** Newest first, as DescribeScalingActivities returns them, back to `since` (ms). */
  listScalingActivities(resourceId: ScalableResourceId, since: number): Promise<ScalingActivity[]>;
  /**
   * Every scaling activity of the `sagemaker` namespace that started at or after `since`, newest
   * first: one paginated DescribeScalingActivities without a ResourceId, so telemetry learns which
   * endpoints changed with one call a minute however many endpoints there are.
   */
  listAllScalingActivities(since: number): Promise<ScalingActivity[]>;

  /** Alarms whose name starts with `prefix`. */
  listAlarms(prefix: string): Promise<AlarmState[]>;
  putAlarm(spec: AlarmSpec): Promise<void>;
  deleteAlarms(names: string[]): Promise<void>;
  getMetricData(queries: MetricDataQuery[], start: number, end: number): Promise<MetricSeries[]>;

  putObject(uri: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /**
   * The object's bytes, or undefined when there is no such object. With `maxBytes`, only its first
   * `maxBytes` bytes are read (a model may write gigabytes; a probe needs to know it answered).
   */
  getObject(uri: string, options?: { maxBytes?: number }): Promise<Uint8Array | undefined>;
  deleteObject(uri: string): Promise<void>;

  invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult>;

  getInferenceComponent(name: string): Promise<InferenceComponentState | undefined>;
  createInferenceComponent(spec: InferenceComponentSpec): Promise<InferenceComponentState>;
  updateInferenceComponent(name: string, update: InferenceComponentUpdate): Promise<void>;
  deleteInferenceComponent(name: string): Promise<void>;
  /** Components on `endpointName`, or every component in the region without it. */
  listInferenceComponents(endpointName?: string): Promise<InferenceComponentSummary[]>;
  /**
   * Synchronous InvokeEndpoint. Throws CloudError with code NO_CAPACITY_ERROR when the component
   * has no copy to serve the request; the caller decides whether to retry.
   */
  invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult>;

  /**
   * Adds `tags` to the resource `arn` names, keeping its other tags (a key it has gets the new value):
   * SageMaker AddTags for a model, endpoint config or endpoint; TagResource for an Application Auto
   * Scaling scalable target or a CloudWatch alarm. `apply --adopt` uses it to make existing resources
   * sagezero's.
   */
  tagResource(arn: string, tags: Tags): Promise<void>;
}

/** A failure talking to the cloud, already phrased for a person. */
export class CloudError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly operation?: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

export function scalableResourceId(endpointName: string, variantName: string): ScalableResourceId {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

export function componentResourceId(componentName: string): ScalableResourceId {
  return `inference-component/${componentName}`;
}

export function parseS3Uri(uri: string): S3ObjectRef {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new CloudError(`not an S3 URI: ${uri}`, 'InvalidS3Uri', false);
  return { bucket: m[1], key: m[2] ?? '' };
}

/** Told of every cloud API call, for the call counter in the store and /metrics, and for tests. */
export interface ApiCall {
  service: string;
  operation: string;
  mutating: boolean;
  ok: boolean;
  errorCode?: string;
  /**
   * Error codes of the attempts that failed and were retried before the call's final outcome
   * (the SDK's own retries), oldest first. Without these a throttled call the SDK retried away
   * would look healthy in /metrics.
   */
  retriedErrors?: string[];
}

export interface ApiCallObserver {
  onCall(call: ApiCall): void;
}

/** Counts calls in memory; tests use it to prove that an unchanged `apply` mutates nothing. */
export class ApiCallCounter implements ApiCallObserver {
  readonly calls: ApiCall[] = [];

  onCall(call: ApiCall): void {
    this.calls.push(call);
  }

  mutating(): string[] {
    return this.calls.filter((c) => c.mutating).map((c) => `${c.service}:${c.operation}`);
  }
}

/** Read-only operations start with one of these verbs; everything else changes something. */
export function isMutatingOperation(operation: string): boolean {
  return !/^(Describe|List|Get|Head|Select)/.test(operation);
}
