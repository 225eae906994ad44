// The long-running process: reconcile, telemetry, probes and alerts on their schedules, the HTTP API
// beside them, and (on cloud: sim) the traffic replay. Each controller fails alone (controllers.ts).
import type { Clock } from '../clock.js';
import type { Cloud, EndpointState } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { DEFAULT_ALERTS_CONFIG } from '../alerts/config.js';
import { createAlerting, type Alerting } from '../alerts/alerting.js';
import { alertEndpointsFromConfig, gatherAlertInputs } from '../alerts/gather.js';
import { linearForecast } from '../alerts/rules/budget.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import type { PriceResolver } from '../cost/prices.js';
import { buildReport } from '../cost/report.js';
import { configuredProbes } from '../probe/from-config.js';
import { runProbe } from '../probe/probe.js';
import type { Store } from '../store/index.js';
import { pollOnce } from '../telemetry/index.js';
import {
  checkLastChange,
  decideForResult,
  loadTuneState,
  observedLatency,
  saveTuneState,
  tuneEndpoint,
} from '../tune/index.js';
import { DEFAULT_RULES, recordApplied, recordRollback } from '../tune/guardrails.js';
import { setTunedScaling, tunedEndpoint, tunerChange, withTunedScaling } from './tuned.js';
import { notifyRollback, notifyTune, retryTuneNotices, type RollbackMessage } from './tune-notify.js';
import { SlackNotifier } from '../alerts/slack.js';
import type { PolicyFigures } from '../tune/tune.js';
import { createApp } from '../server/app.js';
import { startServer, type RunningServer } from '../server/start.js';
import { ControllerRegistry } from './controllers.js';
import type { Logger } from './logger.js';
import { reconcileOnce } from './reconcile.js';
import { recoverAbandonedProbes } from './probe-recovery.js';
import type { Scheduler } from './scheduler.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { SystemClock } from '../clock.js';

export interface DaemonDeps {
  config: Config;
  cloud: Cloud;
  clock: Clock;
  scheduler: Scheduler;
  store: Store;
  log: Logger;
  prices: PriceResolver;
  /** Where to serve the API and dashboard; false: no HTTP server (tests of the controllers alone). */
  listen: { host: string; port: number } | false;
  authToken?: string;
  /** Extra long-running work (the simulated traffic replay), stopped with the daemon. */
  background?: ((signal: AbortSignal) => Promise<void>)[];
  /** For tests: the fetch the Slack client uses. */
  fetch?: typeof globalThis.fetch;
  /** The clock leases are timed on: the wall clock, shared by every process on the store. */
  leaseClock?: Clock;
  /** This process's name in the lease table. */
  holder?: string;
}

export interface RunningDaemon {
  url?: string;
  /** Whether this process holds the lease and acts (false: standby). */
  isLeader(): boolean;
  controllers: ControllerRegistry;
  /** Runs a controller now (tests, and the first reconcile at start-up). */
  runNow(name: 'reconcile' | 'telemetry' | 'alerts' | `probe:${string}`): Promise<void>;
  stop(): Promise<void>;
}

export async function startDaemon(deps: DaemonDeps): Promise<RunningDaemon> {
  const { config, cloud, clock, store, log, scheduler } = deps;
  const controllers = new ControllerRegistry(clock, log);
  const tasks = new Map<string, (signal: AbortSignal) => Promise<void>>();
  const background = new AbortController();
  const recentDrift: DriftEvent[] = [];
  let states = new Map<string, EndpointState | undefined>();

  // Several serve processes may share a store: the lease holder acts, the others stand by, so there
  // are never double probes or double scaling actions.
  const leaseClock = deps.leaseClock ?? new SystemClock();
  const holder = deps.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = config.daemon.leaseSeconds * 1000;
  let leader = false;
  let decided = false;
  const renewLease = (): boolean => {
    const got = store.leases.tryAcquire('daemon', holder, leaseClock.now(), leaseMs);
    if (got !== leader || !decided) {
      decided = true;
      leader = got;
      log.info(
        { holder, leaseSeconds: config.daemon.leaseSeconds },
        got ? 'acting as leader' : 'standing by: another sagezero holds the store lease',
      );
    }
    return got;
  };

  const register = (
    name: string,
    fn: (signal: AbortSignal) => Promise<void>,
  ): ((signal: AbortSignal) => Promise<void>) => {
    const wrapped = controllers.wrap(name, fn);
    // One run of a controller at a time, whoever starts it (the schedule, start-up, an election,
    // runNow): a second caller joins the run in flight. Two reconciles at once would both see an
    // endpoint missing and both create it.
    let inFlight: Promise<void> | undefined;
    const once = async (signal: AbortSignal): Promise<void> => {
      await wrapped(signal);
      const s = controllers.status(name);
      if (s.consecutiveFailures > 0) store.controllers.error(name, clock.now(), s.lastError ?? 'failed');
      else store.controllers.ok(name, clock.now());
    };
    const recorded = (signal: AbortSignal): Promise<void> => {
      if (!leader) return Promise.resolve();
      inFlight ??= once(signal).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    };
    tasks.set(name, recorded);
    return recorded;
  };

  let server: RunningServer | undefined;
  if (deps.listen) {
    const app = createApp({
      store,
      config,
      clock,
      prices: deps.prices,
      authToken: deps.authToken,
      health: () => ({ role: leader ? 'leader' : 'standby' }),
      onError: (err, p) => log.error({ path: p, err: err.message }, 'HTTP handler failed'),
    });
    server = await startServer(app, deps.listen);
  }
  const alerting: Alerting = createAlerting({
    config: config.alerts ?? DEFAULT_ALERTS_CONFIG,
    state: store.alerts,
    clock,
    log,
    dashboardUrl: server ? `${server.url}/` : undefined,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  // The tuner posts its own news (recommendations, steps, rollbacks): they are not alerts.
  const slack = config.alerts?.slack;
  const tuneNotifier =
    slack && slack.webhookUrl !== ''
      ? new SlackNotifier(slack.webhookUrl, {
          clock,
          log,
          timeoutMs: slack.timeoutSeconds * 1000,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : undefined;
  const tunedEndpoints = config.endpoints.filter((e) => e.tune).map((e) => e.name);

  // Probes left running by processes that are gone: interrupted and cleaned up by the leader, at
  // start-up (the first reconcile) and again each round until their objects are deleted.
  const probeTimeouts = new Map(
    configuredProbes(config).map(({ endpoint, probe }) => [endpoint.name, probe.timeoutSeconds * 1000]),
  );
  const recoverProbes = (): Promise<unknown> =>
    recoverAbandonedProbes({
      probes: store.probes,
      cloud,
      clock,
      log,
      self: holder,
      timeoutMs: (endpoint) => probeTimeouts.get(endpoint) ?? 3_600_000,
    });
  const reconcile = register('reconcile', async (signal) => {
    await recoverProbes();
    const r = await reconcileOnce(
      {
        cloud,
        clock,
        config: withTunedScaling(config, store),
        store,
        log,
        repair: config.daemon.repairDrift,
      },
      signal,
    );
    recentDrift.push(...r.drift);
    if (r.provisioned.length > 0) log.info({ endpoints: r.provisioned }, 'provisioned');
  });
  // Probes wait for this process's first reconcile to finish (created or not): probing an endpoint
  // that start-up is still creating would record a failed probe, and page someone, for nothing.
  let reconciledOnce = false;
  const telemetry = register('telemetry', async () => {
    const r = await pollOnce({ cloud, clock, store, config, recordRun: false });
    const next = new Map<string, EndpointState | undefined>();
    for (const e of r.endpoints)
      next.set(e.endpoint, e.status === 'Missing' ? undefined : await cloud.getEndpoint(e.endpoint));
    states = next;
    if (r.errors.length > 0) throw new Error(r.errors.join('; '));
  });
  const alerts = register('alerts', async () => {
    const now = clock.now();
    const drift = recentDrift.splice(0);
    const inputs = gatherAlertInputs({
      store,
      endpoints: alertEndpointsFromConfig(config),
      now,
      config: config.alerts ?? DEFAULT_ALERTS_CONFIG,
      states,
      spend: await monthSpend(deps, now),
      drift,
    });
    await alerting.evaluate(inputs);
    // Tuner posts that Slack did not take are tried again here, like the alerts' own.
    if (tuneNotifier && tunedEndpoints.length > 0)
      await retryTuneNotices(tuneNotifier, store, tunedEndpoints, now);
  });
  /**
   * Puts the tuner's change on the cloud now. A reconcile already running when the change was stored
   * is joined, not restarted, and was planned with the old policy: then one more runs. Returns when the
   * cloud runs the change (undefined: not yet, e.g. the endpoint is busy; a later reconcile applies it).
   */
  const reconcileTunerChange = async (endpoint: string, signal: AbortSignal): Promise<number | undefined> => {
    await reconcile(signal);
    if (tunerChange(store, endpoint)?.onCloudAt === undefined) await reconcile(signal);
    return tunerChange(store, endpoint)?.onCloudAt;
  };

  scheduler.schedule('reconcile', config.daemon.reconcileSchedule, reconcile);
  scheduler.schedule('telemetry', config.daemon.telemetrySchedule, telemetry);
  scheduler.schedule('alerts', config.daemon.alertsSchedule, alerts);
  for (const { endpoint, probe } of configuredProbes(config)) {
    const name = `probe:${endpoint.name}`;
    const task = register(name, async (signal) => {
      if (!reconciledOnce) {
        log.info({ endpoint: endpoint.name }, 'probe skipped: the first reconcile has not finished');
        return;
      }
      const run = await runProbe(
        {
          cloud,
          clock,
          sink: { save: (r) => store.probes.save({ ...r, holder }) },
          signal,
          configDir: path.dirname(config.file),
        },
        endpoint,
        probe,
      );
      log.info(
        {
          endpoint: endpoint.name,
          outcome: run.result.outcome,
          cold: run.result.cold,
          totalS: run.result.totalS,
          phases: run.phases,
        },
        'probe finished',
      );
      if (run.result.outcome !== 'success' && run.result.outcome !== 'interrupted') {
        throw new Error(
          `probe of ${endpoint.name} ended ${run.result.outcome}${run.result.errorMessage ? `: ${run.result.errorMessage}` : ''}`,
        );
      }
    });
    scheduler.schedule(name, probe.schedule, task);
  }

  // The tuner: replay each endpoint's own traffic through the simulator. mode: recommend records the
  // cheapest policy that meets the objective (for /api/v1/endpoints and the logs); mode: apply also
  // changes the live policy one bounded step at a time, and rolls back when the objective breaks.
  for (const configured of config.endpoints) {
    if (!configured.tune) continue;
    const tuneCfg = configured.tune;
    const name = `tune:${configured.name}`;
    const task = register(name, async (signal) => {
      const now = clock.now();
      const endpoint = tunedEndpoint(configured, store);
      if (tuneCfg.mode === 'apply') {
        let state = loadTuneState(store, endpoint.name);
        if (state.recent.length === 0) state = recordApplied(state, endpoint.scaling, 0);
        const check = checkLastChange(store, endpoint.name, state, tuneCfg.objective, now);
        if (check?.action === 'rollback') {
          // The step being rolled back, and what the endpoint delivered since it and before it (the
          // windows checkLastChange judged), for the message.
          const last = state.recent[state.recent.length - 1]!;
          const watched = now - last.since;
          const before = observedLatency(store, endpoint.name, last.since - watched, last.since);
          const after = observedLatency(store, endpoint.name, last.since, now);
          state = recordRollback(state, check.to, now);
          saveTuneState(store, endpoint.name, state, now);
          setTunedScaling(
            store,
            endpoint.name,
            { kind: 'rollback', from: endpoint.scaling, to: check.to, reason: check.alert },
            now,
          );
          log.warn({ endpoint: endpoint.name, reason: check.alert }, 'tuner rolled back its last change');
          const onCloudAt = await reconcileTunerChange(endpoint.name, signal);
          const message: RollbackMessage = {
            endpoint: endpoint.name,
            step: last.scaling,
            restored: check.to,
            stepAt: last.since,
            rolledBackAt: now,
            objective: tuneCfg.objective,
            before,
            after,
            reason: check.alert,
            ...(onCloudAt !== undefined ? { onCloudAt } : {}),
            banMs: DEFAULT_RULES.banMs,
            ...(server ? { dashboardUrl: `${server.url}/` } : {}),
          };
          if (tuneNotifier) await notifyRollback(tuneNotifier, store, message, clock.now());
          return;
        }
      }
      const r = await tuneEndpoint({ store, config, endpoint, clock });
      let applied: string | undefined;
      let step:
        { from: typeof endpoint.scaling; to: typeof endpoint.scaling; onCloudAt?: number } | undefined;
      if (tuneCfg.mode === 'apply') {
        const state = loadTuneState(store, endpoint.name);
        const base = state.recent.length === 0 ? recordApplied(state, endpoint.scaling, 0) : state;
        const decision = decideForResult(store, r, base, now);
        if (decision.action === 'apply') {
          saveTuneState(store, endpoint.name, recordApplied(base, decision.step.scaling, now), now);
          setTunedScaling(
            store,
            endpoint.name,
            { kind: 'step', from: endpoint.scaling, to: decision.step.scaling, reason: decision.reason },
            now,
          );
          applied = decision.reason;
          log.info(
            { endpoint: endpoint.name, step: decision.step.cls, reason: decision.reason },
            'tuner applies a step',
          );
          const onCloudAt = await reconcileTunerChange(endpoint.name, signal);
          step = {
            from: endpoint.scaling,
            to: decision.step.scaling,
            ...(onCloudAt !== undefined ? { onCloudAt } : {}),
          };
        } else {
          saveTuneState(store, endpoint.name, base, now);
          applied = `held: ${decision.reason}`;
        }
      }
      store.meta.setJson(
        tuneMetaKey(endpoint.name),
        {
          at: now,
          mode: r.mode,
          changed: r.changed,
          yaml: r.yaml,
          current: figures(r.current),
          recommended: figures(r.recommended),
          ...(applied ? { applied } : {}),
        },
        now,
      );
      log.info(
        { endpoint: endpoint.name, changed: r.changed, recommended: figures(r.recommended) },
        'tuner recommendation',
      );
      // A saving is claimed only for a recommendation that meets the objective (issue 12: a policy
      // that leaves requests unserved is not cheaper, it does less).
      const improves =
        r.changed.length > 0 &&
        r.recommended.choose.meetsObjective &&
        r.recommended.choose.costUsd < r.current.choose.costUsd;
      // Every step taken is announced, including one that restores the objective at a higher cost.
      if (tuneNotifier && (improves || step)) {
        await notifyTune(
          tuneNotifier,
          store,
          {
            endpoint: endpoint.name,
            mode: r.mode,
            ...(applied ? { applied } : {}),
            ...(step ? { step: { ...step, objective: tuneCfg.objective } } : {}),
            currentCostUsd: r.current.choose.costUsd,
            recommendedCostUsd: r.recommended.choose.costUsd,
            recommendedP95Seconds: r.recommended.choose.p95TimeToResultSeconds,
            changed: r.changed,
            yaml: r.yaml,
            ...(server ? { dashboardUrl: `${server.url}/` } : {}),
          },
          now,
        );
      }
    });
    scheduler.schedule(name, tuneCfg.schedule, task);
  }

  // Rounds started outside the scheduler (at start-up, on election): stop() waits for them too.
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const leaseLoop = async (signal: AbortSignal): Promise<void> => {
    while (!signal.aborted) {
      await leaseClock.sleep(Math.max(500, leaseMs / 3), signal);
      const was = leader;
      // A newly elected leader provisions/repairs at once instead of at the next scheduled round.
      if (renewLease() && !was) track(reconcile(signal).then(() => telemetry(signal)));
    }
  };
  renewLease();

  const backgroundRuns = [...(deps.background ?? []), leaseLoop].map((fn) =>
    fn(background.signal).catch((e: unknown) => {
      if (!background.signal.aborted) log.error({ err: (e as Error).message }, 'background task failed');
    }),
  );

  // Provision (or repair) right away rather than at the first scheduled round.
  track(
    reconcile(background.signal)
      .finally(() => (reconciledOnce = true))
      .then(() => telemetry(background.signal)),
  );

  return {
    url: server?.url,
    isLeader: () => leader,
    controllers,
    runNow: async (name) => {
      const t = tasks.get(name);
      if (!t) throw new Error(`no controller ${name}`);
      await t(background.signal);
    },
    stop: async () => {
      background.abort(new Error('shutting down'));
      await scheduler.stop();
      await Promise.allSettled([...backgroundRuns, ...pending]);
      await server?.close();
      // Only this process's probes: another process's are its own business.
      store.probes.interruptRunning(clock.now(), 'the daemon stopped while the probe was running', holder);
      if (leader) store.leases.release('daemon', holder);
    },
  };
}

/** Month-to-date spend and its straight-line forecast, for the budget rules. */
async function monthSpend(
  deps: DaemonDeps,
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

/** Deletes what probes cut short by a crash left in S3 (best effort: a failure is logged, not fatal). */

export function tuneMetaKey(endpoint: string): string {
  return `tune.recommendation.${endpoint}`;
}

function figures(p: PolicyFigures): Record<string, unknown> {
  return { scaling: p.scaling, choose: p.choose, check: p.check };
}
