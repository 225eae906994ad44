// The `scaling:` block of an endpoint: a preset fills in values, explicit keys override them, and the
// merged result is checked against the rules AWS and common sense impose.
import { z } from 'zod';
import { checkCron, checkTimeZone } from './cron.js';

export const PRESETS = ['aws-recommended', 'blog', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

const wakeSchema = z.strictObject({
  periodSeconds: z
    .number()
    .int()
    .refine((p) => p >= 60 && p % 60 === 0 && p <= 86_400, {
      error:
        'must be a multiple of 60 between 60 and 86400 (async endpoint metrics have one-minute resolution)',
    })
    .describe('Period of the wake alarm on HasBacklogWithoutCapacity, seconds.'),
  evaluationPeriods: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('Consecutive periods with backlog and no capacity before waking (datapoints to alarm = this).'),
});

const idleSchema = z.strictObject({
  mode: z
    .enum(['target-tracking', 'step'])
    .describe(
      'target-tracking: AWS scales in after 15 low minutes; step: sagezero scales to 0 after `minutes` idle.',
    ),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .optional()
    .describe('Idle minutes before the last instance goes.'),
});

const keepWarmSchema = z.strictObject({
  from: z.string().describe('Five-field cron: when the window opens.'),
  to: z.string().describe('Five-field cron: when the window closes.'),
  timezone: z.string().default('UTC').describe('IANA time zone of the two cron expressions.'),
  minCapacity: z.number().int().min(1).max(1000).default(1),
});

export const scalingInputSchema = z
  .strictObject({
    preset: z.enum(PRESETS).default('aws-recommended'),
    minCapacity: z.number().int().min(0).max(1000).optional(),
    maxCapacity: z
      .number()
      .int()
      .min(1, { error: 'must be at least 1 (an endpoint that can never run serves nothing)' })
      .max(1000)
      .optional(),
    targetBacklogPerInstance: z.number().positive({ error: 'must be a positive number' }).max(1e9).optional(),
    scaleOutCooldownSeconds: z.number().int().min(0).max(86_400).optional(),
    scaleInCooldownSeconds: z.number().int().min(0).max(86_400).optional(),
    wake: z
      .union([wakeSchema, z.literal(false)])
      .optional()
      .describe('Wake policy, or false for none.'),
    idle: idleSchema.optional(),
    keepWarm: z.array(keepWarmSchema).max(20).optional(),
  })
  .describe(
    'Scale-to-zero policy set: scalable target, target tracking, wake step policy, idle rule, keep-warm windows.',
  );

export type ScalingInput = z.input<typeof scalingInputSchema>;

export interface WakeConfig {
  periodSeconds: number;
  evaluationPeriods: number;
}

export interface KeepWarmWindow {
  from: string;
  to: string;
  timezone: string;
  minCapacity: number;
}

export interface ScalingConfig {
  preset: Preset;
  minCapacity: number;
  maxCapacity: number;
  targetBacklogPerInstance: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  wake: WakeConfig | false;
  idle: { mode: 'target-tracking' | 'step'; minutes: number };
  keepWarm: KeepWarmWindow[];
}

/** Minutes of low backlog AWS's own target-tracking low alarm waits for (15 of 15 datapoints). */
export const TARGET_TRACKING_IDLE_MINUTES = 15;

const PRESET_VALUES: Record<Exclude<Preset, 'custom'>, Omit<ScalingConfig, 'preset' | 'keepWarm'>> = {
  // AWS's "Autoscale an asynchronous endpoint" guide: target tracking plus a step policy that wakes a
  // zero-instance endpoint as soon as a request waits.
  'aws-recommended': {
    minCapacity: 0,
    maxCapacity: 2,
    targetBacklogPerInstance: 5,
    scaleOutCooldownSeconds: 300,
    scaleInCooldownSeconds: 600,
    wake: { periodSeconds: 60, evaluationPeriods: 2 },
    idle: { mode: 'target-tracking', minutes: TARGET_TRACKING_IDLE_MINUTES },
  },
  // The blog recipe: target tracking alone. Kept for comparison; it strands lone requests at zero.
  blog: {
    minCapacity: 0,
    maxCapacity: 2,
    targetBacklogPerInstance: 5,
    scaleOutCooldownSeconds: 300,
    scaleInCooldownSeconds: 600,
    wake: false,
    idle: { mode: 'target-tracking', minutes: TARGET_TRACKING_IDLE_MINUTES },
  },
};

type ScalingParsed = z.output<typeof scalingInputSchema>;

export function resolveScaling(input: ScalingParsed | undefined): ScalingConfig {
  const raw = input ?? { preset: 'aws-recommended' as const };
  const base =
    raw.preset === 'custom'
      ? {
          minCapacity: 0,
          maxCapacity: 1,
          targetBacklogPerInstance: 5,
          scaleOutCooldownSeconds: 300,
          scaleInCooldownSeconds: 300,
          wake: false as const,
          idle: { mode: 'target-tracking' as const, minutes: TARGET_TRACKING_IDLE_MINUTES },
        }
      : PRESET_VALUES[raw.preset];
  const idleMode = raw.idle?.mode ?? base.idle.mode;
  return {
    preset: raw.preset,
    minCapacity: raw.minCapacity ?? base.minCapacity,
    maxCapacity: raw.maxCapacity ?? base.maxCapacity,
    targetBacklogPerInstance: raw.targetBacklogPerInstance ?? base.targetBacklogPerInstance,
    scaleOutCooldownSeconds: raw.scaleOutCooldownSeconds ?? base.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: raw.scaleInCooldownSeconds ?? base.scaleInCooldownSeconds,
    wake: raw.wake ?? base.wake,
    idle: {
      mode: idleMode,
      minutes: raw.idle?.minutes ?? (idleMode === 'step' ? 10 : TARGET_TRACKING_IDLE_MINUTES),
    },
    keepWarm: (raw.keepWarm ?? []).map((w) => ({ ...w })),
  };
}

/** Cross-field rules on the merged scaling block; each issue names the key relative to `scaling`. */
export function checkScaling(input: ScalingParsed, ctx: z.RefinementCtx): void {
  if (input.preset === 'custom') {
    for (const key of ['minCapacity', 'maxCapacity', 'targetBacklogPerInstance'] as const) {
      if (input[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required with preset: custom` });
      }
    }
  }
  const s = resolveScaling(input);
  if (s.minCapacity > s.maxCapacity) {
    ctx.addIssue({
      code: 'custom',
      path: [input.minCapacity !== undefined ? 'minCapacity' : 'maxCapacity'],
      message: `minCapacity (${s.minCapacity}) must not exceed maxCapacity (${s.maxCapacity})`,
    });
  }
  if (
    input.idle?.minutes !== undefined &&
    s.idle.mode === 'target-tracking' &&
    input.idle.minutes !== TARGET_TRACKING_IDLE_MINUTES
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['idle', 'minutes'],
      message: `must be ${TARGET_TRACKING_IDLE_MINUTES} with mode: target-tracking (AWS's own low alarm waits 15 one-minute datapoints); use mode: step for another idle timeout`,
    });
  }
  s.keepWarm.forEach((w, i) => {
    for (const key of ['from', 'to'] as const) {
      const err = checkCron(w[key]);
      if (err) ctx.addIssue({ code: 'custom', path: ['keepWarm', i, key], message: err });
    }
    const tzErr = checkTimeZone(w.timezone);
    if (tzErr) ctx.addIssue({ code: 'custom', path: ['keepWarm', i, 'timezone'], message: tzErr });
    if (w.minCapacity > s.maxCapacity) {
      ctx.addIssue({
        code: 'custom',
        path: ['keepWarm', i, 'minCapacity'],
        message: `must not exceed maxCapacity (${s.maxCapacity})`,
      });
    }
  });
}

/** Warnings (not errors) about configurations that can strand requests or waste money. */
export function scalingWarnings(endpoint: string, s: ScalingConfig): string[] {
  const out: string[] = [];
  if (s.minCapacity === 0 && s.wake === false) {
    out.push(
      `${endpoint}: minCapacity is 0 and there is no wake policy (preset: ${s.preset}). Target tracking wakes a ` +
        `zero-instance endpoint only once the backlog exceeds ${s.targetBacklogPerInstance}, so fewer queued ` +
        `requests can wait until they expire. Add scaling.wake or use preset: aws-recommended.`,
    );
  }
  if (s.minCapacity === 0 && s.wake !== false && s.wake.periodSeconds * s.wake.evaluationPeriods > 900) {
    out.push(
      `${endpoint}: the wake alarm needs ${(s.wake.periodSeconds * s.wake.evaluationPeriods) / 60} minutes of ` +
        `backlog before it scales out; every request to an idle endpoint waits that long plus the boot time.`,
    );
  }
  return out;
}
