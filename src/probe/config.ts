// The per-endpoint `probe:` block. The lead mounts `probeConfigSchema` at endpoints[].probe; the
// schema has no transforms, so parsing an already-parsed block again is harmless (the CLI does that
// until the endpoint type carries the field).
import { z } from 'zod';
import { checkCron } from '../config/cron.js';
import { s3Uri } from '../config/constraints.js';

/** RequestTTLSeconds (queue time) plus InvocationTimeoutSeconds (processing) at their maximums. */
export const MAX_PROBE_TIMEOUT_SECONDS = 21_600 + 3_600;

const payloadSchema = z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {
  error: 'must be a string, a mapping or a list (sent as JSON unless it is a string)',
});

export const probeConfigSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Run this probe on its schedule (sagezero probe runs it regardless).'),
    schedule: z
      .string()
      .superRefine((v, ctx) => {
        const err = checkCron(v);
        if (err) ctx.addIssue({ code: 'custom', message: err });
      })
      .default('0 */6 * * *')
      .describe(
        'Five-field cron, UTC: when to probe. Each probe of an idle endpoint is a billed cold start.',
      ),
    payload: payloadSchema
      .optional()
      .describe('Request body: a string is sent as is, anything else as JSON.'),
    payloadFile: z
      .string()
      .min(1, { error: 'must be a file path' })
      .optional()
      .describe('File whose bytes are the request body, relative to the config file.'),
    contentType: z
      .string()
      .regex(/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/, {
        error: 'must be a MIME type like application/json',
      })
      .default('application/json'),
    timeoutSeconds: z
      .number()
      .int({ error: 'must be a whole number of seconds' })
      .min(10, { error: 'must be at least 10 seconds' })
      .max(MAX_PROBE_TIMEOUT_SECONDS, {
        error: `must be at most ${MAX_PROBE_TIMEOUT_SECONDS} seconds (6 h in the queue plus 1 h of processing)`,
      })
      .default(1800)
      .describe('Give up after this long; covers queueing, scale-out from zero and processing.'),
    coldStartSloSeconds: z
      .number()
      .positive({ error: 'must be a positive number of seconds' })
      .max(MAX_PROBE_TIMEOUT_SECONDS)
      .optional()
      .describe('Alert when a cold probe takes longer than this from start to output.'),
    bucket: s3Uri
      .optional()
      .describe(
        'S3 prefix for probe inputs. Default: the bucket of async.outputPath, prefix sagezero-probes/<endpoint>/.',
      ),
  })
  .superRefine((p, ctx) => {
    if (p.payload === undefined && p.payloadFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'is required (or set payloadFile)' });
    }
    if (p.payload !== undefined && p.payloadFile !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['payloadFile'],
        message: 'cannot be combined with payload; keep one of them',
      });
    }
    if (p.coldStartSloSeconds !== undefined && p.coldStartSloSeconds > p.timeoutSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['coldStartSloSeconds'],
        message: `(${p.coldStartSloSeconds}) must not exceed timeoutSeconds (${p.timeoutSeconds}): a probe stops waiting at the timeout`,
      });
    }
  });

export type ProbeConfigInput = z.input<typeof probeConfigSchema>;
export type ProbeConfig = z.output<typeof probeConfigSchema>;
