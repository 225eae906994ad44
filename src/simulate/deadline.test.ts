import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadlineOptimum } from './deadline.js';
import { oracleCost } from './oracle.js';

const EPS = 1e-9;

/**
 * Brute force of the definition for c = 1: min over every integer start vector t_i in
 * [a_i, a_i + max(D, s_i) - s_i] of oracleCost(t, s, boot, 1, Infinity).
 * With integer data, integer starts suffice: the cost is piecewise linear in t, and the pieces are cut
 * by hyperplanes t_i = integer (a_i, the latest start, boot) and t_j - t_i = integer (s_i, s_i + boot),
 * whose constraint matrix (differences and single variables) is totally unimodular; so every vertex of
 * every piece is integer, and a piecewise-linear function on a bounded box attains its minimum at such a
 * vertex. The half-integer test below checks this on a few cases.
 */
function bruteForce(a: number[], s: number[], boot: number, D: number): number {
  const n = a.length;
  const t = new Array<number>(n).fill(0);
  let best = Infinity;
  const rec = (i: number): void => {
    if (i === n) {
      best = Math.min(best, oracleCost(t, s, boot, 1, Infinity).instanceSeconds);
      return;
    }
    const ai = a[i] as number;
    const si = s[i] as number;
    for (let x = ai; x <= ai + Math.max(D, si) - si; x++) {
      t[i] = x;
      rec(i + 1);
    }
  };
  rec(0);
  return best;
}

function windowProduct(a: number[], s: number[], D: number): number {
  return s.reduce((p, si) => p * (Math.max(D, si) - si + 1), a.length > 0 ? 1 : 0);
}

const smallTrace = (maxN: number) =>
  fc
    .record({
      a: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: maxN }),
      s: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: maxN, maxLength: maxN }),
      boot: fc.integer({ min: 0, max: 8 }),
      D: fc.integer({ min: 1, max: 15 }),
    })
    .map(({ a, s, boot, D }) => ({
      a: [...a].sort((x, y) => x - y),
      s: s.slice(0, a.length),
      boot,
      D,
    }));

describe('deadlineOptimum: hand-computed cases', () => {
  it('a lone request costs its boot plus its service', () => {
    // Arrival 10800 (3 h in), service 20, boot 480, D 900. One session starting at u in [10800, 11680]:
    // cost = min(u, 480) + 20 = 480 + 20 = 500 for every u (waiting saves nothing).
    const r = deadlineOptimum([10800], [20], 480, 1, 900);
    expect(r.instanceSeconds).toBe(500);
    expect(r.upperBound).toBe(500);
    expect(r.exact).toBe(true);
    expect(r.peakInstances).toBe(1);
    expect(r.starts[0]).toBe(10800);
  });

  it('two requests 100 s apart, arrivals 0 and 100: batching ties with serving each on arrival', () => {
    // s = 10, D = 200, boot = 50. Starts: t1 in [0, 190], t2 in [100, 290].
    // Apart: the first starts at 0, its boot is before the window: min(0, 50) = 0, + 10; the second
    //   pays min(100, 50) = 50 + 10. Total 70 (this is also the zero-wait oracle: gap 90 >= 50).
    // Together from u: cost = min(u, 50) + max(20, 110 - u): 110 for u <= 50, 160 - u on [50, 90], and
    //   50 + 20 = 70 for u >= 90 (both back to back, e.g. at 100 and 110). Optimum 70.
    const r = deadlineOptimum([0, 100], [10, 10], 50, 1, 200);
    expect(r.instanceSeconds).toBe(70);
    expect(oracleCost([0, 100], [10, 10], 50, 1, Infinity).instanceSeconds).toBe(70);
  });

  it('two requests 40 s apart batch behind one boot and beat the zero-wait oracle', () => {
    // Arrivals 60 and 100, s = 10, D = 200, boot = 50.
    // Zero wait: 50 (boot, 60 > 50) + 10 + gap 100 - 70 = 30 < 50 kept up + 10 = 100.
    // Deadline optimum: one boot, then both back to back, first start u in [90, 250]:
    //   min(u, 50) + max(20, 110 - u) = 50 + 20 = 70.
    const r = deadlineOptimum([60, 100], [10, 10], 50, 1, 200);
    expect(r.instanceSeconds).toBe(70);
    expect(r.exact).toBe(true);
    expect(oracleCost([60, 100], [10, 10], 50, 1, Infinity).instanceSeconds).toBe(100);
    // The schedule found keeps both within D and bills what it claims.
    expect(r.starts[0]).toBeGreaterThanOrEqual(60);
    expect((r.starts[1] as number) + 10).toBeLessThanOrEqual(300);
    expect(oracleCost(r.starts, [10, 10], 50, 1, Infinity).instanceSeconds).toBe(70);
  });

  it('D = service (no waiting allowed) equals the zero-wait oracle', () => {
    // Starts are forced to the arrivals, so the only schedule left is the oracle's.
    // By hand, boot 6: requests run [5,9] [8,12] [30,34] [31,35] [100,104]; the level is 1 on [5,8],
    // 2 on [8,9], 1 on [9,12], 0 to 30, 1 on [30,31], 2 on [31,34], 1 on [34,35], 0 to 100, 1 on
    // [100,104]. Work 20. Layer 1: boot min(5, 6) = 5, gap 12->30 = 18 -> 6, gap 35->100 -> 6.
    // Layer 2: boot min(8, 6) = 6, gap 9->31 = 22 -> 6. Total 20 + 5 + 6 + 6 + 6 + 6 = 49.
    const a = [5, 8, 30, 31, 100];
    const s = [4, 4, 4, 4, 4];
    expect(oracleCost(a, s, 6, 1, Infinity).instanceSeconds).toBe(49);
    const r = deadlineOptimum(a, s, 6, 1, 4);
    expect(r.instanceSeconds).toBe(49);
    expect(r.exact).toBe(true);
  });

  it('a burst that cannot be served in turn needs two instances in parallel', () => {
    // Two arrivals at 1000, s = 100, boot = 60, D = 150: in turn, the second would end at 1200 > 1150,
    // so two instances: 2 x (60 + 100) = 320, two up at once.
    const two = deadlineOptimum([1000, 1000], [100, 100], 60, 1, 150);
    expect(two.instanceSeconds).toBe(320);
    expect(two.peakInstances).toBe(2);
    // With D = 200 they fit in turn on one instance: 60 + 200 = 260.
    const one = deadlineOptimum([1000, 1000], [100, 100], 60, 1, 200);
    expect(one.instanceSeconds).toBe(260);
    expect(one.peakInstances).toBe(1);
  });

  it('a request longer than D starts on arrival', () => {
    // s = 50 > D = 10: deadline a + s, so it runs [20, 70]; a second request at 25 (s = 5, deadline 35)
    // cannot wait for it: two instances, 10 + 50 + 10 + 5 = 75 with boot 10.
    const r = deadlineOptimum([20, 25], [50, 5], 10, 1, 10);
    expect(r.instanceSeconds).toBe(75);
    expect(r.starts[0]).toBe(20);
  });

  it('far-apart groups are independent clusters whose costs add', () => {
    // Cluster 1: lone request at 100 (boot 30 + 10 = 40). Cluster 2, more than d + boot later:
    // requests at 5000 and 5005, s = 10, D = 60: one boot, back to back: 30 + 20 = 50. Total 90.
    const r = deadlineOptimum([100, 5000, 5005], [10, 10, 10], 30, 1, 60);
    expect(r.instanceSeconds).toBe(90);
    expect(r.clusters).toBe(2);
    expect(r.largestCluster).toBe(2);
  });

  it('empty input costs 0; bad input is refused', () => {
    const r = deadlineOptimum([], [], 480, 1, 900);
    expect(r).toMatchObject({ instanceSeconds: 0, upperBound: 0, peakInstances: 0, exact: true });
    expect(() => deadlineOptimum([NaN], [1], 1, 1, 1)).toThrow(RangeError);
    expect(() => deadlineOptimum([1], [1], 1, 0, 1)).toThrow(RangeError);
    expect(() => deadlineOptimum([1], [1], 1, 1, Infinity)).toThrow(RangeError);
  });
});

describe('deadlineOptimum: properties (c = 1)', () => {
  it('equals the brute force over integer start vectors', () => {
    fc.assert(
      fc.property(smallTrace(5), ({ a, s, boot, D }) => {
        fc.pre(windowProduct(a, s, D) <= 30_000);
        const r = deadlineOptimum(a, s, boot, 1, D);
        const b = bruteForce(a, s, boot, D);
        expect(r.exact).toBe(true);
        expect(r.instanceSeconds).toBeCloseTo(b, 9);
        // The schedule found is feasible and costs exactly the optimum.
        expect(r.upperBound).toBeCloseTo(b, 9);
        for (let i = 0; i < a.length; i++) {
          const t = r.starts[i] as number;
          expect(t).toBeGreaterThanOrEqual((a[i] as number) - EPS);
          expect(t + (s[i] as number)).toBeLessThanOrEqual(
            (a[i] as number) + Math.max(D, s[i] as number) + EPS,
          );
        }
      }),
      { numRuns: 300, seed: 20240611 },
    );
  });

  it('integer starts suffice: doubling the data (half-integer starts) halves to the same optimum', () => {
    const cases = [
      { a: [0, 3, 7], s: [3, 2, 5], boot: 5, D: 8 },
      { a: [1, 2, 2, 9], s: [1, 3, 2, 2], boot: 3, D: 5 },
      { a: [0, 4, 5], s: [5, 1, 4], boot: 7, D: 9 },
    ];
    for (const { a, s, boot, D } of cases) {
      const whole = bruteForce(a, s, boot, D);
      const half = bruteForce(
        a.map((x) => 2 * x),
        s.map((x) => 2 * x),
        2 * boot,
        2 * D,
      );
      expect(half / 2).toBe(whole);
      expect(deadlineOptimum(a, s, boot, 1, D).instanceSeconds).toBeCloseTo(whole, 9);
    }
  });

  it('is at most the zero-wait oracle and does not increase as D grows', () => {
    fc.assert(
      fc.property(smallTrace(6), fc.integer({ min: 0, max: 10 }), ({ a, s, boot, D }, more) => {
        const r = deadlineOptimum(a, s, boot, 1, D);
        expect(r.instanceSeconds).toBeLessThanOrEqual(
          oracleCost(a, s, boot, 1, Infinity).instanceSeconds + EPS,
        );
        expect(deadlineOptimum(a, s, boot, 1, D + more).instanceSeconds).toBeLessThanOrEqual(
          r.instanceSeconds + EPS,
        );
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('the large-cluster lower bound is below the brute force, and its schedule above it', () => {
    fc.assert(
      fc.property(smallTrace(5), fc.integer({ min: 1, max: 3 }), ({ a, s, boot, D }, blockSize) => {
        fc.pre(windowProduct(a, s, D) <= 30_000);
        const b = bruteForce(a, s, boot, D);
        const r = deadlineOptimum(a, s, boot, 1, D, { exactLimit: 0, blockSize });
        expect(r.instanceSeconds).toBeLessThanOrEqual(b + EPS);
        expect(r.upperBound).toBeGreaterThanOrEqual(b - EPS);
        // exact only when the schedule found meets the bound, i.e. is the optimum.
        if (r.exact) {
          expect(r.instanceSeconds).toBeCloseTo(b, 9);
          expect(r.upperBound).toBeCloseTo(b, 9);
          expect(r.method).toMatch(/^exact: .*meets the lower bound/);
        } else {
          expect(r.method).toMatch(/^lower bound/);
        }
      }),
      { numRuns: 100, seed: 99 },
    );
  });

  it('large clusters: the schedule found is feasible, billed as claimed, and above the bound', () => {
    const trace = fc.record({
      gaps: fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { minLength: 1, maxLength: 300 }),
      s: fc.array(fc.double({ min: 0, max: 120, noNaN: true }), { minLength: 300, maxLength: 300 }),
      boot: fc.integer({ min: 0, max: 600 }),
      D: fc.integer({ min: 0, max: 1200 }),
      exactLimit: fc.integer({ min: 0, max: 10 }),
      blockSize: fc.integer({ min: 1, max: 8 }),
    });
    fc.assert(
      fc.property(trace, ({ gaps, s: sAll, boot, D, exactLimit, blockSize }) => {
        const a: number[] = [];
        let x = 0;
        for (const g of gaps) a.push((x += g));
        const s = sAll.slice(0, a.length);
        // Input order need not be sorted: reverse it.
        a.reverse();
        s.reverse();
        const r = deadlineOptimum(a, s, boot, 1, D, { exactLimit, blockSize });
        const tol = 1e-7 * (x + 2000);
        for (let i = 0; i < a.length; i++) {
          const t = r.starts[i] as number;
          expect(t).toBeGreaterThanOrEqual((a[i] as number) - tol);
          expect(t + (s[i] as number)).toBeLessThanOrEqual(
            (a[i] as number) + Math.max(D, s[i] as number) + tol,
          );
        }
        expect(oracleCost(r.starts, s, boot, 1, Infinity).instanceSeconds).toBeCloseTo(r.upperBound, 6);
        expect(r.upperBound).toBeGreaterThanOrEqual(r.instanceSeconds - tol);
        expect(r.upperBound).toBeLessThanOrEqual(oracleCost(a, s, boot, 1, Infinity).instanceSeconds + tol);
        expect(r.instanceSeconds).toBeGreaterThanOrEqual(s.reduce((p, q) => p + q, 0) - tol);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it('a regular stream batches behind one boot per deadline window', () => {
    // A request every 100 s for 8 hours, s = 10, boot 480, D = 900. Always on costs about 28 800;
    // batching the requests of each ~900 s window behind one boot costs about 480 + 90 per window.
    const a = Array.from({ length: 288 }, (_, i) => 100 * i + 50);
    const s = a.map(() => 10);
    const r = deadlineOptimum(a, s, 480, 1, 900);
    expect(r.exact).toBe(false);
    expect(r.upperBound).toBeLessThan(0.6 * oracleCost(a, s, 480, 1, Infinity).instanceSeconds);
    expect(r.instanceSeconds).toBeLessThanOrEqual(r.upperBound);
  });

  it('stays finite and ordered on a trace too large to solve exactly', () => {
    let seed = 3;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const n = 3000;
    const a: number[] = [];
    const s: number[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += -Math.log(1 - rnd()) * 30;
      a.push(t);
      s.push(1 + 40 * rnd());
    }
    const r = deadlineOptimum(a, s, 480, 1, 900);
    expect(r.exact).toBe(false);
    expect(Number.isFinite(r.instanceSeconds)).toBe(true);
    expect(r.instanceSeconds).toBeGreaterThanOrEqual(s.reduce((x, y) => x + y, 0) - 1e-6);
    expect(r.instanceSeconds).toBeLessThanOrEqual(r.upperBound);
    expect(r.upperBound).toBeLessThanOrEqual(oracleCost(a, s, 480, 1, Infinity).instanceSeconds + 1e-6);
  });
});

describe('deadlineOptimum: concurrency > 1 is a lower bound', () => {
  it('is at most a feasible schedule: the c = 1 optimum on the same requests', () => {
    fc.assert(
      fc.property(smallTrace(6), fc.integer({ min: 2, max: 4 }), ({ a, s, boot, D }, c) => {
        const one = deadlineOptimum(a, s, boot, 1, D);
        const many = deadlineOptimum(a, s, boot, c, D);
        expect(Number.isFinite(many.instanceSeconds)).toBe(true);
        expect(many.instanceSeconds).toBeLessThanOrEqual(one.instanceSeconds + EPS);
        expect(many.instanceSeconds).toBeLessThanOrEqual(many.upperBound + EPS);
        // Never below the obvious floor: the work spread over c slots.
        expect(many.instanceSeconds).toBeGreaterThanOrEqual(s.reduce((x, y) => x + y, 0) / c - EPS);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('two requests sharing one instance: floor of 1/c of the c = 1 optimum, or longest + boot', () => {
    // Arrivals 100 and 100, s = 10, boot 50, D = 10 (no wait), c = 2. The true optimum shares one
    // instance: 50 + 10 = 60. The bound: c = 1 optimum = 2 x 60 = 120, / 2 = 60; work / 2 + boot =
    // 10 + 50 = 60; longest + boot = 60. So 60, and not exact (the bound is not proven tight in general).
    const r = deadlineOptimum([100, 100], [10, 10], 50, 2, 10);
    expect(r.instanceSeconds).toBe(60);
    expect(r.exact).toBe(false);
    // A lone request is exact at any c: min(a, boot) + s.
    const lone = deadlineOptimum([100], [10], 50, 4, 10);
    expect(lone).toMatchObject({ instanceSeconds: 60, exact: true });
  });
});
