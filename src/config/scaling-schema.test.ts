import { describe, expect, it } from 'vitest';
import {
  checkScaling,
  resolveScaling,
  scalingInputSchema,
  scalingWarnings,
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
      scaleOutCooldownSeconds: 300,
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
    expect(s.scaleOutCooldownSeconds).toBe(300);
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
