// SDK errors -> CloudError phrased for a person, and the few error shapes that mean "not found".
import { CloudError } from '../types.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

function asSdkError(e: unknown): SdkErrorLike {
  return typeof e === 'object' && e !== null ? (e as SdkErrorLike) : { message: String(e) };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);

const TRANSIENT_NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

export function errorCode(e: unknown): string {
  const err = asSdkError(e);
  return err.name && err.name !== 'Error' ? err.name : (err.code ?? err.name ?? 'Unknown');
}

export function httpStatus(e: unknown): number | undefined {
  return asSdkError(e).$metadata?.httpStatusCode;
}

export function isRetryable(e: unknown): boolean {
  const err = asSdkError(e);
  const code = errorCode(e);
  if (THROTTLING.has(code) || TRANSIENT_NETWORK.has(code) || err.$retryable?.throttling) return true;
  const status = httpStatus(e);
  return err.$fault === 'server' || (status !== undefined && status >= 500) || status === 429;
}

/**
 * SageMaker has no ResourceNotFound for models, endpoint configs, endpoints and inference components:
 * Describe* answers `ValidationException: Could not find model "arn:..."` (moto: `'arn:...'`;
 * components: `Could not find inference component "<name>"`, the phrase the SageMaker Python SDK and
 * the Terraform provider test for). Matching the kind as well as the phrase matters: CreateEndpoint
 * with a missing config says "Could not find endpoint configuration", which must not read as
 * "endpoint not found".
 */
export function isSageMakerNotFound(
  e: unknown,
  kind: 'model' | 'endpoint' | 'endpoint configuration' | 'inference component',
): boolean {
  const err = asSdkError(e);
  if (errorCode(e) !== 'ValidationException' && errorCode(e) !== 'ResourceNotFound') return false;
  const m =
    /^Could not find (model|endpoint configuration|endpoint_config|endpoint|inference component)\b/i.exec(
      err.message ?? '',
    );
  if (!m?.[1]) return false;
  const found = m[1].toLowerCase() === 'endpoint_config' ? 'endpoint configuration' : m[1].toLowerCase();
  return found === kind;
}

/**
 * Application Auto Scaling's "no such policy/target/action" on Delete and Deregister: AWS answers
 * ObjectNotFoundException; moto answers ValidationException "No scaling policy found for ...".
 */
export function isAutoScalingNotFound(e: unknown): boolean {
  const code = errorCode(e);
  if (code === 'ObjectNotFoundException') return true;
  return (
    code === 'ValidationException' &&
    /^No (scaling policy|scalable target|scheduled action) found\b/.test(asSdkError(e).message ?? '')
  );
}

export function isS3NoSuchKey(e: unknown): boolean {
  const code = errorCode(e);
  // HeadObject/GetObject without a parsed body come back as a bare 404 named NotFound.
  return code === 'NoSuchKey' || (httpStatus(e) === 404 && code !== 'NoSuchBucket');
}

/**
 * True when a custom endpoint (an emulator) answered with something that is not an AWS error at all:
 * moto serves an HTML "500 Internal Server Error" for operations it lacks, which the
 * SDK reports as a deserialization SyntaxError. Real AWS never does this, so callers only degrade on
 * it when a custom endpoint is configured.
 */
export function isUnsupportedByEmulator(e: unknown, customEndpoint: boolean): boolean {
  if (!customEndpoint) return false;
  const status = httpStatus(e);
  return (status === 500 || status === 501 || status === 404) && errorCode(e) === 'SyntaxError';
}

/** Removes anything that looks like a credential from text bound for logs and people. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '<redacted-key-id>')
    .replace(
      /(X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature|Signature|Credential)=([^&\s,]+)/gi,
      '$1=<redacted>',
    );
  // Real key ids are 20 characters and secrets 40; shorter strings (an emulator's dummy "testing")
  // would erase ordinary words from messages.
  for (const s of secrets) if (s.length >= 16) out = out.split(s).join('<redacted>');
  return out;
}

export interface CallDescription {
  /** e.g. "SageMaker" */
  service: string;
  /** e.g. "DescribeModel" */
  operation: string;
  /** e.g. `model "llm-a"` */
  resource: string;
}

export function toCloudError(e: unknown, call: CallDescription, secrets: readonly string[] = []): CloudError {
  if (e instanceof CloudError) return e;
  const code = errorCode(e);
  const raw = asSdkError(e).message?.trim() || 'no details';
  const detail =
    code === 'SyntaxError'
      ? `unreadable response (HTTP ${httpStatus(e) ?? '?'}); is the endpoint an AWS API?`
      : raw;
  const hint = hintFor(code);
  const message = redact(
    `${call.service} ${call.operation} for ${call.resource} failed: ${detail} (${code})${hint ? `. ${hint}` : ''}`,
    secrets,
  );
  return new CloudError(message, code, isRetryable(e), call.operation);
}

function hintFor(code: string): string | undefined {
  switch (code) {
    case 'CredentialsProviderError':
      return 'No AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a role';
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return 'The AWS session has expired: refresh your credentials';
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation':
      return 'The credentials in use lack the IAM permission for this call';
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return 'AWS rejected the credentials: check the access key and secret in use';
    default:
      return undefined;
  }
}
