// Builds the SDK clients with one shared configuration: region and credentials from the default
// chain unless given, custom endpoints from the option or the standard environment variables, and
// retries for throttling and 5xx.
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import type { ApiCallObserver } from '../types.js';
import { customEndpointInUse } from './endpoint-env.js';
import { suppressSdkNodeVersionWarning } from './node-warning.js';
import { observeCalls } from './observe.js';

export interface AwsCloudOptions {
  region: string;
  observer?: ApiCallObserver;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsClients {
  sagemaker: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  autoscaling: ApplicationAutoScalingClient;
  cloudwatch: CloudWatchClient;
  s3: S3Client;
  sts: STSClient;
}

/**
 * Six attempts ride out the throttling Application Auto Scaling and CloudWatch hand out when a
 * daemon reconciles many endpoints at once; 'adaptive' also slows the client down after throttles
 * instead of only backing off per call. AWS_MAX_ATTEMPTS still wins, as in every AWS tool.
 */
export const DEFAULT_MAX_ATTEMPTS = 6;

export function maxAttemptsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_MAX_ATTEMPTS;
}

export function createClients(opts: AwsCloudOptions): AwsClients {
  suppressSdkNodeVersionWarning();
  const base = {
    // An empty region lets the SDK resolve it (AWS_REGION, profile) like the AWS CLI does.
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    retryMode: 'adaptive',
    maxAttempts: maxAttemptsFromEnv(),
  };
  // Without the cache, every send() copies and sorts the client's whole middleware stack: most of
  // what a daemon allocates per call (about a fifth of serve's allocations at 100 endpoints), which
  // grows the heap during a reconcile round (bench/serve-aws-memory.ts: peak RSS 156-158 MB without,
  // 145 MB with). The cached handler shares one context between concurrent calls of a command, so it
  // is only for clients whose endpoint is the same for every call; S3's depends on the bucket.
  const cached = { ...base, cacheMiddleware: true };
  const clients: AwsClients = {
    sagemaker: new SageMakerClient(cached),
    runtime: new SageMakerRuntimeClient(cached),
    autoscaling: new ApplicationAutoScalingClient(cached),
    cloudwatch: new CloudWatchClient(cached),
    // Emulators serve buckets at http://host:port/<bucket>, not <bucket>.host.
    s3: new S3Client({ ...base, forcePathStyle: customEndpointInUse('s3', opts.endpoint) }),
    sts: new STSClient(cached),
  };
  const observer = opts.observer;
  if (observer) {
    observeCalls(clients.sagemaker.middlewareStack, 'sagemaker', observer);
    observeCalls(clients.runtime.middlewareStack, 'sagemaker-runtime', observer);
    observeCalls(clients.autoscaling.middlewareStack, 'application-autoscaling', observer);
    observeCalls(clients.cloudwatch.middlewareStack, 'cloudwatch', observer);
    observeCalls(clients.s3.middlewareStack, 's3', observer);
    observeCalls(clients.sts.middlewareStack, 'sts', observer);
  }
  return clients;
}
