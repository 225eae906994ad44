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
  return async () => {
    const now = clock.now();
    const inputs = gatherAlertInputs({
      store,
      endpoints: alertEndpointsFromConfig(config),
      now,
      config: config.alerts ?? DEFAULT_ALERTS_CONFIG,
      states: deps.states(),
      spend: await monthSpend(deps, now),
      drift: deps.takeDrift(),
    });
    await deps.alerting.evaluate(inputs);
    // Tuner posts that Slack did not take are tried again here, like the alerts' own.
    if (deps.tuneNotifier && tunedEndpoints.length > 0)
      await retryTuneNotices(deps.tuneNotifier, store, tunedEndpoints, now);
  };
}

/** Month-to-date spend and its straight-line forecast, for the budget rules. */
async function monthSpend(
  deps: Pick<AlertsTaskDeps, 'store' | 'config' | 'prices' | 'clock'>,
  now: number,
): Promise<{ month: string; monthToDateUsd: number; forecastUsd?: number; probeUsd?: number } | undefined> {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (now <= start) return undefined;
  const report = await buildReport(
    { store: deps.store, config: deps.config, prices: deps.prices, clock: deps.clock },
    { start, end: now },
  );
  const mtd = report.total.spendUsd;
  if (mtd === null) return undefined;
  const forecast = linearForecast(mtd, now);
  return {
    month: d.toISOString().slice(0, 7),
    monthToDateUsd: mtd,
    ...(forecast !== undefined ? { forecastUsd: forecast } : {}),
    ...(report.total.probes.spendUsd !== null ? { probeUsd: report.total.probes.spendUsd } : {}),
  };
}
