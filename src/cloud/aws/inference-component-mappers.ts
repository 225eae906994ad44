// SageMaker inference component shapes <-> the port's InferenceComponentSpec / State / Summary. Pure.
// Source: CreateInferenceComponent, DescribeInferenceComponent, UpdateInferenceComponent,
// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html
import type {
  CreateInferenceComponentInput,
  DescribeInferenceComponentOutput,
  InferenceComponentComputeResourceRequirements,
  InferenceComponentSummary as SdkInferenceComponentSummary,
  UpdateInferenceComponentInput,
} from '@aws-sdk/client-sagemaker';
import type {
  InferenceComponentSpec,
  InferenceComponentState,
  InferenceComponentStatus,
  InferenceComponentSummary,
  InferenceComponentUpdate,
  Tags,
} from '../types.js';
import { toTagList } from './tags.js';

const STATUSES: readonly InferenceComponentStatus[] = [
  'InService',
  'Creating',
  'Updating',
  'Failed',
  'Deleting',
];

/** A status newer than this code reads as Updating: callers wait rather than act on it. */
export function toComponentStatus(s: string | undefined): InferenceComponentStatus {
  return STATUSES.find((x) => x === s) ?? 'Updating';
}

function toRequirements(
  r: Pick<InferenceComponentUpdate, 'acceleratorsPerCopy' | 'memoryMbPerCopy' | 'cpuCoresPerCopy'>,
): InferenceComponentComputeResourceRequirements {
  const out: InferenceComponentComputeResourceRequirements = {
    MinMemoryRequiredInMb: r.memoryMbPerCopy,
  };
  // A CPU-only model asks for no accelerators; AWS refuses NumberOfAcceleratorDevicesRequired: 0.
  if (r.acceleratorsPerCopy > 0) out.NumberOfAcceleratorDevicesRequired = r.acceleratorsPerCopy;
  if (r.cpuCoresPerCopy !== undefined) out.NumberOfCpuCoresRequired = r.cpuCoresPerCopy;
  return out;
}

export function toCreateInferenceComponentInput(spec: InferenceComponentSpec): CreateInferenceComponentInput {
  return {
    InferenceComponentName: spec.name,
    EndpointName: spec.endpointName,
    VariantName: spec.variantName,
    Specification: { ModelName: spec.modelName, ComputeResourceRequirements: toRequirements(spec) },
    RuntimeConfig: { CopyCount: spec.copyCount },
    Tags: toTagList(spec.tags),
  };
}

/** UpdateInferenceComponent with a Specification only: the copy count belongs to the scaling policy. */
export function toUpdateInferenceComponentInput(
  name: string,
  update: InferenceComponentUpdate,
): UpdateInferenceComponentInput {
  return {
    InferenceComponentName: name,
    Specification: { ModelName: update.modelName, ComputeResourceRequirements: toRequirements(update) },
  };
}

/**
 * `copyCount` reads back as the desired count: what the component is asked to run now, which is what
 * a spec's count becomes once created (scaling moves it afterwards; plan compares the model and sizes,
 * not the count).
 */
export function fromDescribeInferenceComponent(
  out: DescribeInferenceComponentOutput,
  tags: Tags,
): InferenceComponentState {
  const spec = out.Specification ?? out.Specifications?.[0];
  const r = spec?.ComputeResourceRequirements;
  const runtime = out.RuntimeConfig;
  const desired = runtime?.DesiredCopyCount ?? runtime?.CurrentCopyCount ?? 0;
  const state: InferenceComponentState = {
    name: out.InferenceComponentName ?? '',
    arn: out.InferenceComponentArn ?? '',
    endpointName: out.EndpointName ?? '',
    variantName: out.VariantName ?? '',
    modelName: spec?.ModelName ?? '',
    acceleratorsPerCopy: r?.NumberOfAcceleratorDevicesRequired ?? 0,
    memoryMbPerCopy: r?.MinMemoryRequiredInMb ?? 0,
    copyCount: desired,
    status: toComponentStatus(out.InferenceComponentStatus),
    currentCopyCount: runtime?.CurrentCopyCount ?? 0,
    desiredCopyCount: desired,
    createdAt: out.CreationTime?.getTime() ?? 0,
    lastModifiedAt: out.LastModifiedTime?.getTime() ?? out.CreationTime?.getTime() ?? 0,
    tags,
  };
  if (r?.NumberOfCpuCoresRequired !== undefined) state.cpuCoresPerCopy = r.NumberOfCpuCoresRequired;
  if (out.FailureReason) state.failureReason = out.FailureReason;
  return state;
}

export function fromInferenceComponentSummary(s: SdkInferenceComponentSummary): InferenceComponentSummary {
  return {
    name: s.InferenceComponentName ?? '',
    arn: s.InferenceComponentArn ?? '',
    endpointName: s.EndpointName ?? '',
    status: toComponentStatus(s.InferenceComponentStatus),
  };
}
