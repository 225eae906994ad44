import { describe, expect, it } from 'vitest';
import { resolveScaling } from '../config/scaling-schema.js';
import {
  applyIdle,
  idleMinutesCandidates,
  maxCapacityChoices,
  policyKey,
  scaleInDelaySeconds,
} from './space.js';

describe('idleMinutesCandidates', () => {
  it('keeps one timeout per set of gaps it bridges and stops once every gap is bridged', () => {
    // Gaps of 2.5 and 40 minutes: a timeout either bridges none, the short one, or both.
    const gaps = Float64Array.from([150, 2400]);
    const c = idleMinutesCandidates(gaps);
    expect(c[0]).toBe(1);
    const bridges = (m: number): number => [150, 2400].filter((g) => g <= scaleInDelaySeconds(m)).length;
    expect(new Set(c.map(bridges)).size).toBe(c.length);
    expect(bridges(c[c.length - 1] as number)).toBe(2);
  });

  it('offers a single timeout when the traffic never pauses', () => {
    expect(idleMinutesCandidates(new Float64Array(0))).toEqual([1]);
  });
});

describe('choices', () => {
  it('never offers more instances than the oracle needed, and always one', () => {
    expect(maxCapacityChoices(2, 1)).toEqual([1, 2]);
    expect(Math.max(...maxCapacityChoices(2, 40))).toBe(40);
  });

  it('an always-warm endpoint keeps its idle rule; the other choices go to zero', () => {
    const s = resolveScaling({ preset: 'aws-recommended' });
    expect(applyIdle(s, { kind: 'always-warm' }).minCapacity).toBe(1);
    expect(applyIdle({ ...s, minCapacity: 1 }, { kind: 'step', minutes: 3 })).toMatchObject({
      minCapacity: 0,
      idle: { mode: 'step', minutes: 3 },
    });
    expect(policyKey(applyIdle(s, { kind: 'target-tracking' }))).toBe(policyKey(s));
  });
});
