// The top-level `alerts:` block. The lead mounts `alertsConfigSchema` at `alerts`; `${SLACK_WEBHOOK_URL}`
// is already interpolated by the loader. No message here ever repeats the webhook URL: it is a secret
// (anyone holding it can post to the channel).
import { z } from 'zod';
import { RULE_NAMES } from './types.js';

const MENTION =
  /^(@here|@channel|@everyone|<!(here|channel|everyone)>|<@[UW][A-Z0-9]+>|<!subteam\^[A-Z0-9]+(\|[^>]*)?>)$/;

const slackSchema = z.strictObject({
  webhookUrl: z
    .string({ error: 'must be a string (usually "${SLACK_WEBHOOK_URL}")' })
    .refine((v) => v === '' || isHttpUrl(v), {
      // Deliberately does not echo the value.
      error:
        'must be a Slack incoming webhook URL like https://hooks.slack.com/services/T.../B.../...; an empty value turns Slack off',
    })
    .describe('Incoming webhook URL; write "${SLACK_WEBHOOK_URL}" and keep the URL out of the file.'),
  mention: z
    .string()
    .regex(MENTION, {
      error: 'must be @here, @channel, @everyone, <@U123ABC> (a user) or <!subteam^S123ABC> (a group)',
    })
    .optional()
    .describe('Who to notify on firing alerts.'),
  timeoutSeconds: z
    .number()
    .positive()
    .max(60)
    .default(10)
    .describe('Per-request timeout of the webhook call.'),
});

const budgetsSchema = z
  .strictObject({
    monthlyUsd: z
      .number()
      .positive({ error: 'must be a positive number of US dollars' })
      .describe('Monthly GPU budget.'),
    thresholds: z
      .array(z.number().positive({ error: 'must be a positive fraction of the budget, like 0.8' }).max(10))
      .min(1)
      .max(10)
      .default([0.5, 0.8, 1.0])
      .describe('Fractions of monthlyUsd that alert when crossed.'),
    forecast: z
      .boolean()
      .default(true)
      .describe('Also alert when the month-end forecast crosses a threshold.'),
  })
  .superRefine((b, ctx) => {
    const sorted = [...b.thresholds].sort((x, y) => x - y);
    if (new Set(sorted).size !== sorted.length) {
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'must not repeat a threshold' });
    }
  });

export const alertsConfigSchema = z.strictObject({
  slack: slackSchema.optional(),
  dashboardUrl: z
    .string()
    .refine(isHttpUrl, { error: 'must be an http(s) URL of the sagezero dashboard' })
    .optional()
    .describe('Linked from every alert. Default: the server address when `serve` runs.'),
  budgets: budgetsSchema.optional(),
  repeatMinutes: z
    .number()
    .int()
    .min(5)
    .max(10_080)
    .default(240)
    .describe('A firing alert is repeated at most this often; repeats in between are suppressed.'),
  endpointStuckMinutes: z
    .number()
    .int()
    .min(5)
    .max(1440)
    .default(45)
    .describe('Creating/Updating longer than this alerts.'),
  backlogGraceMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .default(5)
    .describe('Slack beyond wake delay plus boot time before "requests waiting with no capacity" alerts.'),
  bootAllowanceMinutes: z
    .number()
    .int()
    .min(1)
    .max(180)
    .default(15)
    .describe('Expected boot time when the endpoint has no coldStartSloSeconds.'),
  apiErrorMinutes: z
    .number()
    .int()
    .min(2)
    .max(1440)
    .default(10)
    .describe('AWS API errors in 80% of this many minutes with calls alert.'),
  controllerFailures: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(3)
    .describe('Consecutive failures of a controller that alert.'),
  disabledRules: z
    .array(z.enum(RULE_NAMES as [string, ...string[]]))
    .default([])
    .describe('Rules that never alert.'),
});

export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;
export type AlertsConfig = z.output<typeof alertsConfigSchema>;

export const DEFAULT_ALERTS_CONFIG: AlertsConfig = alertsConfigSchema.parse({});

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The alerts block as it may be shown (API, logs): everything but the webhook URL. */
export function describeAlertsConfig(cfg: AlertsConfig): Record<string, unknown> {
  const { slack, ...rest } = cfg;
  return {
    ...rest,
    slack: slack
      ? {
          configured: slack.webhookUrl !== '',
          mention: slack.mention ?? null,
          timeoutSeconds: slack.timeoutSeconds,
        }
      : { configured: false },
  };
}
