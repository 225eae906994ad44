// Report benchmark: the cost report over 90 days x 100 endpoints (target < 200 ms), and the RSS of
// the HTTP server with 100 endpoints after startup and a round of requests (target < 150 MB), on
// either store (bench/store-backend.ts). `runReportBench()` returns a markdown section; run this file
// directly to print it:
//
//   npx tsx bench/report.ts [--backend sqlite|postgres] [--store-url postgres://...] [--runs 7]
//     [--json FILE]
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VirtualClock } from '../src/clock.js';
import { buildReport } from '../src/cost/report.js';
import { parseWindow } from '../src/cost/window.js';
import { META, openStore } from '../src/store/index.js';
import { config, endpoint, tablePrices } from '../test/report/helpers.js';
import { seedHistory, type SeedStats } from '../test/report/seed.js';
import {
  BenchUsageError,
  openBenchBackend,
  parseBackend,
  runMain,
  sqliteBackend,
  type BenchBackend,
} from './store-backend.js';

const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 5, 1);
const ENDPOINTS = 100;
export const DAYS = 90;
const WAKES_PER_DAY = 6;
const TYPES = ['ml.g5.xlarge', 'ml.g5.2xlarge', 'ml.g5.12xlarge', 'ml.g6.xlarge', 'ml.g4dn.xlarge'];

export const names = Array.from(
  { length: ENDPOINTS },
  (_, i) => `bench-endpoint-${String(i).padStart(3, '0')}`,
);
export const benchConfig = () =>
  config(names.map((n, i) => endpoint(n, { instanceType: TYPES[i % TYPES.length]! })));

export async function seedStore(file: string): Promise<SeedStats> {
  const store = await openStore(file);
  try {
    const stats = await seedHistory(store, {
      endpoints: names,
      start: NOW - DAYS * DAY,
      end: NOW,
      wakesPerDay: WAKES_PER_DAY,
      metricsFor: 35 * DAY,
    });
    await store.meta.set(META.lastPollAt, String(NOW), NOW);
    return stats;
  } finally {
    await store.close();
  }
}

interface Timing {
  wall: number[];
  /** CPU time of this process: on a machine shared with other work, wall time also counts waiting for a core. */
  cpu: number[];
  /**
   * The first report on a newly opened store (the warm-up): statements not yet prepared, and on
   * PostgreSQL the memo of range answers empty (src/store/pg/range-memo.ts), which it fills.
   */
  first: { wall: number; cpu: number };
}

async function timeReports(file: string, step: '1d' | undefined, runs: number): Promise<Timing> {
  const store = await openStore(file);
  try {
    const clock = new VirtualClock(NOW);
    const deps = { store, config: benchConfig(), prices: tablePrices(store, clock), clock };
    const w = parseWindow({ since: `${DAYS}d`, ...(step ? { step } : {}) }, NOW);
    // Warm-up: statement compilation, price table load, and PostgreSQL's memo of range answers.
    const f0 = process.cpuUsage();
    const t0 = performance.now();
    await buildReport(deps, w);
    const firstWall = performance.now() - t0;
    const f = process.cpuUsage(f0);
    const first = { wall: firstWall, cpu: (f.user + f.system) / 1000 };
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await buildReport(deps, w);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    return { wall, cpu, first };
  } finally {
    await store.close();
  }
}

// The serve process: the app with 100 endpoints over the seeded store, on a free loopback port. It
// runs the compiled build when there is one (as `npm start` does), else the sources through tsx.
const CHILD = `
import { pathToFileURL } from 'node:url';
const [base, file, now] = process.argv.slice(2);
const load = (m) => import(pathToFileURL(base + '/' + m).href);
const { VirtualClock } = await load('clock.js');
const { createApp } = await load('server/app.js');
const { startServer } = await load('server/start.js');
const { openStore } = await load('store/index.js');
// As serve sets it (src/cli/commands/serve.ts, src/daemon/heap-growth.ts).
(await load('daemon/heap-growth.js')).limitHeapGrowth();
const { PriceResolver } = await load('cost/prices.js');
const { resolveScaling } = await load('config/scaling-schema.js');
const types = ${JSON.stringify(TYPES)};
const endpoints = ${JSON.stringify(names)}.map((name, i) => ({
  name, variantName: 'AllTraffic', instanceType: types[i % types.length], scaling: resolveScaling(undefined),
}));
const config = { project: 'bench', region: 'us-east-1', cloud: 'sim', endpoints, realtimeEndpoints: [] };
const store = await openStore(file);
const clock = new VirtualClock(Number(now));
const prices = new PriceResolver({ store, clock, pricing: { source: 'table', cacheTtlHours: 24 } });
const running = await startServer(createApp({ store, config, clock, prices, onError: (err, p) => process.stderr.write(p + ': ' + err.stack + '\\n') }), { host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ url: running.url }) + '\\n');
const stop = async () => { await running.close(); await store.close(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
`;

async function serveRss(
  dir: string,
  file: string,
): Promise<{ rssMb: number; requests: number; runtime: string }> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const dist = path.join(root, 'dist');
  // A build without the PostgreSQL store predates the sources by a lot: measure the sources then,
  // on both stores alike.
  const built = ['server/app.js', 'cost/prices.tsv', 'store/pg/store.js'].every((f) =>
    existsSync(path.join(dist, f)),
  );
  const script = path.join(dir, 'serve-child.mjs');
  writeFileSync(script, CHILD);
  // With the flag `npm start` and the Docker image give node (package.json, Dockerfile).
  const args = built
    ? ['--max-semi-space-size=2', script, dist, file, String(NOW)]
    : ['--max-semi-space-size=2', '--import', 'tsx', script, path.join(root, 'src'), file, String(NOW)];
  const runtime = built
    ? 'the compiled build (dist/)'
    : 'the TypeScript sources through tsx (no build found; tsx adds its own memory)';
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
      child.once('exit', (code) => reject(new Error(`serve child exited with ${code}`)));
    });
    const paths = [
      '/healthz',
      '/',
      '/assets/uPlot.iife.min.js',
      '/api/v1/endpoints',
      '/api/v1/report?since=7d&step=1h',
      '/api/v1/report?since=30d&step=1d',
      '/api/v1/report.csv?since=90d',
      '/metrics',
    ];
    let requests = 0;
    for (let round = 0; round < 3; round++) {
      for (const p of paths) {
        const res = await fetch(url + p);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
        requests++;
      }
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    requests++;
    const m = /^sagezero_process_resident_memory_bytes (\d+)/m.exec(metrics);
    if (!m) throw new Error('no process_resident_memory_bytes in /metrics');
    return { rssMb: Number(m[1]) / 1024 / 1024, requests, runtime };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}

/** The nearest-rank percentile (p50 of 7 runs: the 4th fastest; p95 of 21: the 20th). */
const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
const median = (xs: number[]): number => percentile(xs, 50);
const ms = (x: number): string => `${x.toFixed(1)} ms`;

/** What one run measured, for comparing backends (--json). */
export interface ReportBenchResult {
  backend: BenchBackend['name'];
  seedMs: number;
  stats: SeedStats;
  summary: Timing;
  daily: Timing;
  rssMb: number;
  serveRuntime: string;
  loadAverage: number;
}

export async function runReportBench(
  backend: BenchBackend = sqliteBackend,
  runs = 7,
  onResult: (r: ReportBenchResult) => void = () => undefined,
): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-bench-report-'));
  let location: string | undefined;
  try {
    location = await backend.location(dir, 'bench.db');
    const t0 = performance.now();
    const stats = await seedStore(location);
    const seedMs = performance.now() - t0;
    await backend.settle(location);
    const summary = await timeReports(location, undefined, runs);
    const daily = await timeReports(location, '1d', runs);
    const serve = await serveRss(dir, location);
    const load = loadavg()[0]!;
    onResult({
      backend: backend.name,
      seedMs,
      stats,
      summary,
      daily,
      rssMb: serve.rssMb,
      serveRuntime: serve.runtime,
      loadAverage: load,
    });
    const ok = (v: number, limit: number): string => (v < limit ? 'pass' : '**FAIL**');
    const row = (name: string, t: Timing): string =>
      `| ${name} | wall ${ms(median(t.wall))} (${ms(Math.min(...t.wall))}-${ms(Math.max(...t.wall))}), p95 ${ms(percentile(t.wall, 95))}, CPU ${ms(median(t.cpu))} | < 200 ms | ${ok(median(t.wall), 200)} |`;
    return [
      backend.name === 'sqlite' ? '## Cost report' : `## Cost report (${backend.name})`,
      '',
      `Store: ${ENDPOINTS} endpoints x ${DAYS} days, ${stats.transitions.toLocaleString('en-US')} instance transitions (~${WAKES_PER_DAY} wakes per endpoint per day), ` +
        `${stats.probes.toLocaleString('en-US')} cold probes, ${stats.metricPoints.toLocaleString('en-US')} metric points (last 35 days, around wakes); seeded in ${(seedMs / 1000).toFixed(1)} s. ` +
        `Report times: median (min-max) and p95 of ${runs} runs after one warm-up, in process; load average ${load.toFixed(1)} on ${cpus().length} cores when measured.` +
        (backend.name === 'sqlite'
          ? ''
          : ` On ${backend.describe}; CPU is this process's only, not the server's. After the first report, the answers of the metric ranges (the wakes' backlog ages, the probes' processed requests) come from this process's memo, as they do for every later report of serve until a write changes the minutes under them; the first report asks the server for all of them.`),
      '',
      '| case | result | target | |',
      '|---|---|---|---|',
      row('report, 90 d x 100 endpoints', summary),
      row('report with step=1d series, 90 d x 100 endpoints', daily),
      `| the first report on a newly opened store (the warm-up, one run each of the above) | wall ${ms(summary.first.wall)} and ${ms(daily.first.wall)}, CPU ${ms(summary.first.cpu)} and ${ms(daily.first.cpu)} | | |`,
      `| serve, 100 endpoints: RSS after startup and ${serve.requests} requests (incl. 90 d CSV, /metrics) | ${serve.rssMb.toFixed(1)} MB | < 150 MB | ${ok(serve.rssMb, 150)} |`,
      '',
      `The serve process ran ${serve.runtime}, as \`npm start\` runs serve (node --max-semi-space-size=2, the heap growth serve sets); RSS is its own process_resident_memory_bytes from /metrics.`,
      '',
    ].join('\n');
  } finally {
    if (location !== undefined) await backend.release(location);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'sqlite' },
      'store-url': { type: 'string' },
      runs: { type: 'string', default: '7' },
      /** Appends the run's timings as a JSON line (every repeat, for percentiles across backends). */
      json: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new BenchUsageError(`--runs: expected a whole number of repeats, got "${values.runs}"`);
  const backend = await openBenchBackend(
    parseBackend(values.backend, values['store-url']),
    values['store-url'],
  );
  const json = values.json;
  try {
    const section = await runReportBench(backend, runs, (r) => {
      if (json) appendFileSync(json, `${JSON.stringify(r)}\n`);
    });
    process.stdout.write(section);
  } finally {
    await backend.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMain(main);
}
