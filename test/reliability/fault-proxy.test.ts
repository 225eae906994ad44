// The fault proxy's faults must be what the SDK sees on AWS: each service's throttling reply is
// classified as throttling, 5xx as server errors, resets as transient network errors — by the SDK's
// own classifier (@smithy/core/retry, what its retry strategy uses) — and the same seed gives the
// same faults.
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListModelsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointAsyncCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFaultProxy, type FaultKind, type FaultProxy } from '../support/fault-proxy.js';

const moto = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

type Call = (endpoint: string, maxAttempts: number) => Promise<unknown>;

const calls: Record<string, Call> = {
  sagemaker: (endpoint, maxAttempts) =>
    new SageMakerClient({ region: 'us-east-1', endpoint, credentials, maxAttempts }).send(
      new ListModelsCommand({}),
    ),
  'application-autoscaling': (endpoint, maxAttempts) =>
    new ApplicationAutoScalingClient({ region: 'us-east-1', endpoint, credentials, maxAttempts }).send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }),
    ),
  cloudwatch: (endpoint, maxAttempts) =>
    new CloudWatchClient({ region: 'us-east-1', endpoint, credentials, maxAttempts }).send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'fault-proxy-test' }),
    ),
  s3: (endpoint, maxAttempts) =>
    new S3Client({ region: 'us-east-1', endpoint, credentials, maxAttempts, forcePathStyle: true }).send(
      new ListBucketsCommand({}),
    ),
  sts: (endpoint, maxAttempts) =>
    new STSClient({ region: 'us-east-1', endpoint, credentials, maxAttempts }).send(
      new GetCallerIdentityCommand({}),
    ),
  'sagemaker-runtime': (endpoint, maxAttempts) =>
    new SageMakerRuntimeClient({ region: 'us-east-1', endpoint, credentials, maxAttempts }).send(
      new InvokeEndpointAsyncCommand({ EndpointName: 'fault-proxy-test', InputLocation: 's3://b/k' }),
    ),
};

const proxies: FaultProxy[] = [];
async function proxyWith(kind: FaultKind, seed = 1): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: moto, seed, rate: 1, weights: { [kind]: 1 }, slowMs: [1, 2] });
  proxies.push(p);
  return p;
}

async function failure(call: Call, endpoint: string): Promise<unknown> {
  try {
    await call(endpoint, 1);
  } catch (e) {
    return e;
  }
  throw new Error('the call did not fail');
}

beforeAll(() => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});

describe('fault proxy wire formats, as the SDK classifies them', () => {
  for (const [service, call] of Object.entries(calls)) {
    it(`${service}: throttle, 500, 503 and reset`, async () => {
      const throttle = await proxyWith('throttle');
      const t = await failure(call, throttle.url);
      expect(isThrottlingError(t as never), String(t)).toBe(true);
      expect(throttle.requests[0]?.service).toBe(service);

      const e500 = await failure(call, (await proxyWith('error500')).url);
      expect(isServerError(e500 as never) || isTransientError(e500 as never), String(e500)).toBe(true);
      const e503 = await failure(call, (await proxyWith('error503')).url);
      expect(isServerError(e503 as never) || isTransientError(e503 as never), String(e503)).toBe(true);
      const reset = await failure(call, (await proxyWith('reset')).url);
      expect(isTransientError(reset as never), String(reset)).toBe(true);
    });
  }

  it('the SDK retries an injected fault and succeeds; the proxy sees the same invocation again', async () => {
    let first = true;
    const p = await startFaultProxy({
      target: moto,
      seed: 1,
      rate: 0,
      onRequest: () => (first ? ((first = false), 'error503') : 'pass'),
    });
    proxies.push(p);
    await calls.sts!(p.url, 3);
    expect(p.requests.map((r) => r.attempt)).toEqual([1, 2]);
    expect(p.retriedFaults().map((r) => r.fault)).toEqual(['error503']);
  });

  it('the same seed injects the same faults in the same order', async () => {
    const run = async (seed: number): Promise<(string | undefined)[]> => {
      const p = await startFaultProxy({ target: moto, seed, rate: 0.5, slowMs: [1, 2] });
      proxies.push(p);
      for (let i = 0; i < 12; i++) await calls.sts!(p.url, 1).catch(() => undefined);
      return p.requests.map((r) => r.fault);
    };
    const a = await run(99);
    expect(await run(99)).toEqual(a);
    expect(await run(100)).not.toEqual(a);
    expect(a.filter(Boolean).length).toBeGreaterThan(0);
  });
});
