import { describe, expect, it } from 'vitest';
import { CloudError } from '../types.js';
import {
  isAutoScalingNotFound,
  isRetryable,
  isS3NoSuchKey,
  isSageMakerNotFound,
  isUnsupportedByEmulator,
  redact,
  toCloudError,
} from './errors.js';

/** The shape SDK v3 service exceptions have. */
function sdkError(name: string, message: string, status: number, fault: 'client' | 'server' = 'client') {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('SageMaker not-found', () => {
  it('matches each getter to its own kind of resource only', () => {
    const model = sdkError(
      'ValidationException',
      `Could not find model "arn:aws:sagemaker:us-east-1:1:model/m".`,
      400,
    );
    const config = sdkError(
      'ValidationException',
      `Could not find endpoint configuration "arn:...:endpoint-config/c".`,
      400,
    );
    const endpoint = sdkError('ValidationException', `Could not find endpoint "arn:...:endpoint/e".`, 400);
    expect(isSageMakerNotFound(model, 'model')).toBe(true);
    expect(isSageMakerNotFound(config, 'endpoint configuration')).toBe(true);
    expect(isSageMakerNotFound(endpoint, 'endpoint')).toBe(true);
    expect(isSageMakerNotFound(config, 'endpoint')).toBe(false);
    expect(isSageMakerNotFound(model, 'endpoint configuration')).toBe(false);
    expect(isSageMakerNotFound(endpoint, 'model')).toBe(false);
  });

  it('does not read other validation errors as not found', () => {
    const e = sdkError('ValidationException', 'Cannot create already existing model "arn:...".', 400);
    expect(isSageMakerNotFound(e, 'model')).toBe(false);
    const denied = sdkError('AccessDeniedException', 'Could not find model because you may not look', 403);
    expect(isSageMakerNotFound(denied, 'model')).toBe(false);
  });
});

describe('other not-found shapes', () => {
  it('knows AWS and moto forms of Application Auto Scaling not-found', () => {
    expect(isAutoScalingNotFound(sdkError('ObjectNotFoundException', 'No scaling policy found', 400))).toBe(
      true,
    );
    expect(
      isAutoScalingNotFound(
        sdkError('ValidationException', 'No scalable target found for service namespace', 400),
      ),
    ).toBe(true);
    expect(isAutoScalingNotFound(sdkError('ValidationException', 'Unsupported service namespace', 400))).toBe(
      false,
    );
  });

  it('treats a missing key as absent but a missing bucket as a failure', () => {
    expect(isS3NoSuchKey(sdkError('NoSuchKey', 'The specified key does not exist.', 404))).toBe(true);
    expect(isS3NoSuchKey(sdkError('NotFound', '', 404))).toBe(true);
    expect(isS3NoSuchKey(sdkError('NoSuchBucket', 'The specified bucket does not exist', 404))).toBe(false);
    expect(isS3NoSuchKey(sdkError('AccessDenied', 'Access Denied', 403))).toBe(false);
  });

  it('reads an HTML 500 as an emulator gap only when a custom endpoint is in use', () => {
    const html = Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`), {
      $metadata: { httpStatusCode: 500 },
    });
    expect(isUnsupportedByEmulator(html, true)).toBe(true);
    expect(isUnsupportedByEmulator(html, false)).toBe(false);
    expect(isUnsupportedByEmulator(sdkError('InternalFailure', 'oops', 500, 'server'), true)).toBe(false);
  });
});

describe('CloudError', () => {
  const call = { service: 'SageMaker', operation: 'CreateModel', resource: 'model "llm-a"' };

  it('names service, operation, resource and the AWS error, and keeps the code', () => {
    const err = toCloudError(sdkError('ResourceLimitExceeded', 'Too many models', 400), call);
    expect(err).toBeInstanceOf(CloudError);
    expect(err.message).toBe(
      'SageMaker CreateModel for model "llm-a" failed: Too many models (ResourceLimitExceeded)',
    );
    expect(err).toMatchObject({ code: 'ResourceLimitExceeded', retryable: false, operation: 'CreateModel' });
  });

  it('marks throttling, 5xx and network failures retryable, client errors not', () => {
    expect(isRetryable(sdkError('ThrottlingException', 'Rate exceeded', 400))).toBe(true);
    expect(isRetryable(sdkError('Throttling', 'Rate exceeded', 400))).toBe(true);
    expect(isRetryable(sdkError('InternalFailure', 'x', 500, 'server'))).toBe(true);
    expect(isRetryable(sdkError('ServiceUnavailable', 'x', 503))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(sdkError('ValidationException', 'x', 400))).toBe(false);
    expect(isRetryable(sdkError('AccessDeniedException', 'x', 403))).toBe(false);
  });

  it('adds a hint for credential problems and never repeats credentials', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const err = toCloudError(
      sdkError(
        'UnrecognizedClientException',
        `The security token included in the request is invalid: AKIAIOSFODNN7EXAMPLE ${secret}`,
        400,
      ),
      call,
      [secret],
    );
    expect(err.message).toContain('AWS rejected the credentials');
    expect(err.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(err.message).not.toContain(secret);
  });

  it('redacts signatures and tokens in URLs', () => {
    const text =
      'GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAX%2F2026&X-Amz-Signature=abc123&X-Amz-Security-Token=zzz';
    const out = redact(text);
    expect(out).not.toMatch(/abc123|zzz|AKIAX/);
    expect(out).toContain('X-Amz-Signature=<redacted>');
  });

  it('says plainly when the endpoint did not answer like AWS', () => {
    const html = Object.assign(new SyntaxError('Unexpected token'), { $metadata: { httpStatusCode: 500 } });
    const err = toCloudError(html, call);
    expect(err.message).toContain('unreadable response (HTTP 500)');
    expect(err.retryable).toBe(true);
  });
});
