// Inference components and synchronous InvokeEndpoint over the AWS SDK (issue 15).
// TODO(realtime AWS helper): implement with CreateInferenceComponent & co.; until then every call
// says plainly that this build cannot manage real-time endpoints on AWS.
import {
  CloudError,
  type InferenceComponentSpec,
  type InferenceComponentState,
  type InferenceComponentSummary,
  type InferenceComponentUpdate,
  type RealtimeInvocation,
  type RealtimeInvocationResult,
} from '../types.js';
import type { AwsContext } from './call.js';

function unsupported(operation: string): never {
  throw new CloudError(
    'real-time endpoints (inference components) are not supported on AWS by this build',
    'NotSupported',
    false,
    operation,
  );
}

export function inferenceComponentOps(_ctx: AwsContext): {
  getInferenceComponent(name: string): Promise<InferenceComponentState | undefined>;
  createInferenceComponent(spec: InferenceComponentSpec): Promise<InferenceComponentState>;
  updateInferenceComponent(name: string, update: InferenceComponentUpdate): Promise<void>;
  deleteInferenceComponent(name: string): Promise<void>;
  listInferenceComponents(endpointName?: string): Promise<InferenceComponentSummary[]>;
  invokeEndpoint(request: RealtimeInvocation): Promise<RealtimeInvocationResult>;
} {
  return {
    getInferenceComponent: async () => unsupported('DescribeInferenceComponent'),
    createInferenceComponent: async () => unsupported('CreateInferenceComponent'),
    updateInferenceComponent: async () => unsupported('UpdateInferenceComponent'),
    deleteInferenceComponent: async () => unsupported('DeleteInferenceComponent'),
    listInferenceComponents: async () => unsupported('ListInferenceComponents'),
    invokeEndpoint: async () => unsupported('InvokeEndpoint'),
  };
}
