// The `daemon:` block: how often each controller runs, and for cloud: sim, what traffic to replay
// and how fast virtual time passes.
import { z } from 'zod';
import { checkCron } from '../config/cron.js';

const cron = (what: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const err = checkCron(v);
      if (err) ctx.addIssue({ code: 'custom', message: err });
    })
    .describe(what);

export const daemonConfigSchema = z
  .strictObject({
    reconcileSchedule: cron('When the config is re-applied and drift repaired (five-field cron).').default(
      '*/10 * * * *',
    ),
    telemetrySchedule: cron('When instance counts and metrics are polled.').default('* * * * *'),
    alertsSchedule: cron('When alert rules are evaluated.').default('* * * * *'),
    repairDrift: z.boolean().default(true).describe('false: report drift (and alert) without repairing it.'),
    leaseSeconds: z
      .number()
      .int()
      .min(2)
      .max(600)
      .default(30)
      .describe(
        'Serve processes sharing a store elect one leader; a standby takes over within about this long after it dies.',
      ),
    provisionConcurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe(
        'Endpoints created or updated at once (by the reconcile, and by apply). Halved while AWS throttles, then grown back one at a time.',
      ),
    driftCheckMinutes: z
      .number()
      .int()
      .min(1)
      .max(10080)
      .default(60)
      .describe(
        'An endpoint whose config has not changed and that telemetry sees InService is described in full (and hand edits found) at most this often; a changed config is checked at the next reconcile.',
      ),
  })
  .default({
    reconcileSchedule: '*/10 * * * *',
    telemetrySchedule: '* * * * *',
    alertsSchedule: '* * * * *',
    repairDrift: true,
    leaseSeconds: 30,
    provisionConcurrency: 10,
    driftCheckMinutes: 60,
  })
  .describe('The serve daemon’s controllers.');

export type DaemonConfig = z.output<typeof daemonConfigSchema>;

export const TRACE_FORMATS = ['azure-functions', 'azure-llm', 'servegen', 'csv'] as const;

export const simTrafficSchema = z
  .strictObject({
    trace: z
      .string()
      .min(1)
      .describe('Trace file replayed into the simulated endpoints, relative to this config file.'),
    format: z.enum(TRACE_FORMATS),
    select: z
      .array(z.string().min(1))
      .optional()
      .describe('Trace endpoint ids for the config endpoints, in order (default: the busiest ones).'),
    serviceSeconds: z
      .number()
      .positive()
      .max(3600)
      .default(20)
      .describe('Processing time of a request when the trace has none.'),
  })
  .describe(
    'cloud: sim only: real traffic to replay, one trace endpoint per configured endpoint, repeated every simulated day.',
  );

export type SimTraffic = z.output<typeof simTrafficSchema>;
