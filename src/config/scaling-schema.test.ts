import { describe, expect, it } from 'vitest';
import {
  assumedBootP90Seconds,
  checkScaling,
  resolveScaling,
  scalingInputSchema,
  scalingWarnings,
  wakeCooldownFor,
  type ScalingInput,
} from './scaling-schema.js';

const schema = scalingInputSchema.superRefine(checkScaling);
const resolve = (input: ScalingInput) => resolveScaling(schema.parse(input));

describe('resolveScaling: presets', () => {
  it('aws-recommended is target tracking plus the wake step policy (also the default)', () => {
    const expected = {
      preset: 'aws-recommended',
      minCapacity: 0,
      maxCapacity: 2,
      targetBacklogPerInstance: 5,
      // Derived from the default boot prior (480 s): p90 = 480 * e^(1.2816 * 0.15) = 581.7 s;
      // max(300, ceil((581.7 + 60 + 60) / 60) * 60) = ceil(11.69) * 60 = 720.
      scaleOutCooldownSeconds: 720,
      scaleInCooldownSeconds: 600,
      wake: { periodSeconds: 60, evaluationPeriods: 2 },
      idle: { mode: 'target-tracking', minutes: 15 },
      keepWarm: [],
    };
    expect(resolve({ preset: 'aws-recommended' })).toEqual(expected);
    expect(resolve({})).toEqual(expected);
    expect(resolveScaling(undefined)).toEqual(expected);
  });

  it('blog is target tracking only', () => {
    const s = resolve({ preset: 'blog' });
    expect(s.wake).toBe(false);
    expect(s.minCapacity).toBe(0);
    expect(s.idle).toEqual({ mode: 'target-tracking', minutes: 15 });
  });
});

describe('resolveScaling: explicit keys override the preset', () => {
  it('numbers', () => {
    const s = resolve({
      preset: 'aws-recommended',
      minCapacity: 1,
      maxCapacity: 6,
      targetBacklogPerInstance: 2.5,
      scaleInCooldownSeconds: 900,
    });
    expect(s).toMatchObject({
      minCapacity: 1,
      maxCapacity: 6,
      targetBacklogPerInstance: 2.5,
      scaleInCooldownSeconds: 900,
    });
    // Not given: derived from the default boot (see the preset test): 720.
    expect(s.scaleOutCooldownSeconds).toBe(720);
  });

  it('wake can be replaced or switched off, and added to blog', () => {
    expect(resolve({ wake: false }).wake).toBe(false);
    expect(resolve({ wake: { periodSeconds: 120, evaluationPeriods: 1 } }).wake).toEqual({
      periodSeconds: 120,
      evaluationPeriods: 1,
    });
    expect(resolve({ preset: 'blog', wake: { periodSeconds: 60, evaluationPeriods: 1 } }).wake).toEqual({
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
  });

  it('idle: step mode takes its own minutes, with a default', () => {
    expect(resolve({ idle: { mode: 'step', minutes: 30 } }).idle).toEqual({ mode: 'step', minutes: 30 });
    expect(resolve({ idle: { mode: 'step' } }).idle.mode).toBe('step');
    expect(resolve({ idle: { mode: 'step' } }).idle.minutes).toBeGreaterThan(0);
  });

  it('custom takes exactly what is given', () => {
    const s = resolve({ preset: 'custom', minCapacity: 1, maxCapacity: 3, targetBacklogPerInstance: 10 });
    expect(s).toMatchObject({
      preset: 'custom',
      minCapacity: 1,
      maxCapacity: 3,
      targetBacklogPerInstance: 10,
    });
  });

  it('keep-warm windows get their defaults', () => {
    expect(resolve({ keepWarm: [{ from: '0 8 * * 1-5', to: '0 18 * * 1-5' }] }).keepWarm).toEqual([
      { from: '0 8 * * 1-5', to: '0 18 * * 1-5', timezone: 'UTC', minCapacity: 1 },
    ]);
  });
});

describe('checkScaling', () => {
  const problems = (input: ScalingInput) => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the documented example', () => {
    expect(
      problems({
        preset: 'aws-recommended',
        minCapacity: 0,
        maxCapacity: 2,
        targetBacklogPerInstance: 5,
        scaleOutCooldownSeconds: 300,
        scaleInCooldownSeconds: 600,
        wake: { periodSeconds: 60, evaluationPeriods: 2 },
        idle: { mode: 'target-tracking', minutes: 15 },
        keepWarm: [{ from: '0 8 * * 1-5', to: '0 18 * * 1-5', timezone: 'Europe/Brussels', minCapacity: 1 }],
      }),
    ).toEqual([]);
  });

  it('checks minCapacity against the preset maxCapacity when only min is given', () => {
    expect(problems({ minCapacity: 3 })).toEqual([
      'minCapacity: minCapacity (3) must not exceed maxCapacity (2)',
    ]);
    expect(problems({ minCapacity: 3, maxCapacity: 3 })).toEqual([]);
  });

  it('requires the capacity keys with preset custom', () => {
    expect(problems({ preset: 'custom', maxCapacity: 2 })).toEqual([
      'minCapacity: is required with preset: custom',
      'targetBacklogPerInstance: is required with preset: custom',
    ]);
  });

  it('allows idle minutes other than 15 only in step mode', () => {
    expect(problems({ idle: { mode: 'target-tracking', minutes: 15 } })).toEqual([]);
    expect(problems({ idle: { mode: 'target-tracking', minutes: 20 } })[0]).toContain(
      'idle.minutes: must be 15',
    );
    expect(problems({ idle: { mode: 'step', minutes: 20 } })).toEqual([]);
  });

  it('checks keep-warm cron, time zone and capacity', () => {
    expect(
      problems({
        maxCapacity: 2,
        keepWarm: [{ from: '0 8 1 * 1', to: 'bad', timezone: 'Mars/Olympus', minCapacity: 3 }],
      }),
    ).toEqual([
      expect.stringContaining('keepWarm.0.from: cannot restrict both'),
      expect.stringContaining('keepWarm.0.to: must be a five-field cron expression'),
      expect.stringContaining('keepWarm.0.timezone: is not an IANA time zone'),
      'keepWarm.0.minCapacity: must not exceed maxCapacity (2)',
    ]);
  });
});

describe('scalingWarnings', () => {
  it('warns about a sleeping endpoint nothing can wake', () => {
    expect(scalingWarnings('e', resolve({ preset: 'blog' }))).toHaveLength(1);
    expect(scalingWarnings('e', resolve({ wake: false }))).toHaveLength(1);
    expect(scalingWarnings('e', resolve({ preset: 'blog', minCapacity: 1 }))).toEqual([]);
    expect(scalingWarnings('e', resolve({}))).toEqual([]);
  });
});

describe('the wake cooldown covers the boot', () => {
  // p90 of the assumed boot = prior * e^(1.2816 * 0.15) = prior * 1.21196 (the tuner's prior estimate).
  it('assumes the tuner prior p90', () => {
    expect(assumedBootP90Seconds()).toBeCloseTo(581.74, 1);
    expect(assumedBootP90Seconds(600)).toBeCloseTo(727.18, 1);
  });

  it('is max(300, boot p90 + wake period + 60 s), rounded up to a whole minute', () => {
    // 581.74 + 60 + 60 = 701.74 -> 720
    expect(wakeCooldownFor(581.74)).toBe(720);
    // 600 + 120 = 720 exactly -> 720; one second more -> 780
    expect(wakeCooldownFor(600)).toBe(720);
    expect(wakeCooldownFor(601)).toBe(780);
    // a 5-minute wake period: 581.74 + 300 + 60 = 941.74 -> 960
    expect(wakeCooldownFor(581.74, 300)).toBe(960);
    // a short boot keeps AWS's 300 s: 100 + 120 = 220 -> 240 -> 300
    expect(wakeCooldownFor(100)).toBe(300);
  });

  it("aws-recommended derives it from the endpoint's boot prior", () => {
    // default prior 480 s: 720 (above); Falcon-40B, about 10 minutes: prior 600 s -> p90 727.18 s,
    // 727.18 + 120 = 847.18 -> ceil(14.12) * 60 = 900
    expect(resolveScaling(schema.parse({})).scaleOutCooldownSeconds).toBe(720);
    expect(resolveScaling(schema.parse({}), { priorSeconds: 600 }).scaleOutCooldownSeconds).toBe(900);
    // a fast boot: prior 120 s -> p90 145.4 s, + 120 = 265.4 -> 300 (the floor)
    expect(resolveScaling(schema.parse({}), { priorSeconds: 120 }).scaleOutCooldownSeconds).toBe(300);
    // one-period wake alarm of 5 minutes: 581.74 + 360 = 941.74 -> 960
    expect(
      resolveScaling(schema.parse({ wake: { periodSeconds: 300, evaluationPeriods: 1 } }))
        .scaleOutCooldownSeconds,
    ).toBe(960);
  });

  it('an explicit cooldown wins over the derived one', () => {
    expect(
      resolveScaling(schema.parse({ scaleOutCooldownSeconds: 300 }), { priorSeconds: 600 })
        .scaleOutCooldownSeconds,
    ).toBe(300);
  });

  it('without a wake policy the preset value stays; a wake policy added to blog or custom gets the derived one', () => {
    expect(resolve({ preset: 'blog' }).scaleOutCooldownSeconds).toBe(300);
    expect(resolve({ wake: false }).scaleOutCooldownSeconds).toBe(300);
    expect(
      resolve({ preset: 'blog', wake: { periodSeconds: 60, evaluationPeriods: 1 } }).scaleOutCooldownSeconds,
    ).toBe(720);
    const custom = { preset: 'custom', minCapacity: 0, maxCapacity: 1, targetBacklogPerInstance: 5 } as const;
    expect(resolve(custom).scaleOutCooldownSeconds).toBe(300);
    expect(
      resolve({ ...custom, wake: { periodSeconds: 60, evaluationPeriods: 2 } }).scaleOutCooldownSeconds,
    ).toBe(720);
  });
});
