// The alerts controller's task: gather what the rules read (store, last observed endpoint states,
// drift found since the last round, month-to-date spend), evaluate them, and retry the tuner's Slack
// posts that did not go through.
import type { Clock } from '../clock.js';
import type { EndpointState } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { DEFAULT_ALERTS_CONFIG } from '../alerts/config.js';
import type { Alerting } from '../alerts/alerting.js';
import { alertEndpointsFromConfig, gatherAlertInputs } from '../alerts/gather.js';
import { linearForecast } from '../alerts/rules/budget.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import type { SlackNotifier } from '../alerts/slack.js';
import type { PriceResolver } from '../cost/prices.js';
import { buildReport } from '../cost/report.js';
import type { Store } from '../store/index.js';
import type { Task } from './scheduler.js';
import { retryTuneNotices } from './tune-notify.js';

export interface AlertsTaskDeps {
  config: Config;
  clock: Clock;
  store: Store;
  prices: PriceResolver;
  alerting: Alerting;
  /** Endpoint states as telemetry last saw them (undefined: missing). */
  states: () => ReadonlyMap<string, EndpointState | undefined>;
  /** Drift found since the last round, taken (the buffer is emptied). */
  takeDrift: () => DriftEvent[];
  tuneNotifier?: SlackNotifier;
}

export function alertsTask(deps: AlertsTaskDeps): Task {
  const { config, clock, store } = deps;
  const tunedEndpoints = config.endpoints.filter((e) => e.tune).map((e) => e.name);
  const monthSpend = monthSpendTracker(deps);
  // Wake policies and SLOs come from the config alone (parsing the probe blocks each round was 3% of
  // a simulated fleet's time).
  const endpoints = alertEndpointsFromConfig(config);
  return async () => {
    const now = clock.now();
    const inputs = await gatherAlertInputs({
      store,
      endpoints,
      now,
      config: config.alerts ?? DEFAULT_ALERTS_CONFIG,
      states: deps.states(),
      spend: await monthSpend(now),
      drift: deps.takeDrift(),
    });
    await deps.alerting.evaluate(inputs);
    // Tuner posts that Slack did not take are tried again here, like the alerts' own.
    if (deps.tuneNotifier && tunedEndpoints.length > 0)
      await retryTuneNotices(deps.tuneNotifier, store, tunedEndpoints, now);
  };
}

const DAY_MS = 86_400_000;

/** The month's whole days before today, as a report saw them: fixed once the day is over. */
interface ClosedDays {
  start: number;
  end: number;
  spendUsd: number | null;
  probeUsd: number | null;
}

/**
 * Month-to-date spend and its straight-line forecast, for the budget rules: the month's whole days
 * before today (one report per day, kept) plus today so far (a report every round). Spend is an
 * integral of instances x price over the window, so the two add up to the one month-to-date report
 * but for each endpoint's rounding to the cent (at most half a cent per endpoint and part:
 * test/daemon/alerts-month-spend.test.ts). Rebuilding the whole month every round cost 102 ms of CPU a
 * round with 100 endpoints on day 28, 30 s a simulated day at the demo's 5-minute rounds; this 26 ms
 * (`npx tsx bench/alerts-month.ts`).
 */
export function monthSpendTracker(deps: Pick<AlertsTaskDeps, 'store' | 'config' | 'prices' | 'clock'>) {
  let closed: ClosedDays | undefined;
  const report = (start: number, end: number) =>
    buildReport(
      { store: deps.store, config: deps.config, prices: deps.prices, clock: deps.clock },
      { start, end },
    );
  return async (
    now: number,
  ): Promise<
    { month: string; monthToDateUsd: number; forecastUsd?: number; probeUsd?: number } | undefined
  > => {
    const d = new Date(now);
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (now <= start) return undefined;
    const today = Math.max(start, Math.floor(now / DAY_MS) * DAY_MS);
    if (today > start && (closed?.start !== start || closed.end !== today)) {
      const r = await report(start, today);
      closed = { start, end: today, spendUsd: r.total.spendUsd, probeUsd: r.total.probes.spendUsd };
    }
    const open = await report(today, now);
    const before = today > start ? closed! : { spendUsd: 0, probeUsd: 0 };
    if (open.total.spendUsd === null || before.spendUsd === null) return undefined;
    const mtd = before.spendUsd + open.total.spendUsd;
    const probes =
      open.total.probes.spendUsd === null || before.probeUsd === null
        ? null
        : before.probeUsd + open.total.probes.spendUsd;
    const forecast = linearForecast(mtd, now);
    return {
      month: d.toISOString().slice(0, 7),
      monthToDateUsd: mtd,
      ...(forecast !== undefined ? { forecastUsd: forecast } : {}),
      ...(probes !== null ? { probeUsd: probes } : {}),
    };
  };
}
