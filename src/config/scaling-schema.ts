// The `scaling:` block of an endpoint: a preset fills in values, explicit keys override them, and the
// merged result is checked against the rules AWS and common sense impose.
import { z } from 'zod';
import { estimateBoot } from '../tune/coldstart.js';
import { DEFAULT_TUNE_CONFIG } from '../tune/config.js';
import { checkCron, checkTimeZone } from './cron.js';

export const PRESETS = ['aws-recommended', 'blog', 'custom', 'none'] as const;
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

/**
 * The boot the presets assume when the endpoint says nothing: `tune.coldStartPriorSeconds`'s default
 * (a median, 480 s: 7-8B models take 346-525 s, Falcon-40B about 600 s).
 */
export const DEFAULT_BOOT_PRIOR_SECONDS = DEFAULT_TUNE_CONFIG.coldStartPriorSeconds;
/** AWS's guide's scale-out cooldown: the floor of a derived one. */
export const MIN_WAKE_COOLDOWN_SECONDS = 300;

/**
 * The boot p90 assumed from a prior median boot: the tuner's estimate with no measurement (a
 * lognormal around the prior, the simulator's spread), 480 s -> 581.7 s.
 */
export function assumedBootP90Seconds(priorSeconds: number = DEFAULT_BOOT_PRIOR_SECONDS): number {
  return estimateBoot([], priorSeconds).p90Seconds;
}

/**
 * How long the wake alarm can stay in ALARM after an instance starts serving: the period whose
 * datapoint first shows the capacity, plus a minute for CloudWatch to publish and evaluate it.
 */
export function wakeAlarmLagSeconds(wakePeriodSeconds: number): number {
  return wakePeriodSeconds + 60;
}

/**
 * A wake cooldown that covers a boot: HasBacklogWithoutCapacity stays 1 while the first instance
 * boots, and a wake policy whose cooldown ends before the alarm sees the capacity launches a second
 * one. max(floor, boot p90 + alarm lag), rounded up to a whole minute (the alarm evaluates once a
 * minute). 480 s prior: max(300, ceil((581.7 + 60 + 60) / 60) * 60) = 720 s.
 */
export function wakeCooldownFor(
  bootP90Seconds: number,
  wakePeriodSeconds = 60,
  floorSeconds = MIN_WAKE_COOLDOWN_SECONDS,
): number {
  const covered = Math.ceil((bootP90Seconds + wakeAlarmLagSeconds(wakePeriodSeconds)) / 60) * 60;
  return Math.min(86_400, Math.max(floorSeconds, covered));
}

export const scalingInputSchema = z
  .strictObject({
    preset: z
      .enum(PRESETS)
      .default('aws-recommended')
      .describe(
        'aws-recommended: min 0, max 2, target 5, target tracking plus the wake step policy; blog: the same without ' +
          'a wake policy (strands lone requests at zero); custom: only what is given. The presets assume a boot of ' +
          'tune.coldStartPriorSeconds (default 480 s, p90 582 s) and, with a wake policy, derive the ' +
          'scale-out/wake cooldown from it: max(300, boot p90 + wake period + 60 s, in whole minutes) = 720 s by default. ' +
          'none: sagezero manages no scaling for this endpoint (it stays at initialInstanceCount; a scaling set made ' +
          'outside sagezero is left alone), as `sagezero import` writes for an endpoint whose scaling no preset describes.',
      ),
    minCapacity: z.number().int().min(0).max(1000).optional(),
    maxCapacity: z
      .number()
      .int()
      .min(1, { error: 'must be at least 1 (an endpoint that can never run serves nothing)' })
      .max(1000)
      .optional(),
    targetBacklogPerInstance: z.number().positive({ error: 'must be a positive number' }).max(1e9).optional(),
    scaleOutCooldownSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .optional()
      .describe(
        'Scale-out cooldown of target tracking and of the wake step policy, seconds. It must cover the boot, or the ' +
          'wake policy launches a second instance while the first boots. Default with a wake policy: ' +
          'max(300, boot p90 + wake period + 60, rounded up to a minute), the boot p90 assumed from ' +
          'tune.coldStartPriorSeconds (480 s -> 720 s); without one: 300. plan warns when it is shorter than the ' +
          'measured boot p90 plus the alarm lag.',
      ),
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

const PRESET_VALUES: Record<
  Exclude<Preset, 'custom' | 'none'>,
  Omit<ScalingConfig, 'preset' | 'keepWarm'>
> = {
  // AWS's "Autoscale an asynchronous endpoint" guide: target tracking plus a step policy that wakes a
  // zero-instance endpoint as soon as a request waits. The guide's 300 s scale-out cooldown is the
  // floor: unless the config sets it, resolveScaling derives the cooldown from the assumed boot
  // (tune.coldStartPriorSeconds, default 480 s: 720 s), so the wake policy does not fire again while
  // the first instance boots.
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
  // With no wake policy its 300 s cooldown stays (a wake added to it gets the derived one).
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

/** What the endpoint says about its boot outside the scaling block. */
export interface BootAssumption {
  /** `tune.coldStartPriorSeconds`: the median boot assumed until one is measured. */
  priorSeconds?: number | undefined;
  /** `initialInstanceCount`: what `preset: none` stays at. */
  instanceCount?: number | undefined;
}

/**
 * The preset's values with the explicit keys over them. The scale-out (and wake) cooldown, when not
 * given and a wake policy exists, is derived from the config's boot prior alone, never from
 * measurements: the same config always resolves to the same policy set, so apply on an unchanged
 * config changes nothing however many cold starts have been measured since (plan warns instead).
 */
export function resolveScaling(input: ScalingParsed | undefined, boot: BootAssumption = {}): ScalingConfig {
  const raw = input ?? { preset: 'aws-recommended' as const };
  if (raw.preset === 'none') return unmanagedScaling(boot.instanceCount ?? 1);
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
  const wake = raw.wake ?? base.wake;
  const scaleOutCooldownSeconds =
    raw.scaleOutCooldownSeconds ??
    (wake === false
      ? base.scaleOutCooldownSeconds
      : wakeCooldownFor(
          assumedBootP90Seconds(boot.priorSeconds ?? DEFAULT_BOOT_PRIOR_SECONDS),
          wake.periodSeconds,
          base.scaleOutCooldownSeconds,
        ));
  return {
    preset: raw.preset,
    minCapacity: raw.minCapacity ?? base.minCapacity,
    maxCapacity: raw.maxCapacity ?? base.maxCapacity,
    targetBacklogPerInstance: raw.targetBacklogPerInstance ?? base.targetBacklogPerInstance,
    scaleOutCooldownSeconds,
    scaleInCooldownSeconds: raw.scaleInCooldownSeconds ?? base.scaleInCooldownSeconds,
    wake,
    idle: {
      mode: idleMode,
      minutes: raw.idle?.minutes ?? (idleMode === 'step' ? 10 : TARGET_TRACKING_IDLE_MINUTES),
    },
    keepWarm: (raw.keepWarm ?? []).map((w) => ({ ...w })),
  };
}

/**
 * `preset: none`: sagezero creates no scalable target, policy or alarm (scaling/build.ts marks the set
 * unmanaged and plan compares none of it). The values describe what the endpoint then is, always on
 * at its instance count, so the report's baseline, the tuner's "current" policy and the simulator
 * read it as that.
 */
function unmanagedScaling(instanceCount: number): ScalingConfig {
  return {
    preset: 'none',
    minCapacity: instanceCount,
    maxCapacity: instanceCount,
    targetBacklogPerInstance: 5,
    scaleOutCooldownSeconds: MIN_WAKE_COOLDOWN_SECONDS,
    scaleInCooldownSeconds: MIN_WAKE_COOLDOWN_SECONDS,
    wake: false,
    idle: { mode: 'target-tracking', minutes: TARGET_TRACKING_IDLE_MINUTES },
    keepWarm: [],
  };
}

/** Cross-field rules on the merged scaling block; each issue names the key relative to `scaling`. */
export function checkScaling(input: ScalingParsed, ctx: z.RefinementCtx): void {
  if (input.preset === 'none') {
    for (const key of Object.keys(input).filter(
      (k) => k !== 'preset' && input[k as keyof ScalingParsed] !== undefined,
    ))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'cannot be combined with preset: none (sagezero manages no scaling for this endpoint)',
      });
    return;
  }
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
