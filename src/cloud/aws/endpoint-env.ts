// Custom endpoints (moto, LocalStack, VPC endpoints) reach the SDK in three ways: the `endpoint`
// option, AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_<SERVICE> (the SDK reads both variables natively,
// see @smithy/core getEndpointUrlConfig). sagezero needs to know whether one is in use for two
// reasons: S3 emulators need path-style addressing, and an emulator may lack an operation that real
// AWS has (see errors.ts, isUnsupportedByEmulator).

/** The env-var suffix of each client, from its SDK `serviceId` upper-cased with spaces as `_`. */
export const SERVICE_ENV_SUFFIX = {
  sagemaker: 'SAGEMAKER',
  'sagemaker-runtime': 'SAGEMAKER_RUNTIME',
  'application-autoscaling': 'APPLICATION_AUTO_SCALING',
  cloudwatch: 'CLOUDWATCH',
  s3: 'S3',
  sts: 'STS',
} as const;

export type AwsService = keyof typeof SERVICE_ENV_SUFFIX;

export function customEndpointInUse(
  service: AwsService,
  explicitEndpoint: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (explicitEndpoint) return true;
  return Boolean(env.AWS_ENDPOINT_URL || env[`AWS_ENDPOINT_URL_${SERVICE_ENV_SUFFIX[service]}`]);
}
