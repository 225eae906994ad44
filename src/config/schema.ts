// The one definition of sagezero's YAML file. The loader validates against it, the JSON Schema in
// schema/sagezero.schema.json is generated from it, and the rest of the code reads its output type.
import { z } from 'zod';
import * as c from './constraints.js';
import { checkScaling, scalingInputSchema } from './scaling-schema.js';
// Each controller owns the schema of its own block; the file's one definition is assembled here.
import { alertsConfigSchema } from '../alerts/config.js';
import { pricingConfigSchema } from '../cost/pricing-config.js';
import { probeConfigSchema } from '../probe/config.js';
import { tuneConfigSchema } from '../tune/config.js';
import { serverConfigSchema } from '../server/config.js';
import { daemonConfigSchema, simTrafficSchema } from '../daemon/config.js';

const jumpstartSchema = z.strictObject({
  modelId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,255}$/, {
    error: 'must be a JumpStart model id like huggingface-llm-falcon-40b-instruct-bf16',
  }),
  version: z
    .string()
    .regex(/^(\*|\d+\.\*|\d+\.\d+\.\*|\d+\.\d+\.\d+)$/, {
      error: 'must be "*", a semantic version like "2.1.0", or a wildcard like "2.*"',
    })
    .default('*'),
});

const modelSchema = z
  .strictObject({
    jumpstart: jumpstartSchema
      .optional()
      .describe('Resolve image, artifacts and environment from the JumpStart model specs.'),
    image: c.imageUri.optional().describe('Inference container image URI (ECR).'),
    modelDataUrl: c.s3Uri
      .optional()
      .describe('S3 URI of the model artifacts (model.tar.gz or an uncompressed prefix ending in /).'),
    environment: c.environment.optional().describe('Container environment; merged over JumpStart defaults.'),
  })
  .superRefine((m, ctx) => {
    if (!m.jumpstart && !m.image) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'is required unless model.jumpstart is set' });
    }
    if (m.jumpstart && (m.image || m.modelDataUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: [m.image ? 'image' : 'modelDataUrl'],
        message: 'cannot be combined with model.jumpstart (JumpStart resolves it); remove one of them',
      });
    }
  });

const notificationsSchema = z.strictObject({
  successTopic: c.snsTopicArn.optional(),
  errorTopic: c.snsTopicArn.optional(),
  includeInferenceResponseIn: z
    .array(z.enum(['SUCCESS_NOTIFICATION_TOPIC', 'ERROR_NOTIFICATION_TOPIC']))
    .optional(),
});

const asyncSchema = z.strictObject({
  outputPath: c.s3Uri
    .optional()
    .describe('Default: s3://sagemaker-<region>-<account>/async-endpoint-outputs/<name>'),
  failurePath: c.s3Uri
    .optional()
    .describe('Default: s3://sagemaker-<region>-<account>/async-endpoint-failures/<name>'),
  kmsKeyId: c.kmsKeyId.optional(),
  maxConcurrentInvocationsPerInstance: z.number().int().min(1).max(1000).optional(),
  notifications: notificationsSchema.optional(),
});

export const endpointSchema = z.strictObject({
  name: c.sagemakerName.describe('SageMaker endpoint name.'),
  variantName: c.sagemakerName.default('AllTraffic'),
  model: modelSchema,
  executionRoleArn: c.roleArn,
  instanceType: c.instanceType,
  initialInstanceCount: z
    .number()
    .int()
    .min(1, {
      error:
        'must be at least 1 (SageMaker creates endpoints with running instances; scaling takes them to 0)',
    })
    .max(1000)
    .default(1),
  async: asyncSchema.default({}),
  tags: c.tags.default({}),
  scaling: scalingInputSchema.superRefine(checkScaling).optional(),
  pricePerHourUsd: z
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe('Override the hourly price of this endpoint.'),
  baselineInstances: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Always-on baseline instance count for reports.'),
  probe: probeConfigSchema.optional(),
  tune: tuneConfigSchema.optional(),
});

const simSchema = z.strictObject({
  bootSeconds: z
    .number()
    .positive()
    .max(7200)
    .default(480)
    .describe('Mean instance boot time of the simulated cloud.'),
  seed: z.number().int().min(0).default(1),
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .default('123456789012'),
  speed: z
    .number()
    .positive()
    .max(100_000)
    .default(60)
    .describe('serve on cloud: sim: simulated seconds per real second.'),
  traffic: simTrafficSchema.optional(),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    project: c.sagemakerName
      .optional()
      .describe(
        'Owner tag value; defaults to the config file name. destroy only touches resources carrying it.',
      ),
    region: c.region,
    cloud: z.enum(['aws', 'sim']).default('aws'),
    store: z
      .string()
      .min(1)
      .default('./var/sagezero.db')
      .describe('SQLite file, relative to this config file.'),
    sim: simSchema.default({ bootSeconds: 480, seed: 1, accountId: '123456789012', speed: 60 }),
    jumpstart: z
      .strictObject({
        bucket: z.string().min(3).max(63).optional().describe('Default: jumpstart-cache-prod-<region>.'),
      })
      .default({}),
    pricing: pricingConfigSchema,
    server: serverConfigSchema,
    daemon: daemonConfigSchema,
    alerts: alertsConfigSchema.optional(),
    endpoints: z.array(endpointSchema).min(1, { error: 'must list at least one endpoint' }),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.endpoints.forEach((e, i) => {
      const prev = seen.get(e.name);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i, 'name'],
          message: `duplicates endpoints[${prev}].name "${e.name}"`,
        });
      }
      seen.set(e.name, i);
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type EndpointParsed = z.output<typeof endpointSchema>;
