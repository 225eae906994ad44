// Memory of `serve` on cloud: sim with many endpoints (issue 13): the real daemon (controllers,
// telemetry, probes, the trace replay) on the simulated region with N copies of the demo endpoint
// (config/demo.yaml's endpoint and traffic, sim.history 0), driven in virtual time as fast as the
// machine allows for D simulated days, on a store in a temporary directory. Prints, after each
// simulated day, the process's RSS and V8 heap (after a full GC when run with --expose-gc) and what the
// simulated region holds (SimEngine.retained(): entry counts that could grow with time).
//
//   node --expose-gc --import tsx bench/sim-memory.ts [--endpoints 100] [--days 30] [--step-minutes 1]
//       [--region-only] [--poll-minutes 1] [--row-hours 24] [--wall-minutes M] [--snapshot-days 2,6]
//       [--v8-heap-growth]
//
// The heap's growing factor is set as `serve` sets it (src/daemon/heap-growth.ts); --v8-heap-growth
// leaves V8's own. peak_rss_MB is the process's maximum RSS so far (getrusage), which catches the
// peaks between rows; without --expose-gc no GC is forced before a row, as in `serve`.
//
// --region-only: the region alone (provisioned by reconcile rounds, then only the trace replay and the
// daemon's telemetry poll every --poll-minutes, default 1; 0 = none: the poll's SQLite writes are most
// of the CPU time, and the region's memory does not depend on them); without it, the whole daemon.
// --row-hours prints rows more often than daily (the whole daemon with 100 endpoints takes minutes per
// simulated day); --wall-minutes stops after the first row past that much real time. --snapshot-days
// writes V8 heap snapshots to the temp directory (writing one raises RSS: compare heaps, not RSS).
//
// `serve` runs compiled JavaScript; tsx adds ~35 MB of RSS (its loader and the transpiled sources).
// For RSS as `serve` has it, compile the bench first (the imports it follows, nothing else):
//
//   cat > /tmp/sm/tsconfig.json <<'JSON'
//   { "extends": "<repo>/tsconfig.json", "include": ["<repo>/bench/sim-memory.ts"],
//     "compilerOptions": { "rootDir": "<repo>", "outDir": "/tmp/sm/build", "declaration": false,
//       "sourceMap": false, "typeRoots": ["<repo>/node_modules/@types"] } }
//   JSON
//   npx tsc -p /tmp/sm/tsconfig.json && ln -s <repo>/node_modules /tmp/sm/build/node_modules
//   cp -r data src/cost/prices.tsv --parents /tmp/sm/build/   # the trace and the price table
//   node --expose-gc /tmp/sm/build/bench/sim-memory.js --region-only
//
// The Docker image runs serve with --max-semi-space-size=2 (Dockerfile ENTRYPOINT): pass it to node here
// too for RSS as deployed (the new space then commits ~4 MB instead of 32). The whole daemon with 100
// endpoints takes about 2 minutes of CPU per simulated day (its telemetry poll's metric writes are the
// largest part), so 30 days need about an hour of one free core.
//
// new/old/large_MB: the committed size of those V8 spaces, which stays up after a GC frees their
// objects (heapTotal well above heapUsed). Of the RSS, ~54 MB is the node binary's own pages and
// ~30 MB the C heap (SQLite's page cache among it): what moves is mostly V8's committed heap.
//
// The clock moves `--step-minutes` of virtual time at a time (the daemon's controllers run at their
// scheduled instants within each step, as in the catch-up of sim.history).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { loadConfig, type Config } from '../src/config/load.js';
import { startSimDaemon } from '../src/daemon/sim-daemon.js';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../src/daemon/heap-growth.js';
import { createLogger } from '../src/daemon/logger.js';
import { reconcileOnce } from '../src/daemon/reconcile.js';
import { createSimRuntime, type SimRuntime } from '../src/daemon/sim-runtime.js';
import { Redactor } from '../src/secrets.js';
import { storeApiCallObserver } from '../src/store/index.js';
import { pollOnce } from '../src/telemetry/poll.js';
import { fleetConfigYaml } from './fleet-config.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/store.js';

const DAY_MS = 86_400_000;

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '100' },
    days: { type: 'string', default: '30' },
    'step-minutes': { type: 'string', default: '1' },
    'region-only': { type: 'boolean', default: false },
    'snapshot-days': { type: 'string', default: '' },
    'wall-minutes': { type: 'string', default: 'Infinity' },
    'poll-minutes': { type: 'string', default: '1' },
    'row-hours': { type: 'string', default: '24' },
    'v8-heap-growth': { type: 'boolean', default: false },
  },
});
const endpoints = Number(args.endpoints);
const days = Number(args.days);
const stepMs = Number(args['step-minutes']) * 60_000;
const regionOnly = args['region-only'];
const wallMinutes = Number(args['wall-minutes']);
const pollMs = Number(args['poll-minutes']) * 60_000;
/** A row every this much virtual time (the daemon with 100 endpoints takes many minutes a day). */
const rowMs = Number(args['row-hours']) * 3_600_000;
const snapshotDays = new Set(args['snapshot-days'].split(',').filter(Boolean).map(Number));

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

/** Committed size of the V8 spaces that can grow without live objects (semi-spaces, old, large objects). */
function spaces(): string[] {
  const size = new Map(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  return ['new_space', 'old_space', 'large_object_space'].map((n) => mb(size.get(n) ?? 0));
}

interface Run {
  sim: SimRuntime;
  /** Moves the clock to `until`, running whatever the mode runs on the way. */
  advanceTo(until: number): Promise<void>;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  // As `serve` does, unless --v8-heap-growth asks for V8's own growing factor (src/daemon/heap-growth.ts).
  const limited = args['v8-heap-growth'] ? false : limitHeapGrowth();
  console.log(
    `heap growing factor: ${limited ? `${1 + HEAP_GROWING_PERCENT / 100} (as serve sets it)` : "V8's own"}`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-sim-memory-'));
  const file = path.join(dir, 'memory.yaml');
  writeFileSync(file, fleetConfigYaml(endpoints, 'memory'));
  const config = loadConfig(file);
  const store = openSqliteStore(config.storePath);
  // The store syncs every commit to disk (thousands of fsyncs per simulated day); this measures
  // memory, not durability, so let the OS write when it likes.
  store.db.pragma('synchronous = OFF');
  const wallNow = Date.UTC(2026, 2, 10, 12, 0, 0);
  const sim = await createSimRuntime(config, store, (clock) => storeApiCallObserver(store, clock), wallNow);
  let logBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logBytes += chunk.length;
      done();
    },
  });
  const log = createLogger(new Redactor(), sink);
  const run = regionOnly
    ? await regionAlone(config, store, sim, log)
    : await wholeDaemon(config, store, sim, log);
  const gc = (globalThis as { gc?: () => void }).gc;
  const start = sim.clock.now();
  const began = Date.now();
  const row = (at: number): void => {
    const day = Number(((at - start) / DAY_MS).toFixed(3));
    gc?.();
    const m = process.memoryUsage();
    const r = sim.engine.retained();
    console.log(
      [
        day,
        mb(m.rss),
        mb(m.heapTotal),
        mb(m.heapUsed),
        mb(m.external),
        ...spaces(),
        ((Date.now() - began) / 1000).toFixed(0),
        mb(process.resourceUsage().maxRSS * 1024),
        (process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(0),
        sim.engine.requestsSubmitted,
        r.activities,
        r.instances,
        r.s3Objects,
        r.seriesMinutes,
        r.events,
      ].join('\t'),
    );
    if (snapshotDays.has(day)) {
      console.log(`heap snapshot: ${writeHeapSnapshot(path.join(dir, `day${day}.heapsnapshot`))}`);
    }
  };
  const what = !regionOnly
    ? 'daemon'
    : pollMs > 0
      ? `region alone + telemetry poll every ${pollMs / 60_000} min`
      : 'region alone (no telemetry poll)';
  console.log(
    `${what}: ${endpoints} endpoints, ${days} simulated days, steps of ${stepMs / 60_000} min, ${gc ? 'GC before each row' : 'no --expose-gc'}`,
  );
  console.log(
    'day\trss_MB\theapTotal_MB\theapUsed_MB\texternal_MB\tnew_MB\told_MB\tlarge_MB\twall_s\tpeak_rss_MB\tcpu_s\trequests\tactivities\tinstances\ts3_objects\tmetric_minutes\tevents',
  );
  row(start);
  const end = start + days * DAY_MS;
  let at = start;
  while (at < end) {
    at = Math.min(end, at + rowMs);
    await run.advanceTo(at);
    row(at);
    if (Date.now() - began > wallMinutes * 60_000) break;
  }
  if (at < end) {
    console.log(`stopped after ${((at - start) / DAY_MS).toFixed(2)} simulated days: --wall-minutes reached`);
  }
  await run.stop();
  await store.close();
  if (snapshotDays.size === 0) rmSync(dir, { recursive: true, force: true });
  console.log(`log output: ${mb(logBytes)} MB`);
}

async function wholeDaemon(
  config: Config,
  store: SqliteStore,
  sim: SimRuntime,
  log: ReturnType<typeof createLogger>,
): Promise<Run> {
  const daemon = await startSimDaemon(sim, { config, store, log });
  return {
    sim,
    advanceTo: async (until) => {
      while (sim.clock.now() < until) {
        await sim.clock.advanceTo(Math.min(sim.clock.now() + stepMs, until));
        await yieldToEventLoop();
      }
    },
    stop: () => daemon.stop(),
  };
}

/**
 * --region-only: the simulated region alone with the same endpoints and traffic, provisioned by
 * reconcile rounds, plus the daemon's telemetry poll (pollOnce) every simulated minute; none of the
 * other controllers (probes, reports, alerts, tuner).
 */
async function regionAlone(
  config: Config,
  store: SqliteStore,
  sim: SimRuntime,
  log: ReturnType<typeof createLogger>,
): Promise<Run> {
  const abort = new AbortController();
  // Reconcile rounds until every endpoint serves: a round may leave creations running in the
  // background for the next rounds to report (the daemon's provision queue).
  const inService = (): number =>
    [...sim.engine.endpoints.values()].filter((e) => e.status === 'InService').length;
  const provisionUntil = sim.clock.now() + 2 * DAY_MS;
  while (inService() < endpoints && sim.clock.now() < provisionUntil) {
    const round = reconcileOnce({ cloud: sim.cloud, clock: sim.clock, config, store, log, repair: true });
    let settled = false;
    void round.finally(() => (settled = true)).catch(() => undefined);
    while (!settled && sim.clock.now() < provisionUntil) await sim.clock.advance(60_000);
    await round;
    for (let i = 0; i < 5 && inService() < endpoints; i++) await sim.clock.advance(60_000);
  }
  console.log(
    `provisioned at +${(sim.clock.now() - sim.engine.opts.startTime) / 60_000} min, ${inService()} endpoints in service`,
  );
  const replay = sim.replay(abort.signal);
  return {
    sim,
    advanceTo: async (until) => {
      while (sim.clock.now() < until) {
        await sim.clock.advanceTo(Math.min(sim.clock.now() + (pollMs > 0 ? pollMs : 60_000), until));
        if (pollMs > 0)
          await pollOnce({ cloud: sim.cloud, clock: sim.clock, store, config, intervalMs: pollMs });
      }
    },
    stop: async () => {
      abort.abort();
      await sim.clock.advance(60_000);
      await replay;
    },
  };
}

await main();
