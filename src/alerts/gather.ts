// Reads what the rules need from the store. Endpoint states, spend and drift come from the caller
// (the telemetry poll, the cost engine and the reconcile controller already have them).
import type { EndpointState } from '../cloud/types.js';
import { configuredProbes } from '../probe/from-config.js';
import type { Store } from '../store/index.js';
import { apiWindow, LOOKBACK_WINDOWS } from './api-window.js';
import type { AlertsConfig } from './config.js';
import type { AlertInputs, EndpointAlertInput } from './evaluate.js';
import type { SpendSnapshot } from './rules/budget.js';
import { FRESHNESS_MS } from './rules/backlog.js';
import type { DriftEvent } from './rules/ops.js';

export interface AlertEndpoint {
  name: string;
  wake: { periodSeconds: number; evaluationPeriods: number } | false;
  coldStartSloSeconds?: number;
}

export interface GatherOptions {
  store: Pick<Store, 'probes' | 'metrics' | 'activities' | 'apiCalls' | 'controllers' | 'alerts'>;
  endpoints: readonly AlertEndpoint[];
  now: number;
  config: Pick<AlertsConfig, 'apiErrorMinutes'>;
  /** DescribeEndpoint results by name (undefined value: not found); endpoints absent here are not judged. */
  states?: ReadonlyMap<string, EndpointState | undefined>;
  spend?: SpendSnapshot;
  drift?: readonly DriftEvent[];
}

const PROBE_LOOKBACK_MS = 30 * 24 * 3600_000;
const BACKLOG_LOOKBACK_MS = 24 * 3600_000;

export async function gatherAlertInputs(o: GatherOptions): Promise<AlertInputs> {
  const endpoints: EndpointAlertInput[] = await Promise.all(
    o.endpoints.map(async (e) => {
      // The backlog rule reads only the run of backlogged minutes ending at the latest fresh minute
      // (trailingBacklogMinutes), and the activities only when that run is long: the day's series and
      // activities are read only when the freshest minutes show a backlog (every round reading a day of
      // minutes for every endpoint was most of the daemon's time on a simulated fleet).
      const recent = await o.store.metrics.series(
        e.name,
        'HasBacklogWithoutCapacity',
        o.now - FRESHNESS_MS,
        o.now,
      );
      const waiting = recent.some((p) => p.value > 0);
      const input: EndpointAlertInput = {
        name: e.name,
        // The rules look only at the latest probe of a few kinds (src/alerts/rules/probes.ts): those,
        // not the month of probes behind them, which every round re-read for every endpoint.
        probes: await o.store.probes.latestOutcomes(e.name, o.now - PROBE_LOOKBACK_MS, o.now + 1),
        backlog: waiting
          ? await o.store.metrics.series(
              e.name,
              'HasBacklogWithoutCapacity',
              o.now - BACKLOG_LOOKBACK_MS,
              o.now,
            )
          : recent,
        wake: e.wake,
        activities: waiting
          ? await o.store.activities.between(e.name, o.now - BACKLOG_LOOKBACK_MS, o.now)
          : [],
      };
      if (e.coldStartSloSeconds !== undefined) input.coldStartSloSeconds = e.coldStartSloSeconds;
      if (o.states?.has(e.name)) input.state = o.states.get(e.name) ?? 'missing';
      return input;
    }),
  );
  // As far back as the rule looks for its minutes with calls (src/alerts/api-window.ts); a probe that
  // failed in an earlier outage is recognised by the alert's last episode instead.
  const minutesSince = o.now - LOOKBACK_WINDOWS * o.config.apiErrorMinutes * 60_000;
  const minutes = await o.store.apiCalls.callMinutes(minutesSince);
  // The message's call counts cover the minutes the rule judges, from the oldest of them: when calls
  // are sparse those reach further back than the last apiErrorMinutes clock minutes.
  const judged = apiWindow(minutes, o.now, o.config.apiErrorMinutes).minutes;
  const since = Math.min(o.now - o.config.apiErrorMinutes * 60_000, judged.at(-1) ?? Infinity);
  const episode = await o.store.alerts.get('aws-api-errors');
  const inputs: AlertInputs = {
    now: o.now,
    endpoints,
    apiErrors: {
      minutes,
      failing: await o.store.apiCalls.since(since),
      ...(episode
        ? {
            lastEpisode: {
              firstFiredAt: episode.firstFiredAt,
              ...(episode.state === 'resolved' && episode.resolvedAt !== undefined
                ? { resolvedAt: episode.resolvedAt }
                : {}),
            },
          }
        : {}),
    },
    controllers: await o.store.controllers.all(),
  };
  if (o.spend) inputs.spend = o.spend;
  if (o.drift) inputs.drift = o.drift;
  return inputs;
}

/** The alert view of configured endpoints: wake policy and cold-start SLO. */
export function alertEndpointsFromConfig(config: {
  file: string;
  endpoints: readonly { name: string; scaling: { wake: AlertEndpoint['wake'] } }[];
}): AlertEndpoint[] {
  const probes = new Map(configuredProbes(config).map((p) => [p.endpoint.name, p.probe]));
  return config.endpoints.map((e) => {
    const a: AlertEndpoint = { name: e.name, wake: e.scaling.wake };
    const slo = probes.get(e.name)?.coldStartSloSeconds;
    if (slo !== undefined) a.coldStartSloSeconds = slo;
    return a;
  });
}
