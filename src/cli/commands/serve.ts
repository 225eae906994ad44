// sagezero serve -c FILE: the daemon. SIGTERM/SIGINT stop it cleanly (in-flight probes recorded as
// interrupted, the store closed) with exit 0.
import type { Command } from 'commander';
import { SystemClock, type Clock } from '../../clock.js';
import { openCloud } from '../../cloud/open.js';
import type { Cloud } from '../../cloud/types.js';
import { loadConfig, type Config } from '../../config/load.js';
import { loadAwsPriceApi } from '../../cost/price-api.js';
import { PriceResolver } from '../../cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../daemon/daemon.js';
import { limitHeapGrowth } from '../../daemon/heap-growth.js';
import { createLogger, type Logger } from '../../daemon/logger.js';
import { ClockScheduler, CronScheduler, type Scheduler } from '../../daemon/scheduler.js';
import { createSimRuntime } from '../../daemon/sim-runtime.js';
import { Redactor } from '../../secrets.js';
import { resolveAuthToken } from '../../server/config.js';
import { ListenError } from '../../server/start.js';
import { openStore, storeApiCallObserver, type Store } from '../../store/index.js';
import { UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface ServeOptions {
  config: string;
  host?: string;
  port?: string;
  speed?: string;
}

export function registerServe(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run the daemon: reconcile, telemetry, probes, alerts, and the HTTP API + dashboard')
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--host <address>', 'address to bind (default: server.host, 127.0.0.1)')
    .option('--port <port>', 'port to bind (default: server.port, 8080; 0 = any free port)')
    .option('--speed <n>', 'cloud: sim only: simulated seconds per real second (default: sim.speed)')
    .action(async (opts: ServeOptions) => {
      setExit(await runServe(opts, out));
    });
}

export async function runServe(opts: ServeOptions, out: Output): Promise<number> {
  const config = loadConfig(opts.config);
  // A long-running process: collect sooner rather than keep freed heap (src/daemon/heap-growth.ts).
  limitHeapGrowth();
  const listen = {
    host: opts.host ?? config.server.host,
    port: opts.port !== undefined ? parsePort(opts.port) : config.server.port,
  };
  if (opts.speed !== undefined) config.sim.speed = parseSpeed(opts.speed);
  const redactor = new Redactor();
  redactor.add(config.alerts?.slack?.webhookUrl);
  let authToken: string | undefined;
  try {
    authToken = resolveAuthToken(config.server);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  redactor.add(authToken);
  const log = createLogger(redactor);
  const store = await openStore(config.storePath);

  let daemon: RunningDaemon | undefined;
  const background: ((signal: AbortSignal) => Promise<void>)[] = [];
  // AWS calls are counted through the daemon's fenced store once it runs (before: start-up calls).
  const counts: Pick<Store, 'apiCalls'> = {
    get apiCalls() {
      return (daemon?.actingStore ?? store).apiCalls;
    },
  };
  try {
    const { cloud, clock, scheduler, fetch } = await runtime(config, store, counts, log, out, background);
    const prices = new PriceResolver({
      store,
      clock,
      pricing: config.pricing,
      ...(config.cloud === 'aws' ? { api: () => loadAwsPriceApi() } : {}),
      onApiError: (message) =>
        log.warn({ err: message }, 'Pricing API unavailable; using the bundled price table'),
    });
    daemon = await startDaemon({
      config,
      cloud,
      clock,
      scheduler,
      store,
      log,
      prices,
      listen,
      authToken,
      background,
      ...(fetch ? { fetch } : {}),
    });
    out.err(`sagezero dashboard: ${daemon.url}/`);
    log.info(
      {
        url: `${daemon.url}/`,
        cloud: config.cloud,
        project: config.project,
        endpoints: config.endpoints.map((e) => e.name),
      },
      'sagezero serving',
    );
  } catch (e) {
    await store.close();
    throw e instanceof ListenError ? new UserError(listenAdvice(e, opts.config)) : e;
  }

  const running = daemon;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping');
      running.stop().then(resolve, (e: unknown) => {
        log.error({ err: (e as Error).message }, 'error while stopping');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await store.close();
  log.info({}, 'stopped');
  return 0;
}

async function runtime(
  config: Config,
  store: Store,
  counts: Pick<Store, 'apiCalls'>,
  log: Logger,
  out: Output,
  background: ((signal: AbortSignal) => Promise<void>)[],
): Promise<{ cloud: Cloud; clock: Clock; scheduler: Scheduler; fetch?: typeof globalThis.fetch }> {
  if (config.cloud === 'aws') {
    const clock = new SystemClock();
    const opened = await openCloud(config, { observer: storeApiCallObserver(counts, clock) });
    return { cloud: opened.cloud, clock, scheduler: new CronScheduler() };
  }
  // The one place that reads the wall clock directly: where virtual time starts.
  const wallNow = new SystemClock().now();
  const sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(counts, clock), wallNow, {
    onCatchUp: (e) => {
      const at = new Date(e.at).toISOString();
      if (e.kind === 'day') {
        out.err(`catching up: simulated day ${e.day} of ${e.days}`);
        log.info({ day: e.day, days: e.days, at }, 'catching up');
      } else if (e.kind === 'live') {
        const s = (e.wallMs / 1000).toFixed(1);
        out.err(
          `caught up: ${e.days} simulated day${e.days === 1 ? '' : 's'} in ${s} s; live at ${config.sim.speed}x from ${at}`,
        );
        log.info({ days: e.days, wallSeconds: Number(s), at, speed: config.sim.speed }, 'caught up; live');
      } else {
        log.info({ day: e.day, days: e.days, at }, 'catch-up stopped');
      }
    },
  });
  background.push(sim.accelerate, sim.replay);
  if (sim.historyMs > 0) {
    log.info(
      { from: new Date(sim.clock.now()).toISOString(), live: new Date(sim.liveStart).toISOString() },
      'fresh store: simulating the history before the live start first',
    );
  }
  if (sim.trace) {
    log.info(
      {
        trace: sim.trace.file,
        endpoints: sim.targets.map((t) => `${t.endpointName} <- ${t.source.id.slice(0, 16)}`),
        speed: config.sim.speed,
      },
      `replaying traffic at ${config.sim.speed}x (one simulated hour every ${(3600 / config.sim.speed).toFixed(0)} s)`,
    );
  }
  // Slack posts (alerts, tuner news) about the simulated past are recorded and logged, not sent: a
  // week of history replays in seconds, and its alerts are not news to anyone. Live ones are sent.
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (!sim.catchingUp()) return globalThis.fetch(input, init);
    log.info(
      { at: new Date(sim.clock.now()).toISOString() },
      'Slack post not sent: simulated history (catching up)',
    );
    return new Response('ok', { status: 200 });
  };
  return {
    cloud: sim.cloud,
    clock: sim.clock,
    scheduler: new ClockScheduler(sim.clock),
    ...(sim.historyMs > 0 ? { fetch } : {}),
  };
}

/** A port someone else holds is the user's setup, not a bug: say how to pick another. */
export function listenAdvice(e: ListenError, configFile: string): string {
  if (e.code === 'EADDRNOTAVAIL')
    return `${e.message}; choose another address with --host or server.host in ${configFile}`;
  const why =
    e.code === 'EADDRINUSE'
      ? ' (another sagezero or another program is listening there)'
      : e.code === 'EACCES'
        ? ' (ports below 1024 need privileges)'
        : '';
  const other = e.port > 0 && e.port < 65535 ? e.port + 1 : 8081;
  return (
    `${e.message}${why}. Choose another port with --port (e.g. --port ${other}; with npm start: ` +
    `npm start -- --port ${other}) or server.port in ${configFile}; --port 0 takes any free port`
  );
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserError(`--port must be an integer from 0 to 65535, got "${raw}"`);
  return n;
}

function parseSpeed(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 100_000)
    throw new UserError(`--speed must be a number above 0 and at most 100000, got "${raw}"`);
  return n;
}
