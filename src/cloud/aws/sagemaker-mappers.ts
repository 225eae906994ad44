// SageMaker hosting shapes <-> the port's ModelSpec / EndpointConfigSpec / EndpointState. Pure.
import type {
  AsyncInferenceConfig,
  ContainerDefinition,
  CreateEndpointConfigInput,
  CreateModelInput,
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeModelOutput,
  ProductionVariant,
  ProductionVariantInstanceType,
  ProductionVariantManagedInstanceScaling,
} from '@aws-sdk/client-sagemaker';
import { CloudError, isAsyncConfig } from '../types.js';
import type {
  AsyncInferenceSpec,
  EndpointConfigSpec,
  EndpointConfigState,
  EndpointState,
  EndpointStatus,
  ManagedInstanceScalingSpec,
  ModelSpec,
  ModelState,
  RealtimeEndpointConfigSpec,
  RealtimeEndpointConfigState,
  Tags,
} from '../types.js';
import { toTagList } from './tags.js';

export function toCreateModelInput(spec: ModelSpec): CreateModelInput {
  const container: ContainerDefinition = { Image: spec.image, Environment: { ...spec.environment } };
  if (spec.modelDataUrl !== undefined) {
    if (spec.modelDataCompressed === false) {
      // Uncompressed weights are served from an S3 prefix; only ModelDataSource can say so.
      container.ModelDataSource = {
        S3DataSource: { S3Uri: spec.modelDataUrl, S3DataType: 'S3Prefix', CompressionType: 'None' },
      };
    } else {
      container.ModelDataUrl = spec.modelDataUrl;
    }
  }
  return {
    ModelName: spec.name,
    PrimaryContainer: container,
    ExecutionRoleArn: spec.executionRoleArn,
    Tags: toTagList(spec.tags),
  };
}

/**
 * `modelDataCompressed` comes back `false` for an uncompressed prefix and absent for a model.tar.gz,
 * the form sagezero writes for the default (compressed) case, so an unchanged model reads back equal.
 */
export function fromDescribeModel(out: DescribeModelOutput, tags: Tags): ModelState {
  const c = out.PrimaryContainer ?? out.Containers?.[0] ?? {};
  const s3 = c.ModelDataSource?.S3DataSource;
  const state: ModelState = {
    name: out.ModelName ?? '',
    arn: out.ModelArn ?? '',
    createdAt: out.CreationTime?.getTime() ?? 0,
    image: c.Image ?? '',
    environment: { ...(c.Environment ?? {}) },
    executionRoleArn: out.ExecutionRoleArn ?? '',
    tags,
  };
  if (s3?.S3Uri !== undefined) {
    state.modelDataUrl = s3.S3Uri;
    if (s3.CompressionType !== 'Gzip') state.modelDataCompressed = false;
  } else if (c.ModelDataUrl !== undefined) {
    state.modelDataUrl = c.ModelDataUrl;
  }
  return state;
}

export function toAsyncInferenceConfig(a: AsyncInferenceSpec): AsyncInferenceConfig {
  const notification =
    a.successTopic !== undefined || a.errorTopic !== undefined
      ? { SuccessTopic: a.successTopic, ErrorTopic: a.errorTopic }
      : undefined;
  return {
    OutputConfig: {
      S3OutputPath: a.outputPath,
      S3FailurePath: a.failurePath,
      KmsKeyId: a.kmsKeyId,
      NotificationConfig: notification,
    },
    ClientConfig:
      a.maxConcurrentInvocationsPerInstance !== undefined
        ? { MaxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance }
        : undefined,
  };
}

export function fromAsyncInferenceConfig(c: AsyncInferenceConfig | undefined): AsyncInferenceSpec {
  const out = c?.OutputConfig;
  const spec: AsyncInferenceSpec = { outputPath: out?.S3OutputPath ?? '' };
  if (out?.S3FailurePath !== undefined) spec.failurePath = out.S3FailurePath;
  if (out?.KmsKeyId !== undefined) spec.kmsKeyId = out.KmsKeyId;
  if (out?.NotificationConfig?.SuccessTopic !== undefined)
    spec.successTopic = out.NotificationConfig.SuccessTopic;
  if (out?.NotificationConfig?.ErrorTopic !== undefined) spec.errorTopic = out.NotificationConfig.ErrorTopic;
  const max = c?.ClientConfig?.MaxConcurrentInvocationsPerInstance;
  if (max !== undefined) spec.maxConcurrentInvocationsPerInstance = max;
  return spec;
}

export function toCreateEndpointConfigInput(spec: EndpointConfigSpec): CreateEndpointConfigInput {
  if (!isAsyncConfig(spec)) return toCreateRealtimeEndpointConfigInput(spec);
  return {
    EndpointConfigName: spec.name,
    ProductionVariants: [
      {
        VariantName: spec.variantName,
        ModelName: spec.modelName,
        // The SDK's union lists today's instance types; AWS validates the string, so newer ones pass.
        InstanceType: spec.instanceType as ProductionVariantInstanceType,
        InitialInstanceCount: spec.initialInstanceCount,
      },
    ],
    AsyncInferenceConfig: toAsyncInferenceConfig(spec.async),
    Tags: toTagList(spec.tags),
  };
}

/** sagezero's configs have one variant; with more, the first is the one it manages. */
export function fromDescribeEndpointConfig(
  out: DescribeEndpointConfigOutput,
  tags: Tags,
): EndpointConfigState {
  const v = out.ProductionVariants?.[0];
  if (!out.AsyncInferenceConfig) return fromDescribeRealtimeEndpointConfig(out, tags);
  return {
    name: out.EndpointConfigName ?? '',
    arn: out.EndpointConfigArn ?? '',
    createdAt: out.CreationTime?.getTime() ?? 0,
    modelName: v?.ModelName ?? '',
    variantName: v?.VariantName ?? '',
    instanceType: v?.InstanceType ?? '',
    initialInstanceCount: v?.InitialInstanceCount ?? 0,
    async: fromAsyncInferenceConfig(out.AsyncInferenceConfig),
    tags,
  };
}

const STATUSES: readonly EndpointStatus[] = [
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'InService',
  'OutOfService',
  'Deleting',
  'Failed',
  'UpdateRollbackFailed',
];

export function toEndpointStatus(s: string | undefined): EndpointStatus {
  const found = STATUSES.find((x) => x === s);
  // A status newer than this code is most safely read as "busy": callers wait rather than act.
  return found ?? 'Updating';
}

/** Statuses in which SageMaker always lists the variants with their instance counts. */
const SERVING = new Set<EndpointStatus>([
  'InService',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'UpdateRollbackFailed',
]);

/**
 * What sagezero makes of each DescribeEndpoint field when a peer (AWS, an emulator, a proxy) leaves it
 * out or sends something else. A field whose absence would make a caller act on a guess (ownership,
 * status, which config is deployed, which variant) is required: without it the answer is refused with
 * a CloudError naming the operation, the endpoint and the field. A field AWS itself leaves out at
 * times gets a default that no caller can misread:
 *
 * - EndpointName, EndpointArn (ownership tags are read by ARN), EndpointStatus, EndpointConfigName
 *   (plan, apply and telemetry need to know which config is deployed), and each variant's VariantName:
 *   required. Absent, empty or not a string: refused. A name other than the one asked for: refused.
 *   A status newer than this code reads as Updating (see toEndpointStatus).
 * - ProductionVariants and each variant's CurrentInstanceCount: while the endpoint is Creating, Failed,
 *   Deleting or OutOfService, absent means no variants / 0 instances (AWS lists none before the first
 *   instance). While it serves (InService, Updating, SystemUpdating, RollingBack, UpdateRollbackFailed)
 *   AWS always lists them, 0 when scaled to zero, so absent then is refused: read as 0 it would be
 *   stored as a scale-in that never happened and counted as savings. Not a list, an entry that is not
 *   an object, or a count that is not a whole number >= 0: refused.
 * - DesiredInstanceCount: absent means the current count (no change pending).
 * - CreationTime: absent means 0, "unknown" (telemetry then records no creation transition).
 *   LastModifiedTime: absent means the creation time; refused when both are absent (the stuck-endpoint
 *   alert counts from it, and 1970 would raise it at once). A timestamp that is not one: the SDK refuses.
 * - FailureReason: absent (or not text) means none; callers say "no reason given".
 * - AsyncInferenceConfig: not read; the async settings come from the endpoint config.
 *
 * Variant summaries carry counts but no instance type (that lives in the endpoint config), so
 * `instanceType` stays unset rather than costing a second call. Tags are read separately (by ARN).
 */
export function fromDescribeEndpoint(
  out: DescribeEndpointOutput,
  requestedName: string,
): Omit<EndpointState, 'tags'> {
  // Typed by the SDK, but the SDK passes JSON through unchecked: read every field as unknown.
  const raw = out as unknown as Record<string, unknown>;
  const refuse = (what: string): CloudError =>
    new CloudError(
      `SageMaker DescribeEndpoint for endpoint "${requestedName}" returned ${what}; sagezero does not act on an incomplete answer (MalformedResponse)`,
      'MalformedResponse',
      false,
      'DescribeEndpoint',
    );
  const text = (field: string, value: unknown): string => {
    if (value === undefined || value === null || value === '') throw refuse(`no ${field}`);
    if (typeof value !== 'string') throw refuse(`${field} ${show(value)}, not a string`);
    return value;
  };
  const count = (field: string, value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw refuse(`${field} ${show(value)}, not a whole number of instances`);
    return value;
  };
  const time = (value: unknown): number | undefined =>
    value instanceof Date && Number.isFinite(value.getTime()) ? value.getTime() : undefined;

  const name = text('EndpointName', raw.EndpointName);
  if (name.toLowerCase() !== requestedName.toLowerCase())
    throw refuse(`EndpointName "${name}", another endpoint`);
  const arn = text('EndpointArn', raw.EndpointArn);
  const status = text('EndpointStatus', raw.EndpointStatus);
  const configName = text('EndpointConfigName', raw.EndpointConfigName);

  const serving = SERVING.has(toEndpointStatus(status));
  const whileServing = ` for ${/^[AEIOU]/.test(status) ? 'an' : 'a'} ${status} endpoint`;
  const list = raw.ProductionVariants ?? [];
  if (!Array.isArray(list)) throw refuse(`ProductionVariants ${show(list)}, not a list`);
  if (list.length === 0 && serving) throw refuse(`no ProductionVariants${whileServing}`);
  const variants = list.map((v: unknown, i) => {
    const field = `ProductionVariants[${i}]`;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw refuse(`${field} ${show(v)}, not a variant`);
    const summary = v as Record<string, unknown>;
    const reported = count(`${field}.CurrentInstanceCount`, summary.CurrentInstanceCount);
    if (reported === undefined && serving) throw refuse(`no ${field}.CurrentInstanceCount${whileServing}`);
    const current = reported ?? 0;
    return {
      variantName: text(`${field}.VariantName`, summary.VariantName),
      currentInstanceCount: current,
      desiredInstanceCount: count(`${field}.DesiredInstanceCount`, summary.DesiredInstanceCount) ?? current,
    };
  });

  const createdAt = time(raw.CreationTime);
  const lastModifiedAt = time(raw.LastModifiedTime) ?? createdAt;
  // "Since when" drives the stuck-endpoint alert: 1970 would raise it at once, so no time is no answer.
  if (lastModifiedAt === undefined) throw refuse('no LastModifiedTime (nor CreationTime)');

  const state: Omit<EndpointState, 'tags'> = {
    name,
    arn,
    status: toEndpointStatus(status),
    configName,
    variants,
    createdAt: createdAt ?? 0,
    lastModifiedAt,
  };
  if (typeof raw.FailureReason === 'string' && raw.FailureReason !== '')
    state.failureReason = raw.FailureReason;
  return state;
}

/** A value from a broken answer, short enough for an error message. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

// ---------- Real-time configurations (issue 15) ----------
// Source for every field: CreateEndpointConfig and ProductionVariant (ManagedInstanceScaling,
// RoutingConfig), https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html
// and ProductionVariantManagedInstanceScalingScaleInPolicy (Strategy IDLE_RELEASE | CONSOLIDATION,
// CooldownInMinutes 5-1440, default 20; MaximumStepSize, default 1).

const SCALE_IN_STRATEGIES = ['IDLE_RELEASE', 'CONSOLIDATION'] as const;
const ROUTING_STRATEGIES = ['LEAST_OUTSTANDING_REQUESTS', 'RANDOM'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

export function toManagedInstanceScaling(
  m: ManagedInstanceScalingSpec,
): ProductionVariantManagedInstanceScaling {
  const out: ProductionVariantManagedInstanceScaling = {
    Status: 'ENABLED',
    MinInstanceCount: m.minInstanceCount,
    MaxInstanceCount: m.maxInstanceCount,
  };
  if (m.scaleIn) {
    out.ScaleInPolicy = {
      Strategy: m.scaleIn.strategy,
      CooldownInMinutes: m.scaleIn.cooldownMinutes,
      MaximumStepSize: m.scaleIn.maximumStepSize,
    };
  }
  return out;
}

/** Undefined when managed scaling is off (DISABLED, or not there): a spec without it sends none. */
export function fromManagedInstanceScaling(
  m: ProductionVariantManagedInstanceScaling | undefined,
): ManagedInstanceScalingSpec | undefined {
  if (!m || m.Status !== 'ENABLED') return undefined;
  const spec: ManagedInstanceScalingSpec = {
    minInstanceCount: m.MinInstanceCount ?? 0,
    maxInstanceCount: m.MaxInstanceCount ?? 0,
  };
  const strategy = oneOf(m.ScaleInPolicy?.Strategy, SCALE_IN_STRATEGIES);
  if (strategy) {
    const scaleIn: NonNullable<ManagedInstanceScalingSpec['scaleIn']> = { strategy };
    if (m.ScaleInPolicy?.CooldownInMinutes !== undefined)
      scaleIn.cooldownMinutes = m.ScaleInPolicy.CooldownInMinutes;
    if (m.ScaleInPolicy?.MaximumStepSize !== undefined)
      scaleIn.maximumStepSize = m.ScaleInPolicy.MaximumStepSize;
    spec.scaleIn = scaleIn;
  }
  return spec;
}

/**
 * A variant without a model (its models are inference components) needs the config's
 * ExecutionRoleArn; a classic real-time variant names its model and needs neither.
 */
export function toCreateRealtimeEndpointConfigInput(
  spec: RealtimeEndpointConfigSpec,
): CreateEndpointConfigInput {
  const variant: ProductionVariant = {
    VariantName: spec.variantName,
    InstanceType: spec.instanceType as ProductionVariantInstanceType,
    InitialInstanceCount: spec.initialInstanceCount,
  };
  if (spec.modelName) variant.ModelName = spec.modelName;
  if (spec.managedScaling) variant.ManagedInstanceScaling = toManagedInstanceScaling(spec.managedScaling);
  if (spec.routingStrategy) variant.RoutingConfig = { RoutingStrategy: spec.routingStrategy };
  const input: CreateEndpointConfigInput = {
    EndpointConfigName: spec.name,
    ProductionVariants: [variant],
    Tags: toTagList(spec.tags),
  };
  if (spec.executionRoleArn) input.ExecutionRoleArn = spec.executionRoleArn;
  return input;
}

/** Optional fields come back only when AWS lists them, so an unchanged config reads back equal. */
export function fromDescribeRealtimeEndpointConfig(
  out: DescribeEndpointConfigOutput,
  tags: Tags,
): RealtimeEndpointConfigState {
  const v = out.ProductionVariants?.[0];
  const state: RealtimeEndpointConfigState = {
    kind: 'realtime',
    name: out.EndpointConfigName ?? '',
    arn: out.EndpointConfigArn ?? '',
    createdAt: out.CreationTime?.getTime() ?? 0,
    variantName: v?.VariantName ?? '',
    instanceType: v?.InstanceType ?? '',
    initialInstanceCount: v?.InitialInstanceCount ?? 0,
    tags,
  };
  if (v?.ModelName) state.modelName = v.ModelName;
  if (out.ExecutionRoleArn) state.executionRoleArn = out.ExecutionRoleArn;
  const managed = fromManagedInstanceScaling(v?.ManagedInstanceScaling);
  if (managed) state.managedScaling = managed;
  const routing = oneOf(v?.RoutingConfig?.RoutingStrategy, ROUTING_STRATEGIES);
  if (routing) state.routingStrategy = routing;
  return state;
}
