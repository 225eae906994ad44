// SageMaker hosting shapes <-> the port's ModelSpec / EndpointConfigSpec / EndpointState. Pure.
import type {
  AsyncInferenceConfig,
  ContainerDefinition,
  CreateEndpointConfigInput,
  CreateModelInput,
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeModelOutput,
  ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import type {
  AsyncInferenceSpec,
  EndpointConfigSpec,
  EndpointConfigState,
  EndpointState,
  EndpointStatus,
  ModelSpec,
  ModelState,
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

/**
 * DescribeEndpoint's variant summaries carry counts but no instance type (that lives in the
 * endpoint config), so `instanceType` stays unset here rather than costing a second call.
 */
export function fromDescribeEndpoint(out: DescribeEndpointOutput, tags: Tags): EndpointState {
  const state: EndpointState = {
    name: out.EndpointName ?? '',
    arn: out.EndpointArn ?? '',
    status: toEndpointStatus(out.EndpointStatus),
    configName: out.EndpointConfigName ?? '',
    variants: (out.ProductionVariants ?? []).map((v) => ({
      variantName: v.VariantName ?? '',
      currentInstanceCount: v.CurrentInstanceCount ?? 0,
      desiredInstanceCount: v.DesiredInstanceCount ?? v.CurrentInstanceCount ?? 0,
    })),
    tags,
    createdAt: out.CreationTime?.getTime() ?? 0,
    lastModifiedAt: out.LastModifiedTime?.getTime() ?? out.CreationTime?.getTime() ?? 0,
  };
  if (out.FailureReason) state.failureReason = out.FailureReason;
  return state;
}
