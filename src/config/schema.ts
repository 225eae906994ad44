// The one definition of sagezero's YAML file. The loader validates against it, the JSON Schema in
// schema/sagezero.schema.json is generated from it, and the rest of the code reads its output type.
import { z } from 'zod';
import * as c from './constraints.js';
import { checkScaling, scalingInputSchema } from './scaling-schema.js';
import { modelSchema } from './model-schema.js';
import { checkRealtimeEndpoint, realtimeEndpointSchema } from './realtime-schema.js';
// Each controller owns the schema of its own block; the file's one definition is assembled here.
import { alertsConfigSchema } from '../alerts/config.js';
import { pricingConfigSchema } from '../cost/pricing-config.js';
import { probeConfigSchema } from '../probe/config.js';
import { tuneConfigSchema } from '../tune/config.js';
import { serverConfigSchema } from '../server/config.js';
import { daemonConfigSchema, simTrafficSchema } from '../daemon/config.js';

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
  kind: z
    .literal('async')
    .optional()
    .describe('async (the default): a queue in front of the model; realtime: inference components.'),
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
  components: z
    .never({ error: 'is only for kind: realtime endpoints; set kind: realtime or remove components' })
    .optional(),
});

/** Either kind of endpoint; `kind` absent means async, so configs written before realtime still load. */
export const anyEndpointSchema = z.discriminatedUnion('kind', [
  endpointSchema,
  realtimeEndpointSchema.superRefine(checkRealtimeEndpoint),
]);

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
  history: z
    .union([z.number(), z.string()])
    .superRefine((v, ctx) => {
      const ms = parseSimHistory(v);
      if (ms === undefined)
        ctx.addIssue({ code: 'custom', message: 'must be 0 or a duration like 12h, 7d or 2w' });
      else if (ms > MAX_SIM_HISTORY_MS)
        ctx.addIssue({ code: 'custom', message: 'must be at most 35d (the store keeps 35 days of metrics)' });
    })
    .default(0)
    .describe(
      'serve on cloud: sim, fresh store only: simulate this much history before the live start as fast as the machine allows (e.g. 7d), then go on at `speed`; 0: start live.',
    ),
});

const SIM_HISTORY_RE = /^(\d+)\s*(m|h|d|w)$/;
const SIM_HISTORY_UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** The store keeps 35 days of one-minute metrics: more simulated history would not stay. */
export const MAX_SIM_HISTORY_MS = 35 * 86_400_000;

/** `sim.history` in ms: 0, "0", or a duration like 90m, 36h, 7d, 2w; undefined when it is none of these. */
export function parseSimHistory(v: number | string): number | undefined {
  if (v === 0 || v === '0') return 0;
  if (typeof v !== 'string') return undefined;
  const m = SIM_HISTORY_RE.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * (SIM_HISTORY_UNIT_MS[m[2] as string] as number);
}

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
      .describe(
        'SQLite file, relative to this config file; or postgres://user@host:5432/db for PostgreSQL (two replicas on two machines). Write ${SAGEZERO_STORE:-...} to take it from the environment, as the Docker image does.',
      ),
    sim: simSchema.default({ bootSeconds: 480, seed: 1, accountId: '123456789012', speed: 60, history: 0 }),
    jumpstart: z
      .strictObject({
        bucket: z.string().min(3).max(63).optional().describe('Default: jumpstart-cache-prod-<region>.'),
      })
      .default({}),
    pricing: pricingConfigSchema,
    server: serverConfigSchema,
    daemon: daemonConfigSchema,
    alerts: alertsConfigSchema.optional(),
    endpoints: z.array(anyEndpointSchema).min(1, { error: 'must list at least one endpoint' }),
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
export type AnyEndpointParsed = z.output<typeof anyEndpointSchema>;
