// The per-endpoint `tune:` block. The lead mounts `tuneConfigSchema` at endpoints[].tune; the schema
// has no transforms beyond defaults, so parsing an already-parsed block again is harmless (the tuner
// does that until the endpoint type carries the field).
import { z } from 'zod';
import { checkCron } from '../config/cron.js';

const DURATION_RE = /^(\d+)\s*(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Shortest history worth tuning on: the search needs gaps and bursts to learn from. */
export const MIN_HISTORY_MS = 3_600_000;
/** CloudWatch keeps one-minute datapoints 15 days and the store keeps 35: more is not there. */
export const MAX_HISTORY_MS = 35 * 86_400_000;

/** "14d" -> ms; undefined when the text is not a duration like 90m, 36h, 14d or 2w. */
export function parseHistory(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

export const objectiveSchema = z
  .strictObject({
    p95TimeToResultSeconds: z
      .number()
      .positive({ error: 'must be a positive number of seconds' })
      .max(21_600 + 3_600, { error: 'must be at most 25200 seconds (request TTL plus invocation timeout)' })
      .default(900)
      .describe('95th percentile of time from arrival to result, over every request (unserved = infinite).'),
    maxExpired: z
      .number()
      .int({ error: 'must be a whole number of requests' })
      .min(0)
      .default(0)
      .describe('Requests allowed to expire (or stay unserved) over the replayed history.'),
  })
  .describe('What the tuner must keep: the cheapest policy meeting it wins.');

export const tuneConfigSchema = z
  .strictObject({
    mode: z
      .enum(['recommend', 'apply'])
      .default('recommend')
      .describe('recommend: report the better policy; apply: apply it with guardrails.'),
    schedule: z
      .string()
      .superRefine((v, ctx) => {
        const err = checkCron(v);
        if (err) ctx.addIssue({ code: 'custom', message: err });
      })
      .default('0 3 * * *')
      .describe('Five-field cron, UTC: when the daemon runs the tuner.'),
    history: z
      .string()
      .superRefine((v, ctx) => {
        const ms = parseHistory(v);
        if (ms === undefined) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration like 90m, 36h, 14d or 2w' });
        } else if (ms < MIN_HISTORY_MS || ms > MAX_HISTORY_MS) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be between 1h and 35d (the store keeps 35 days of one-minute metrics)',
          });
        }
      })
      .default('14d')
      .describe('How much observed traffic to replay: the older part chooses, the newest part checks.'),
    objective: objectiveSchema.default({ p95TimeToResultSeconds: 900, maxExpired: 0 }),
    coldStartPriorSeconds: z
      .number()
      .positive({ error: 'must be a positive number of seconds' })
      .max(7200)
      .default(480)
      .describe('Boot time assumed until probes or observed scale-outs measure one.'),
    serviceSecondsPrior: z
      .number()
      .positive()
      .max(3600)
      .default(10)
      .describe('Processing time per request assumed until the endpoint has processed some.'),
  })
  .describe('The tuner: choose this endpoint’s scale-to-zero policy from its own traffic.');

export type TuneConfigInput = z.input<typeof tuneConfigSchema>;
export type TuneConfig = z.output<typeof tuneConfigSchema>;
export type Objective = z.output<typeof objectiveSchema>;

export const DEFAULT_TUNE_CONFIG: TuneConfig = tuneConfigSchema.parse({});

/**
 * The endpoint's `tune:` block, parsed again (defaults filled) whether or not the config schema has
 * mounted it yet; absent means the defaults.
 */
export function tuneConfigOf(endpoint: object): TuneConfig {
  const raw = (endpoint as { tune?: unknown }).tune;
  if (raw === undefined) return DEFAULT_TUNE_CONFIG;
  const parsed = tuneConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? ['tune', ...issue.path].join('.') : 'tune';
    throw new Error(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
