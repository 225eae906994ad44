// Report benchmark: the cost report over 90 days x 100 endpoints (target < 200 ms), and the RSS of
// the HTTP server with 100 endpoints after startup and a round of requests (target < 150 MB).
// `runReportBench()` returns a markdown section; run this file directly to print it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VirtualClock } from '../src/clock.js';
import { buildReport } from '../src/cost/report.js';
import { parseWindow } from '../src/cost/window.js';
import { META, openStore } from '../src/store/index.js';
import { config, endpoint, tablePrices } from '../test/report/helpers.js';
import { seedHistory, type SeedStats } from '../test/report/seed.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const ENDPOINTS = 100;
const DAYS = 90;
const WAKES_PER_DAY = 6;
const TYPES = ['ml.g5.xlarge', 'ml.g5.2xlarge', 'ml.g5.12xlarge', 'ml.g6.xlarge', 'ml.g4dn.xlarge'];

const names = Array.from({ length: ENDPOINTS }, (_, i) => `bench-endpoint-${String(i).padStart(3, '0')}`);
const benchConfig = () =>
  config(names.map((n, i) => endpoint(n, { instanceType: TYPES[i % TYPES.length]! })));

async function seedStore(file: string): Promise<SeedStats> {
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
}

async function timeReports(file: string, step: '1d' | undefined, runs: number): Promise<Timing> {
  const store = await openStore(file);
  try {
    const clock = new VirtualClock(NOW);
    const deps = { store, config: benchConfig(), prices: tablePrices(store, clock), clock };
    const w = parseWindow({ since: `${DAYS}d`, ...(step ? { step } : {}) }, NOW);
    await buildReport(deps, w); // warm-up: statement compilation, price table load
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
    return { wall, cpu };
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
const { PriceResolver } = await load('cost/prices.js');
const { resolveScaling } = await load('config/scaling-schema.js');
const types = ${JSON.stringify(TYPES)};
const endpoints = ${JSON.stringify(names)}.map((name, i) => ({
  name, variantName: 'AllTraffic', instanceType: types[i % types.length], scaling: resolveScaling(undefined),
}));
const config = { project: 'bench', region: 'us-east-1', cloud: 'sim', endpoints };
const store = openStore(file);
const clock = new VirtualClock(Number(now));
const prices = new PriceResolver({ store, clock, pricing: { source: 'table', cacheTtlHours: 24 } });
const running = await startServer(createApp({ store, config, clock, prices }), { host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ url: running.url }) + '\\n');
const stop = async () => { await running.close(); store.close(); process.exit(0); };
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
  const built =
    existsSync(path.join(dist, 'server', 'app.js')) && existsSync(path.join(dist, 'cost', 'prices.tsv'));
  const script = path.join(dir, 'serve-child.mjs');
  writeFileSync(script, CHILD);
  const args = built
    ? [script, dist, file, String(NOW)]
    : ['--import', 'tsx', script, path.join(root, 'src'), file, String(NOW)];
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

export async function runReportBench(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-bench-report-'));
  const file = path.join(dir, 'bench.db');
  try {
    const t0 = performance.now();
    const stats = await seedStore(file);
    const seedMs = performance.now() - t0;
    const summary = await timeReports(file, undefined, 7);
    const daily = await timeReports(file, '1d', 7);
    const serve = await serveRss(dir, file);
    const ok = (v: number, limit: number): string => (v < limit ? 'pass' : '**FAIL**');
    const row = (name: string, t: Timing): string =>
      `| ${name} | wall ${ms(median(t.wall))} (${ms(Math.min(...t.wall))}-${ms(Math.max(...t.wall))}), CPU ${ms(median(t.cpu))} | < 200 ms | ${ok(median(t.wall), 200)} |`;
    const load = loadavg()[0]!.toFixed(1);
    return [
      '## Cost report',
      '',
      `Store: ${ENDPOINTS} endpoints x ${DAYS} days, ${stats.transitions.toLocaleString('en-US')} instance transitions (~${WAKES_PER_DAY} wakes per endpoint per day), ` +
        `${stats.probes.toLocaleString('en-US')} cold probes, ${stats.metricPoints.toLocaleString('en-US')} metric points (last 35 days, around wakes); seeded in ${(seedMs / 1000).toFixed(1)} s. ` +
        `Report times: median (min-max) of 7 runs after one warm-up, in process; load average ${load} on ${cpus().length} cores when measured.`,
      '',
      '| case | result | target | |',
      '|---|---|---|---|',
      row('report, 90 d x 100 endpoints', summary),
      row('report with step=1d series, 90 d x 100 endpoints', daily),
      `| serve, 100 endpoints: RSS after startup and ${serve.requests} requests (incl. 90 d CSV, /metrics) | ${serve.rssMb.toFixed(1)} MB | < 150 MB | ${ok(serve.rssMb, 150)} |`,
      '',
      `The serve process ran ${serve.runtime}; RSS is its own process_resident_memory_bytes from /metrics.`,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(await runReportBench());
}
