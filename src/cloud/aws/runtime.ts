// SageMaker Runtime: queue one asynchronous inference whose input is already in S3.
import { InvokeEndpointAsyncCommand } from '@aws-sdk/client-sagemaker-runtime';
import { CloudError, type AsyncInvocation, type AsyncInvocationResult } from '../types.js';
import { attempt, type AwsContext } from './call.js';

export function runtimeOps(ctx: AwsContext) {
  const rt = ctx.clients.runtime;
  return {
    async invokeEndpointAsync(request: AsyncInvocation): Promise<AsyncInvocationResult> {
      const resource = `endpoint "${request.endpointName}" (input ${request.inputLocation})`;
      const out = await attempt(ctx, 'sagemaker-runtime', 'InvokeEndpointAsync', resource, () =>
        rt.send(
          new InvokeEndpointAsyncCommand({
            EndpointName: request.endpointName,
            InputLocation: request.inputLocation,
            InferenceId: request.inferenceId,
            ContentType: request.contentType,
            RequestTTLSeconds: request.requestTtlSeconds,
            InvocationTimeoutSeconds: request.invocationTimeoutSeconds,
          }),
        ),
      );
      if (!out.OutputLocation) {
        throw new CloudError(
          `SageMaker Runtime InvokeEndpointAsync for ${resource} returned no output location`,
          'MissingOutputLocation',
          false,
          'InvokeEndpointAsync',
        );
      }
      const result: AsyncInvocationResult = {
        inferenceId: out.InferenceId ?? request.inferenceId ?? '',
        outputLocation: out.OutputLocation,
      };
      if (out.FailureLocation) result.failureLocation = out.FailureLocation;
      return result;
    },
  };
}
