import { describe, expect, it } from 'vitest';
import { customEndpointInUse } from './endpoint-env.js';

describe('customEndpointInUse', () => {
  it('is true for the explicit option, the global variable or the service variable', () => {
    expect(customEndpointInUse('s3', 'http://127.0.0.1:5000', {})).toBe(true);
    expect(customEndpointInUse('s3', undefined, { AWS_ENDPOINT_URL: 'http://moto:5000' })).toBe(true);
    expect(customEndpointInUse('s3', undefined, { AWS_ENDPOINT_URL_S3: 'http://minio:9000' })).toBe(true);
    expect(
      customEndpointInUse('application-autoscaling', undefined, {
        AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: 'http://x',
      }),
    ).toBe(true);
    expect(
      customEndpointInUse('sagemaker-runtime', undefined, { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: 'http://x' }),
    ).toBe(true);
  });

  it('is false with none of them, and another service’s variable does not count', () => {
    expect(customEndpointInUse('s3', undefined, {})).toBe(false);
    expect(customEndpointInUse('s3', undefined, { AWS_ENDPOINT_URL_SAGEMAKER: 'http://x' })).toBe(false);
    expect(
      customEndpointInUse('sagemaker', undefined, { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: 'http://x' }),
    ).toBe(false);
    expect(customEndpointInUse('s3', '', { AWS_ENDPOINT_URL: '' })).toBe(false);
  });
});
