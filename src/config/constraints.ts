// AWS's own input constraints, checked before any call so a typo fails in milliseconds with a
// message about the config file instead of minutes later with a ValidationException.
import { z } from 'zod';

/** SageMaker EndpointName / ModelName / EndpointConfigName / VariantName. */
export const sagemakerName = z
  .string()
  .max(63, { error: 'must be at most 63 characters (SageMaker limit)' })
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, {
    error: 'must be letters, digits and hyphens, starting and ending with a letter or digit',
  });

export const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
  error: 'must be an IAM role ARN like arn:aws:iam::123456789012:role/SageMakerExecution',
});

const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const s3Uri = z.string().refine(
  (v) => {
    const m = /^s3:\/\/([^/]+)(\/.*)?$/.exec(v);
    return !!m && !!m[1] && bucketName.test(m[1]) && !m[1].includes('..');
  },
  {
    error:
      'must be an S3 URI like s3://my-bucket/prefix/ (bucket: 3-63 lowercase letters, digits, dots, hyphens)',
  },
);

export const instanceType = z.string().regex(/^ml\.[a-z0-9]+(-[a-z0-9]+)?\.[a-z0-9]+$/, {
  error: 'must be a SageMaker instance type like ml.g5.12xlarge',
});

export const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, {
    error: 'must be an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:my-topic',
  });

export const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, { error: 'must be an AWS region like us-east-1' });

export const imageUri = z
  .string()
  .min(1)
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^[^\s]+$/, { error: 'must be a container image URI without spaces' });

export const tags = z
  .record(
    z
      .string()
      .min(1)
      .max(128)
      .refine((k) => !k.toLowerCase().startsWith('aws:'), { error: 'tag keys may not start with "aws:"' })
      .refine((k) => !k.startsWith('sagezero:'), {
        error: 'tag keys starting with "sagezero:" are reserved',
      }),
    z.string().max(256, { error: 'tag values must be at most 256 characters' }),
  )
  .refine((t) => Object.keys(t).length <= 40, {
    error: 'at most 40 tags (AWS allows 50; sagezero uses some)',
  });

export const environment = z
  .record(
    z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/, {
      error: 'environment variable names must match [a-zA-Z_][a-zA-Z0-9_]*',
    }),
    z.union([z.string().max(1024), z.number(), z.boolean()]).transform((v) => String(v)),
  )
  .refine((e) => Object.keys(e).length <= 100, {
    error: 'at most 100 environment variables (SageMaker limit)',
  });

export const kmsKeyId = z.string().min(1).max(2048);
