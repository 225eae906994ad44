import { describe, expect, it } from 'vitest';
import { budgetAlerts, linearForecast, monthOf } from './budget.js';

const settings = { monthlyUsd: 2000, thresholds: [0.5, 0.8, 1.0], forecast: true };
const NOW = Date.UTC(2026, 0, 16, 0, 0, 0); // half of January 2026 (15 of 31 days) has passed

describe('budgetAlerts', () => {
  it('announces the highest threshold crossed and records the lower ones quietly', () => {
    const out = budgetAlerts(settings, { month: '2026-01', monthToDateUsd: 1700 }, NOW);
    expect(out.map((c) => [c.key, c.silent ?? false])).toEqual([
      ['budget:mtd:2026-01:0.5', true],
      ['budget:mtd:2026-01:0.8', false],
    ]);
    expect(out[1]?.summary).toContain('$1,700.00');
    expect(out[1]?.summary).toContain('80%');
  });

  it('adds forecast alerts only for thresholds spend has not crossed yet', () => {
    const out = budgetAlerts(settings, { month: '2026-01', monthToDateUsd: 1100, forecastUsd: 2273.33 }, NOW);
    expect(out.map((c) => c.key)).toEqual([
      'budget:mtd:2026-01:0.5',
      'budget:forecast:2026-01:0.8',
      'budget:forecast:2026-01:1',
    ]);
    expect(out.find((c) => c.key.endsWith(':1'))?.silent).toBeUndefined();
    expect(out.find((c) => c.key === 'budget:forecast:2026-01:0.8')?.silent).toBe(true);
  });

  it('is silent under every threshold, and skips forecasts when disabled', () => {
    expect(
      budgetAlerts(settings, { month: '2026-01', monthToDateUsd: 999.99, forecastUsd: 900 }, NOW),
    ).toEqual([]);
    expect(
      budgetAlerts(
        { ...settings, forecast: false },
        { month: '2026-01', monthToDateUsd: 10, forecastUsd: 5000 },
        NOW,
      ),
    ).toEqual([]);
  });
});

describe('linearForecast', () => {
  it('scales spend so far by month length over time elapsed', () => {
    // 15 of 31 days elapsed: 1100 * 31 / 15
    expect(linearForecast(1100, NOW)).toBeCloseTo((1100 * 31) / 15, 6);
  });

  it('refuses to forecast during the first day', () => {
    expect(linearForecast(100, Date.UTC(2026, 1, 1, 20))).toBeUndefined();
  });

  it('knows month bounds', () => {
    expect(monthOf(Date.UTC(2024, 1, 29, 12))).toEqual({
      month: '2024-02',
      start: Date.UTC(2024, 1, 1),
      end: Date.UTC(2024, 2, 1),
    });
  });
});
