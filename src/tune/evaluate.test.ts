import { describe, expect, it } from 'vitest';
import { compareEvaluations, expiryNoiseMargin, meets, type Evaluation } from './evaluate.js';

const objective = { p95TimeToResultSeconds: 600, maxExpired: 0 };

function ev(over: Partial<Evaluation>): Evaluation {
  return {
    requests: 100,
    costUsd: 100,
    afterLastArrivalUsd: 0,
    oracleUsd: 50,
    costToOracle: 2,
    deadlineOptimumUsd: 40,
    deadlineOptimumExact: true,
    costToDeadlineOptimum: 2.5,
    p95TimeToResultSeconds: 300,
    expired: 0,
    coldStarts: 1,
    launches: 1,
    meetsObjective: true,
    aborted: false,
    ...over,
  };
}

describe('meets', () => {
  it('asks a change for room under an allowance of unserved requests, the current policy for none', () => {
    const o = { p95TimeToResultSeconds: 600, maxExpired: 100 };
    expect(meets(o, 300, 100)).toBe(true);
    expect(meets(o, 300, 100, true)).toBe(false);
    expect(meets(o, 300, 100 - expiryNoiseMargin(100), true)).toBe(true);
    expect(expiryNoiseMargin(0)).toBe(0);
    expect(expiryNoiseMargin(1)).toBe(1);
    expect(meets(objective, 601, 0)).toBe(false);
  });
});

describe('compareEvaluations', () => {
  it('ranks meeting the objective first, then cost, with near-equal costs decided by p95', () => {
    const rank = (xs: Evaluation[]): number[] =>
      xs
        .map((e, i) => ({ e, i }))
        .sort((a, b) => compareEvaluations(a.e, b.e, objective))
        .map((x) => x.i);
    expect(
      rank([
        ev({ costUsd: 10, meetsObjective: false, p95TimeToResultSeconds: 900 }),
        ev({ costUsd: 80 }),
        ev({ costUsd: 60 }),
        ev({ costUsd: 60.3, p95TimeToResultSeconds: 100 }),
      ]),
    ).toEqual([3, 2, 1, 0]);
  });

  it('among policies that miss, prefers fewer unserved, then the smaller p95 overshoot', () => {
    const a = ev({ meetsObjective: false, expired: 3, p95TimeToResultSeconds: 700, costUsd: 1 });
    const b = ev({ meetsObjective: false, expired: 1, p95TimeToResultSeconds: Infinity, costUsd: 500 });
    const c = ev({ meetsObjective: false, expired: 1, p95TimeToResultSeconds: 900, costUsd: 900 });
    expect(compareEvaluations(b, a, objective)).toBeLessThan(0);
    expect(compareEvaluations(c, b, objective)).toBeLessThan(0);
  });
});
