import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScaling, type ScalingConfig } from '../config/scaling-schema.js';
import { parsePolicyYaml } from '../simulate/policies.js';
import { canonicalScaling, scalingYaml } from './yaml.js';

const configArb: fc.Arbitrary<ScalingConfig> = fc
  .record({
    minCapacity: fc.integer({ min: 0, max: 2 }),
    extra: fc.integer({ min: 0, max: 5 }),
    targetBacklogPerInstance: fc.constantFrom(1, 2, 5, 10, 2.5),
    scaleOutCooldownSeconds: fc.constantFrom(60, 300, 720),
    scaleInCooldownSeconds: fc.constantFrom(60, 300, 600),
    wake: fc.option(
      fc.record({
        periodSeconds: fc.constantFrom(60, 120),
        evaluationPeriods: fc.integer({ min: 1, max: 3 }),
      }),
      {
        nil: undefined,
      },
    ),
    step: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    windows: fc.integer({ min: 0, max: 2 }),
  })
  .map((r) => ({
    preset: 'custom',
    minCapacity: r.minCapacity,
    maxCapacity: Math.max(1, r.minCapacity) + r.extra,
    targetBacklogPerInstance: r.targetBacklogPerInstance,
    scaleOutCooldownSeconds: r.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: r.scaleInCooldownSeconds,
    wake: r.wake ?? false,
    idle: r.step === undefined ? { mode: 'target-tracking', minutes: 15 } : { mode: 'step', minutes: r.step },
    keepWarm: Array.from({ length: r.windows }, (_, i) => ({
      from: `${10 + i} 8 * * 1-5`,
      to: `0 ${9 + i} * * *`,
      timezone: 'UTC',
      minCapacity: 1,
    })),
  }));

const withoutPreset = ({ preset: _p, ...rest }: ScalingConfig): Omit<ScalingConfig, 'preset'> => rest;

describe('scalingYaml', () => {
  it('is a scaling: block that the config schema resolves back to the same policy', () => {
    fc.assert(
      fc.property(configArb, (s) => {
        const parsed = parsePolicyYaml(scalingYaml(s), 'recommendation.yaml');
        expect(withoutPreset(parsed)).toEqual(withoutPreset(s));
        expect(parsed).toEqual(canonicalScaling(s));
      }),
      { numRuns: 150 },
    );
  });

  it('writes only what differs from the nearest preset', () => {
    const s = {
      ...resolveScaling({ preset: 'aws-recommended' }),
      idle: { mode: 'step' as const, minutes: 3 },
    };
    expect(scalingYaml(s)).toBe(
      ['scaling:', '  preset: aws-recommended', '  idle:', '    mode: step', '    minutes: 3'].join('\n'),
    );
  });
});
