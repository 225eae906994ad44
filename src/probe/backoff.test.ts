import { describe, expect, it } from 'vitest';
import { Backoff, jitterFrom } from './backoff.js';

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

  it('keeps every delay within [ceiling * (1 - jitter), ceiling] for a smaller jitter share', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next()]).toEqual([750, 1500, 3000, 3000]);
    const high = new Backoff({ initialMs: 1000, maxMs: 4000, jitter: 0.25, random: () => 1 });
    expect([high.next(), high.next(), high.next()]).toEqual([1000, 2000, 4000]);
  });

  it('starts over after reset()', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 10_000, random: () => 1 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('takes a cloud’s own random source when it has one (the simulated cloud), else none', () => {
    let n = 0;
    const source = jitterFrom({ jitterRandom: () => ++n / 10 });
    expect(source?.()).toBe(0.1);
    expect(source?.()).toBe(0.2);
    expect(jitterFrom({ region: 'us-east-1' })).toBeUndefined();
    // Without one, Backoff jitters with Math.random.
    const b = new Backoff({ initialMs: 1000, random: jitterFrom({}) });
    const d = b.next();
    expect(d).toBeGreaterThanOrEqual(500);
    expect(d).toBeLessThanOrEqual(1000);
  });
});
