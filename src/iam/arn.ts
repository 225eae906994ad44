// ARNs and ARN patterns of the resources sagezero touches, in the exact form IAM compares them.
import { parseS3Uri } from '../cloud/types.js';

export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

/** A bad input to the policy generator, phrased for the person running `sagezero iam-policy`. */
export class IamPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IamPolicyError';
  }
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/.+$/;

export function parseRoleArn(arn: string): { partition: string; accountId: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m?.[1] && m[2] ? { partition: m[1], accountId: m[2] } : undefined;
}

export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * SageMaker puts resource names into ARNs in lower case whatever their case in the API call, and IAM
 * compares the resource part of an ARN case-sensitively: a policy naming `endpoint/MyLLM` would never
 * match. So every SageMaker ARN here is lower-cased.
 */
export function sagemakerArn(
  scope: ArnScope,
  type: 'endpoint' | 'endpoint-config' | 'model' | 'inference-component',
  namePattern: string,
): string {
  return `arn:${scope.partition}:sagemaker:${scope.region}:${scope.accountId}:${type}/${namePattern.toLowerCase()}`;
}

/** CloudWatch keeps alarm names as given (they are case-sensitive). */
export function alarmArn(scope: ArnScope, namePattern: string): string {
  return `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:${namePattern}`;
}

export function s3BucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/**
 * Objects under an S3 location: `s3://b/p/` and `s3://b/p` both mean the objects below `p/` (SageMaker
 * writes async results to `<path>/<inference id>.out` with or without the slash), `s3://b` all of b.
 * IAM wildcards in the key are escaped nowhere, so a literal `*` or `?` in a prefix stays a wildcard;
 * the config's S3 URIs cannot contain either.
 */
export function s3ObjectsUnder(partition: string, uri: string): { bucket: string; arn: string } {
  const { bucket, key } = parseS3Uri(uri);
  const prefix = key.replace(/\/+$/, '');
  return { bucket, arn: `${s3BucketArn(partition, bucket)}/${prefix ? `${prefix}/` : ''}*` };
}
