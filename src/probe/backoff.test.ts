import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, with no jitter when random is 1', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000, random: () => 1 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('keeps every delay within [ceiling/2, ceiling]', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000, random: () => 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000]);
    const r = new Backoff({ initialMs: 1000, maxMs: 8000, random: Math.random });
    const ceilings = [1000, 2000, 4000, 8000, 8000, 8000];
    for (const c of ceilings) {
      const d = r.next();
      expect(d).toBeGreaterThanOrEqual(c / 2);
      expect(d).toBeLessThanOrEqual(c);
    }
  });

  it('starts over after reset()', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 10_000, random: () => 1 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});
