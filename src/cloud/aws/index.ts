// The Cloud port over the AWS SDK v3 clients: the only part of sagezero that speaks AWS.
import type { ApiCallObserver, Cloud } from '../types.js';
import { autoScalingOps } from './autoscaling.js';
import { createContext } from './call.js';
import { createClients } from './clients.js';
import { cloudWatchOps } from './cloudwatch.js';
import { inferenceComponentOps } from './inference-components.js';
import { runtimeOps } from './runtime.js';
import { s3Ops } from './s3.js';
import { sageMakerOps } from './sagemaker.js';
import { stsOps } from './sts.js';
import { taggingOps } from './tagging.js';

export function createAwsCloud(opts: {
  region: string;
  observer?: ApiCallObserver;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}): Cloud {
  const clients = createClients(opts);
  const region = opts.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '';
  const secrets = opts.credentials ? [opts.credentials.secretAccessKey, opts.credentials.accessKeyId] : [];
  const ctx = createContext(clients, region, opts.endpoint, secrets);
  return {
    kind: 'aws',
    region,
    ...stsOps(ctx),
    ...sageMakerOps(ctx),
    ...autoScalingOps(ctx),
    ...cloudWatchOps(ctx),
    ...s3Ops(ctx),
    ...runtimeOps(ctx),
    ...inferenceComponentOps(ctx),
    ...taggingOps(ctx),
  };
}
