import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p95WithUnserved, selectKth } from './select.js';

describe('selectKth', () => {
  it('returns what sorting would put at k, for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        (xs, r) => {
          const k = r % xs.length;
          const sorted = xs.slice().sort((a, b) => a - b);
          expect(selectKth(Float64Array.from(xs), k)).toBe(sorted[k]);
        },
      ),
    );
  });
});

describe('p95WithUnserved', () => {
  it('ranks requests that never got a result above every finished one', () => {
    const done = Float32Array.from({ length: 96 }, (_, i) => i + 1);
    // 96 of 100 finished: the 95th request by rank is the 95th finished one.
    expect(p95WithUnserved(done, 100)).toBe(95);
    // 94 of 100 finished: the 95th is one that never finished.
    expect(p95WithUnserved(done.subarray(0, 94), 100)).toBe(Infinity);
  });

  it('does not reorder the caller’s array and is NaN without requests', () => {
    const done = Float32Array.from([5, 1, 3]);
    p95WithUnserved(done, 3);
    expect([...done]).toEqual([5, 1, 3]);
    expect(p95WithUnserved(new Float32Array(0), 0)).toBeNaN();
  });
});
