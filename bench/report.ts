// Report benchmark: the cost report over 90 days x 100 endpoints (target < 200 ms), and the RSS of
// the HTTP server with 100 endpoints after startup and a round of requests (target < 150 MB).
// `runReportBench()` returns a markdown section; run this file directly to print it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VirtualClock } from '../src/clock.js';
import { buildReport } from '../src/cost/report.js';
import { parseWindow } from '../src/cost/window.js';
import { createApp } from '../src/server/app.js';
import { startServer } from '../src/server/start.js';
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

function seedStore(file: string): SeedStats {
  const store = openStore(file);
  try {
    const stats = seedHistory(store, {
      endpoints: names,
      start: NOW - DAYS * DAY,
      end: NOW,
      wakesPerDay: WAKES_PER_DAY,
      metricsFor: 35 * DAY,
    });
    store.meta.set(META.lastPollAt, String(NOW), NOW);
    return stats;
  } finally {
    store.close();
  }
}

async function timeReports(file: string, step: '1d' | undefined, runs: number): Promise<number[]> {
  const store = openStore(file);
  try {
    const clock = new VirtualClock(NOW);
    const deps = { store, config: benchConfig(), prices: tablePrices(store, clock), clock };
    const w = parseWindow({ since: `${DAYS}d`, ...(step ? { step } : {}) }, NOW);
    await buildReport(deps, w); // warm-up: statement compilation, price table load
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await buildReport(deps, w);
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    store.close();
  }
}

async function serveRss(file: string): Promise<{ rssMb: number; requests: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve-child', file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
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
    return { rssMb: Number(m[1]) / 1024 / 1024, requests };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}

async function serveChild(file: string): Promise<void> {
  const store = openStore(file);
  const clock = new VirtualClock(NOW);
  const app = createApp({ store, config: benchConfig(), clock, prices: tablePrices(store, clock) });
  const running = await startServer(app, { host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
  const stop = async (): Promise<void> => {
    await running.close();
    store.close();
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

export async function runReportBench(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-bench-report-'));
  const file = path.join(dir, 'bench.db');
  try {
    const t0 = performance.now();
    const stats = seedStore(file);
    const seedMs = performance.now() - t0;
    const summary = await timeReports(file, undefined, 7);
    const daily = await timeReports(file, '1d', 7);
    const serve = await serveRss(file);
    const ok = (v: number, limit: number): string => (v < limit ? 'pass' : '**FAIL**');
    return [
      '## Cost report',
      '',
      `Store: ${ENDPOINTS} endpoints x ${DAYS} days, ${stats.transitions.toLocaleString('en-US')} instance transitions (~${WAKES_PER_DAY} wakes per endpoint per day), ` +
        `${stats.probes.toLocaleString('en-US')} cold probes, ${stats.metricPoints.toLocaleString('en-US')} metric points (last 35 days, around wakes); seeded in ${(seedMs / 1000).toFixed(1)} s. ` +
        'Report times: median (min-max) of 7 runs after one warm-up, in process.',
      '',
      '| case | result | target | |',
      '|---|---|---|---|',
      `| report, 90 d x 100 endpoints | ${ms(median(summary))} (${ms(Math.min(...summary))}-${ms(Math.max(...summary))}) | < 200 ms | ${ok(median(summary), 200)} |`,
      `| report with step=1d series, 90 d x 100 endpoints | ${ms(median(daily))} (${ms(Math.min(...daily))}-${ms(Math.max(...daily))}) | < 200 ms | ${ok(median(daily), 200)} |`,
      `| serve, 100 endpoints: RSS after startup and ${serve.requests} requests (incl. 90 d CSV, /metrics) | ${serve.rssMb.toFixed(1)} MB | < 150 MB | ${ok(serve.rssMb, 150)} |`,
      '',
      'The serve process runs from TypeScript through tsx (the compiled build carries no transpiler and uses less).',
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--serve-child') {
    await serveChild(process.argv[3] ?? '');
  } else {
    process.stdout.write(await runReportBench());
  }
}
