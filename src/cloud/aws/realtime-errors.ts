// The two AWS answers that real-time endpoints scaled to zero add, recognised and rephrased.
import { CloudError, NO_CAPACITY_ERROR, type EndpointConfigSpec } from '../types.js';
import { errorCode, redact } from './errors.js';

function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message ?? '') : '';
}

/**
 * InvokeEndpoint on an inference component with no copy to serve the request. AWS answers HTTP 400
 * `ValidationError: Inference Component has no capacity to process this request. ApplicationAutoScaling
 * may be in-progress (if configured) or try to increase the capacity by invoking
 * UpdateInferenceComponentRuntimeConfig API.` Source: AWS Machine Learning Blog, "Unlock cost savings
 * with the new scale down to zero feature in SageMaker Inference" (2024-12-02), section "Test the
 * solution", https://aws.amazon.com/blogs/machine-learning/unlock-cost-savings-with-the-new-scale-down-to-zero-feature-in-sagemaker-inference/
 * The runtime's modeled error is ValidationError; ValidationException is accepted too (the control
 * plane's spelling) so a proxy or emulator that normalises the name still reads as no capacity.
 */
export function isNoCapacity(e: unknown): boolean {
  const code = errorCode(e);
  return (
    (code === 'ValidationError' || code === 'ValidationException') &&
    /has no capacity to process this request/i.test(messageOf(e))
  );
}

/** Not a failure of the call but a state the caller waits out: the failed request wakes the component. */
export function noCapacityError(
  endpointName: string,
  componentName: string | undefined,
  e: unknown,
  secrets: readonly string[],
): CloudError {
  const target = componentName
    ? `inference component "${componentName}" of endpoint "${endpointName}"`
    : `endpoint "${endpointName}"`;
  return new CloudError(
    redact(
      `SageMaker Runtime InvokeEndpoint: ${target} has no copy to serve the request (it is at zero or ` +
        `every copy is busy); real-time requests are not queued, retry while it scales out. AWS said: ${messageOf(e)}`,
      secrets,
    ),
    NO_CAPACITY_ERROR,
    true,
    'InvokeEndpoint',
  );
}

/**
 * CreateEndpointConfig refused `ManagedInstanceScaling.MinInstanceCount: 0`. Scale to zero for
 * real-time endpoints is not offered in every region (a user reports it rejected in eu-west-3, issue
 * 15); AWS's validation message names the field, which is what is matched here.
 */
export function scaleToZeroRefusal(
  e: unknown,
  spec: EndpointConfigSpec,
  region: string,
  secrets: readonly string[],
): CloudError | undefined {
  if (spec.kind !== 'realtime' || spec.managedScaling?.minInstanceCount !== 0) return undefined;
  const code = errorCode(e);
  if (code !== 'ValidationException' && code !== 'ValidationError') return undefined;
  if (!/MinInstanceCount|min(imum)? instance count|scal\w* (down )?to zero/i.test(messageOf(e)))
    return undefined;
  return new CloudError(
    redact(
      `SageMaker CreateEndpointConfig for endpoint configuration "${spec.name}": region ${region || '(unknown)'} ` +
        `refused scale to zero for real-time endpoints (ManagedInstanceScaling.MinInstanceCount 0). Use a region ` +
        `that offers it, or set managedScaling.minInstances to 1 or more there. AWS said: ${messageOf(e)} (${code})`,
      secrets,
    ),
    'ScaleToZeroNotSupportedInRegion',
    false,
    'CreateEndpointConfig',
  );
}
