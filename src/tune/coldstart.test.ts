import { describe, expect, it } from 'vitest';
import { describeBoot, estimateBoot } from './coldstart.js';

describe('estimateBoot', () => {
  it('uses the prior when nothing was measured', () => {
    const e = estimateBoot([], 600);
    expect(e.source).toBe('prior');
    expect(e.medianSeconds).toBe(600);
    expect(e.p90Seconds).toBeGreaterThan(600);
  });

  it('centres on the measured boots and widens with their spread', () => {
    const tight = estimateBoot([400, 410, 420, 405, 415], 900);
    const wide = estimateBoot([250, 400, 700, 330, 550], 900);
    expect(tight.source).toBe('measured');
    expect(tight.samples).toBe(5);
    expect(tight.medianSeconds).toBeCloseTo(410, 0);
    expect(wide.p90Seconds / wide.medianSeconds).toBeGreaterThan(tight.p90Seconds / tight.medianSeconds);
  });

  it('ignores durations that cannot be boots', () => {
    const e = estimateBoot([0, 3, 1e6, 480], 900);
    expect(e.samples).toBe(1);
    expect(e.medianSeconds).toBeCloseTo(480, 6);
  });

  it('describes a fixed distribution as itself', () => {
    expect(describeBoot({ kind: 'fixed', seconds: 300 })).toMatchObject({
      medianSeconds: 300,
      p90Seconds: 300,
    });
  });
});
