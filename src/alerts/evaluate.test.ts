import { describe, expect, it } from 'vitest';
import { alertsConfigSchema } from './config.js';
import { evaluateRules } from './evaluate.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 16);

describe('evaluateRules', () => {
  const config = alertsConfigSchema.parse({ budgets: { monthlyUsd: 1000 } });

  it('scopes each rule to the endpoints it had data for', () => {
    const { scope } = evaluateRules(
      {
        now: NOW,
        endpoints: [
          { name: 'a', probes: [] },
          { name: 'b', state: 'missing' },
          { name: 'c', backlog: [], wake: false },
        ],
      },
      config,
    );
    expect(scope.covers('probe-failed', 'a')).toBe(true);
    expect(scope.covers('probe-failed', 'b')).toBe(false);
    expect(scope.covers('endpoint-failed', 'b')).toBe(true);
    expect(scope.covers('backlog-without-capacity', 'c')).toBe(true);
    // No spend given: a budget alert must not read as resolved.
    expect(scope.covers('budget-month-to-date', undefined)).toBe(false);
  });

  it('runs budget rules only with spend and a budget, and drops disabled rules', () => {
    const spend = { month: '2026-01', monthToDateUsd: 900 };
    expect(evaluateRules({ now: NOW, endpoints: [], spend }, config).conditions.map((c) => c.key)).toEqual([
      'budget:mtd:2026-01:0.5',
      'budget:mtd:2026-01:0.8',
    ]);
    const off = alertsConfigSchema.parse({
      budgets: { monthlyUsd: 1000 },
      disabledRules: ['budget-month-to-date'],
    });
    expect(evaluateRules({ now: NOW, endpoints: [], spend }, off).conditions).toEqual([]);
  });

  it('uses the probe SLO as the boot allowance for the backlog rule', () => {
    const series = Array.from({ length: 20 }, (_, i) => ({ minute: NOW - (20 - i) * MIN, value: 1 }));
    const wake = { periodSeconds: 60, evaluationPeriods: 2 };
    // 20 minutes waiting is within 2 (wake) + 15 (default boot allowance) + 5 (grace) = 22: quiet.
    expect(
      evaluateRules({ now: NOW, endpoints: [{ name: 'a', backlog: series, wake }] }, config).conditions,
    ).toEqual([]);
    // With a 10-minute SLO as the boot time: 2 + 10 + 5 = 17 < 20: fires.
    const c = evaluateRules(
      { now: NOW, endpoints: [{ name: 'a', backlog: series, wake, coldStartSloSeconds: 600 }] },
      config,
    );
    expect(c.conditions.map((x) => x.key)).toEqual(['backlog-without-capacity:a']);
  });
});
