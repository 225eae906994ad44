import { describe, expect, it } from 'vitest';
import { lnGamma } from '../../simulate/traces/servegen.js';
import { Rng } from './rng.js';

const mean = (f: () => number, n = 200_000): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += f();
  return s / n;
};

describe('Rng', () => {
  it('repeats exactly for a seed and resumes from a saved state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 10 }, () => a.nextUint32());
    expect(Array.from({ length: 10 }, () => b.nextUint32())).toEqual(xs);
    const c = new Rng(42);
    c.nextUint32();
    const saved = new Rng(c.state());
    expect(Array.from({ length: 9 }, () => saved.nextUint32())).toEqual(xs.slice(1));
    expect(new Rng(43).nextUint32()).not.toBe(xs[0]);
  });

  it('derives independent streams by label', () => {
    expect(Rng.derive(1, 'boot').nextUint32()).not.toBe(Rng.derive(1, 'ids').nextUint32());
    expect(Rng.derive(1, 'boot').nextUint32()).toBe(Rng.derive(1, 'boot').nextUint32());
  });

  it('draws from the distributions it names (sample means match theory)', () => {
    const r = new Rng(9);
    expect(mean(() => r.next())).toBeCloseTo(0.5, 2);
    expect(mean(() => r.exponential(3))).toBeCloseTo(3, 1);
    expect(mean(() => r.gamma(0.3, 2))).toBeCloseTo(0.6, 1);
    expect(mean(() => r.gamma(4, 0.5))).toBeCloseTo(2, 1);
    const k = 0.8;
    expect(mean(() => r.weibull(k, 1))).toBeCloseTo(Math.exp(lnGamma(1 + 1 / k)), 1);
    expect(mean(() => r.normal())).toBeCloseTo(0, 1);
  });

  it('makes version-4 UUIDs', () => {
    const u = new Rng(1).uuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
