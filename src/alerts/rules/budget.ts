// Spend against the monthly budget: one alert per threshold crossed by spend to date, and one per
// threshold the month-end forecast crosses before spend does. When several thresholds are crossed at
// once (first evaluation mid-month) only the highest is announced; the lower ones are recorded quietly
// so they do not announce themselves later.
import type { AlertCondition } from '../types.js';
import { isoMinute, percent, usd } from '../units.js';

export interface BudgetSettings {
  monthlyUsd: number;
  thresholds: readonly number[];
  forecast: boolean;
}

export interface SpendSnapshot {
  /** UTC month the numbers are for, "YYYY-MM". */
  month: string;
  monthToDateUsd: number;
  /** Projected spend at month end; omitted early in the month when there is too little to go on. */
  forecastUsd?: number;
  /** Where probes are in the spend (they are billed work). */
  probeUsd?: number;
}

/** The UTC month of `now` and its bounds. */
export function monthOf(now: number): { month: string; start: number; end: number } {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { month: new Date(start).toISOString().slice(0, 7), start, end };
}

/**
 * Straight-line forecast: spend so far times (month length / time elapsed). Undefined during the
 * first day, when one busy hour would project to an alarming month.
 */
export function linearForecast(
  monthToDateUsd: number,
  now: number,
  minElapsedMs = 24 * 3600_000,
): number | undefined {
  const { start, end } = monthOf(now);
  const elapsed = now - start;
  if (elapsed < minElapsedMs) return undefined;
  return monthToDateUsd * ((end - start) / elapsed);
}

export function budgetAlerts(settings: BudgetSettings, spend: SpendSnapshot, now: number): AlertCondition[] {
  const out: AlertCondition[] = [];
  const thresholds = [...settings.thresholds].sort((a, b) => a - b);
  const crossedMtd = thresholds.filter((t) => spend.monthToDateUsd >= t * settings.monthlyUsd);
  const topMtd = crossedMtd[crossedMtd.length - 1];
  for (const t of crossedMtd) {
    const limit = t * settings.monthlyUsd;
    const facts = [
      { label: 'Spend this month', value: usd(spend.monthToDateUsd) },
      { label: `Threshold (${percent(t)})`, value: usd(limit) },
      { label: 'Monthly budget', value: usd(settings.monthlyUsd) },
    ];
    if (spend.forecastUsd !== undefined)
      facts.push({ label: 'Forecast at month end', value: usd(spend.forecastUsd) });
    if (spend.probeUsd !== undefined) facts.push({ label: 'Of which probes', value: usd(spend.probeUsd) });
    out.push({
      key: `budget:mtd:${spend.month}:${t}`,
      rule: 'budget-month-to-date',
      severity: t >= 1 ? 'critical' : 'warning',
      title: `GPU spend passed ${percent(t)} of the ${spend.month} budget`,
      summary: `Spend this month is ${usd(spend.monthToDateUsd)}, past ${percent(t)} of the ${usd(settings.monthlyUsd)} budget (as of ${isoMinute(now)}).`,
      facts,
      action: advice(),
      ...(t !== topMtd ? { silent: true } : {}),
    });
  }
  if (settings.forecast && spend.forecastUsd !== undefined) {
    const forecast = spend.forecastUsd;
    const crossedForecast = thresholds.filter(
      (t) => forecast >= t * settings.monthlyUsd && !crossedMtd.includes(t),
    );
    const topForecast = crossedForecast[crossedForecast.length - 1];
    for (const t of crossedForecast) {
      out.push({
        key: `budget:forecast:${spend.month}:${t}`,
        rule: 'budget-forecast',
        severity: t >= 1 ? 'warning' : 'info',
        title: `Month-end forecast passes ${percent(t)} of the ${spend.month} budget`,
        summary: `At the current rate ${spend.month} ends at about ${usd(forecast)}, past ${percent(t)} of the ${usd(settings.monthlyUsd)} budget (${usd(spend.monthToDateUsd)} so far).`,
        facts: [
          { label: 'Forecast at month end', value: usd(forecast) },
          { label: `Threshold (${percent(t)})`, value: usd(t * settings.monthlyUsd) },
          { label: 'Spend so far', value: usd(spend.monthToDateUsd) },
        ],
        action: advice(),
        ...(t !== topForecast ? { silent: true } : {}),
      });
    }
  }
  return out;
}

function advice(): string {
  return 'Open the report to see which endpoints spend it. Levers: a shorter idle timeout (scaling.idle), fewer or shorter keep-warm windows, a lower maxCapacity, fewer probes of idle endpoints (each wakes one), or a cheaper instance type.';
}
