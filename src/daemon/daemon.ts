// The long-running process: the wiring of one controller per file (reconcile, telemetry, probes,
// alerts, tune), each run on its schedule and failing alone (controllers.ts); the store lease that lets
// one of several processes act; the HTTP API beside them; and the lifecycle (start-up round, stop).
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { DEFAULT_ALERTS_CONFIG } from '../alerts/config.js';
import { createAlerting } from '../alerts/alerting.js';
import type { DriftEvent } from '../alerts/rules/ops.js';
import { SlackNotifier } from '../alerts/slack.js';
import type { PriceResolver } from '../cost/prices.js';
import { configuredComponentProbes, configuredProbes } from '../probe/from-config.js';
import type { Store } from '../store/index.js';
import { createApp } from '../server/app.js';
import { startServer, type RunningServer } from '../server/start.js';
import { alertsTask } from './alerts-task.js';
import { BILLING_SCHEDULE, billingTask } from './billing-task.js';
import type { BillingSource } from '../cloud/billing.js';
import { billingEnabled } from '../cost/pricing-config.js';
import { ControllerRegistry } from './controllers.js';
import type { Logger } from './logger.js';
import { probeTask, realtimeProbeTask } from './probe-task.js';
import { reconcileTask } from './reconcile-task.js';
import { backgroundProvisioning } from './reconcile.js';
import { backgroundRealtimeProvisioning } from './reconcile-realtime.js';
import type { Scheduler, Task } from './scheduler.js';
import { telemetryTask } from './telemetry-task.js';
import { tuneTask } from './tune-task.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { SystemClock } from '../clock.js';
import { fencedCloud } from '../cloud/fenced.js';
import { fencedStore } from '../store/fence.js';
import { LeaseFencedError } from '../store/leases.js';

export { tuneMetaKey } from './tune-task.js';

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
  /** For tests: the bill's source (default: Cost Explorer on AWS, the region's own bill on sim). */
  billing?: BillingSource;
}

export interface RunningDaemon {
  url?: string;
  /** The store as the leader writes it: every write refused once this process's tenure has ended. */
  actingStore: Store;
  /** Whether this process holds the lease and acts (false: standby). */
  isLeader(): boolean;
  controllers: ControllerRegistry;
  /** Runs a controller now (tests, and the first reconcile at start-up). */
  runNow(name: 'reconcile' | 'telemetry' | 'alerts' | 'billing' | `probe:${string}`): Promise<void>;
  stop(): Promise<void>;
}

const LEASE = 'daemon';

export async function startDaemon(deps: DaemonDeps): Promise<RunningDaemon> {
  const { config, clock, log, scheduler } = deps;
  // The controllers act through these: every store write and every AWS call that acts is fenced by
  // the term of the tenure the work started in. The HTTP server and the lease use the plain store.
  const plain = deps.store;
  const store = fencedStore(plain, checkTerm);
  const cloud = fencedCloud(deps.cloud, checkTerm);
  const controllers = new ControllerRegistry(clock, log);
  const tasks = new Map<string, Task>();
  const background = new AbortController();
  // Every probe and wait of every endpoint listens on this one signal: a fleet has more than the
  // default 10 listeners, which is not a leak.
  setMaxListeners(0, background.signal);

  // Several serve processes may share a store: the lease holder acts, the others stand by, so there
  // are never double probes or double scaling actions. The lease's term fences the work: a leader
  // that was paused past its lease while another took over has its writes and AWS calls refused.
  const leaseClock = deps.leaseClock ?? new SystemClock();
  const holder = deps.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = config.daemon.leaseSeconds * 1000;
  let leader = false;
  let decided = false;
  /** The current tenure's term (while leader). */
  let term: number | undefined;
  /** The term a controller run started under: its work is refused once that tenure ends. */
  const tenure = new AsyncLocalStorage<number>();
  const lost = (from: number, to: number | undefined): void => {
    if (!leader || from !== term) return; // told already, or the work of an earlier tenure
    leader = false;
    const why = to === from ? `term ${from} lapsed` : `term ${from} → ${to ?? 'none'}`;
    log.warn(
      { holder, term: from, ...(to !== undefined ? { newTerm: to } : {}) },
      `lost the lease (${why}); standing by`,
    );
  };
  async function checkTerm(): Promise<void> {
    const t = tenure.getStore() ?? term;
    if (!leader || t === undefined || t !== term) {
      throw new LeaseFencedError(`this sagezero no longer leads under term ${t ?? 'none'}`, t, term);
    }
    try {
      // In a store transaction this also holds a takeover off until the commit; before an AWS call
      // it is a bare check (see src/cloud/fenced.ts for what that leaves open).
      await plain.leases.assertTerm(LEASE, t, leaseClock.now());
    } catch (e) {
      if (e instanceof LeaseFencedError) lost(t, e.currentTerm);
      throw e;
    }
  }
  const renewLease = async (): Promise<boolean> => {
    const now = leaseClock.now();
    if (leader && term !== undefined) {
      if (await plain.leases.renew(LEASE, holder, term, now, leaseMs)) return true;
      lost(term, (await plain.leases.get(LEASE))?.term);
      return false;
    }
    const got = await plain.leases.tryAcquire(LEASE, holder, now, leaseMs);
    if (got.held) {
      term = got.term;
      leader = true;
    }
    if (got.held || !decided) {
      log.info(
        { holder, leaseSeconds: config.daemon.leaseSeconds, term: got.term },
        got.held ? 'acting as leader' : 'standing by: another sagezero holds the store lease',
      );
    }
    decided = true;
    return got.held;
  };

  /** Registers a controller's task: run by the leader only, recorded, one run at a time. */
  const register = (name: string, fn: Task): Task => {
    const wrapped = controllers.wrap(name, fn);
    // One run of a controller at a time, whoever starts it (the schedule, start-up, an election,
    // runNow): a second caller joins the run in flight. Two reconciles at once would both see an
    // endpoint missing and both create it.
    // A run of an earlier tenure still in flight is not joined: the new tenure's run follows it.
    let inFlight: { term: number; run: Promise<void> } | undefined;
    const once = async (signal: AbortSignal): Promise<void> => {
      await wrapped(signal);
      const s = controllers.status(name);
      try {
        if (s.consecutiveFailures > 0)
          await store.controllers.error(name, clock.now(), s.lastError ?? 'failed');
        else await store.controllers.ok(name, clock.now());
      } catch (e) {
        if (!(e instanceof LeaseFencedError)) throw e; // deposed: nothing more is recorded
      }
    };
    const recorded = (signal: AbortSignal): Promise<void> => {
      const t = term;
      if (!leader || t === undefined) return Promise.resolve();
      if (inFlight?.term === t) return inFlight.run;
      const run = (inFlight?.run ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => (leader && term === t ? tenure.run(t, () => once(signal)) : undefined))
        .finally(() => {
          if (inFlight?.run === run) inFlight = undefined;
        });
      inFlight = { term: t, run };
      return run;
    };
    tasks.set(name, recorded);
    return recorded;
  };

  let server: RunningServer | undefined;
  if (deps.listen) {
    const app = createApp({
      store: plain,
      config,
      clock,
      prices: deps.prices,
      authToken: deps.authToken,
      health: () => ({ role: leader ? 'leader' : 'standby' }),
      onError: (err, p) => log.error({ path: p, err: err.message }, 'HTTP handler failed'),
    });
    server = await startServer(app, deps.listen);
  }
  const dashboardUrl = server ? `${server.url}/` : undefined;
  const alerting = createAlerting({
    config: config.alerts ?? DEFAULT_ALERTS_CONFIG,
    state: store.alerts,
    clock,
    log,
    dashboardUrl,
    signal: background.signal,
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
          signal: background.signal,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : undefined;

  // What the controllers hand each other: drift from reconcile to alerts, endpoint states from
  // telemetry to alerts, and whether the first reconcile is done (probes wait for it).
  const drift: DriftEvent[] = [];
  let reconciledOnce = false;
  const reconcile = register(
    'reconcile',
    reconcileTask({ cloud, clock, config, store, log, holder, onDrift: (d) => drift.push(...d) }),
  );
  const telemetryController = telemetryTask({ cloud, clock, config, store, log });
  const telemetry = register('telemetry', telemetryController.run);
  const alerts = register(
    'alerts',
    alertsTask({
      config,
      clock,
      store,
      prices: deps.prices,
      alerting,
      states: telemetryController.states,
      takeDrift: () => drift.splice(0),
      ...(tuneNotifier ? { tuneNotifier } : {}),
    }),
  );
  scheduler.schedule('reconcile', config.daemon.reconcileSchedule, reconcile);
  scheduler.schedule('telemetry', config.daemon.telemetrySchedule, telemetry);
  scheduler.schedule('alerts', config.daemon.alertsSchedule, alerts);
  if (billingEnabled(config)) {
    const billing = billingTask({
      ...{ cloud, clock, config, store, log, prices: deps.prices },
      ...(deps.billing ? { source: deps.billing } : {}),
      // Only the billing rule is in scope: the other rules' alerts stay as the alerts task left them.
      onReconciled: async (input) =>
        void (await alerting.evaluate({ now: clock.now(), endpoints: [], billing: input })),
    });
    scheduler.schedule('billing', BILLING_SCHEDULE, register('billing', billing));
  }

  const probeDeps = { cloud, clock, config, store, log, holder, ready: () => reconciledOnce };
  for (const { endpoint, probe } of configuredProbes(config)) {
    const name = `probe:${endpoint.name}`;
    scheduler.schedule(name, probe.schedule, register(name, probeTask(probeDeps, endpoint, probe)));
  }
  for (const { endpoint, component, probe } of configuredComponentProbes(config)) {
    if (!probe.enabled) continue;
    const name = `probe:${endpoint.name}/${component.name}`;
    const task = realtimeProbeTask(probeDeps, endpoint, component, probe);
    scheduler.schedule(name, probe.schedule, register(name, task));
  }
  const tuneDeps = {
    config,
    clock,
    store,
    log,
    reconcile,
    ...(tuneNotifier ? { tuneNotifier } : {}),
    ...(dashboardUrl ? { dashboardUrl } : {}),
  };
  for (const configured of config.endpoints) {
    if (!configured.tune) continue;
    const name = `tune:${configured.name}`;
    scheduler.schedule(name, configured.tune.schedule, register(name, tuneTask(tuneDeps, configured)));
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
      // A renewal that fails (the store busy or unreachable) is tried again next time; if it keeps
      // failing the lease lapses, and fenced work is refused until it is renewed.
      const held = await renewLease().catch((e: unknown) => {
        if (!signal.aborted) log.warn({ err: (e as Error).message }, 'could not renew the store lease');
        return leader;
      });
      // A newly elected leader provisions/repairs at once instead of at the next scheduled round.
      if (held && !was) track(reconcile(signal).then(() => telemetry(signal)));
    }
  };
  await renewLease();

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
    actingStore: store,
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
      // Endpoint creations the reconcile left running in the background: aborted above, they end at
      // once (SageMaker carries on; the next start finds them Creating) and must not outlive the store.
      await backgroundProvisioning(store)?.settled();
      await backgroundRealtimeProvisioning(store)?.settled();
      await server?.close();
      // Only this process's probes: another process's are its own business.
      await plain.probes.interruptRunning(
        clock.now(),
        'the daemon stopped while the probe was running',
        holder,
      );
      if (leader) await plain.leases.release(LEASE, holder, leaseClock.now());
    },
  };
}
