// AWS calls per endpoint-hour of the daemon at fleet scale (issue 14): `serve` on the simulated cloud
// with 1, 10, 100 and 1,000 copies of the demo endpoint (same traffic each, probed every two hours),
// every controller running on the virtual clock. It counts every call the simulated region answers,
// by operation, over a steady-state window that starts once every endpoint is InService, and prints
// how long provisioning the fleet took in simulated time. On either store (bench/store-backend.ts):
// the calls must not depend on it.
//
//   npx tsx bench/api-calls.ts [--endpoints 1,10,100,1000] [--hours 24] [--hours-large 2]
//     [--backend sqlite|postgres] [--store-url postgres://...] [--json FILE]
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ApiCallObserver } from '../src/cloud/types.js';
import { loadConfig } from '../src/config/load.js';
import { startSimDaemon } from '../src/daemon/sim-daemon.js';
import { runningController } from '../src/daemon/controllers.js';
import { createLogger } from '../src/daemon/logger.js';
import { createSimRuntime } from '../src/daemon/sim-runtime.js';
import { Redactor } from '../src/secrets.js';
import type { Store } from '../src/store/index.js';
import { openPgStore } from '../src/store/pg/store.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import { fleetConfigYaml, fleetNames } from './fleet-config.js';
import { advanceSettled, countInFlight } from './in-flight.js';
import {
  BenchUsageError,
  openBenchBackend,
  parseBackend,
  runMain,
  sqliteBackend,
  type BenchBackend,
} from './store-backend.js';

const HOUR = 3600_000;
const LARGE_FLEET_CONCURRENCY = 50;

export interface ApiCallsRow {
  backend: BenchBackend['name'];
  endpoints: number;
  /** Simulated minutes from the daemon's start until every endpoint was InService. */
  provisionMinutes: number;
  hours: number;
  callsPerEndpointHour: number;
  describeEndpointPerEndpointHour: number;
  byOperation: [string, number][];
  /** Calls per endpoint-hour by the controller that made them (probe: all probes; other: none). */
  byController: [string, number][];
  wallSeconds: number;
}

async function openRunStore(backend: BenchBackend, location: string): Promise<Store> {
  if (backend.name === 'postgres') return openPgStore(location);
  const store = openSqliteStore(location);
  store.db.pragma('synchronous = OFF');
  return store;
}

export async function measureApiCalls(
  n: number,
  hours: number,
  backend: BenchBackend = sqliteBackend,
): Promise<ApiCallsRow> {
  const began = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-api-calls-'));
  let location: string | undefined;
  try {
    const file = path.join(dir, 'fleet.yaml');
    // 1,000 endpoints 10 at a time would take 100 creation times (about 18 simulated hours) before
    // the measurement starts: that fleet is provisioned 50 at a time (the simulated region does not
    // throttle), which changes nothing in the steady state measured.
    writeFileSync(
      file,
      fleetConfigYaml(n, 'fleet', n >= 1000 ? { provisionConcurrency: LARGE_FLEET_CONCURRENCY } : {}),
    );
    const config = loadConfig(file);
    location = await backend.location(dir, path.basename(config.storePath));
    const counted = countInFlight(await openRunStore(backend, location));
    const store = counted.store;
    // Nothing is counted until the window is set (empty until then).
    const window = { from: Infinity, to: -Infinity };
    const counts = new Map<string, number>();
    const byController = new Map<string, number>();
    const observe = (clock: { now(): number }): ApiCallObserver => ({
      onCall(call) {
        const t = clock.now();
        if (t < window.from || t >= window.to) return;
        counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
        const controller = (runningController() ?? 'other').replace(/:.*/, '');
        byController.set(controller, (byController.get(controller) ?? 0) + 1);
      },
    });
    const sim = await createSimRuntime(config, store, observe, Date.UTC(2026, 2, 10, 12, 0, 0));
    const daemon = await startSimDaemon(sim, {
      config,
      store,
      log: createLogger(new Redactor(), new Writable({ write: (_c, _e, done) => done() }), 'warn'),
    });
    const start = sim.clock.now();
    const names = fleetNames(n);
    const inService = (): boolean =>
      names.every((name) => sim.engine.endpoints.get(name)?.status === 'InService');
    while (!inService()) {
      if (sim.clock.now() - start > 48 * HOUR)
        throw new Error(`${n} endpoints not InService after 48 simulated hours`);
      await advanceSettled(sim.clock, 60_000, counted);
    }
    const provisionMinutes = (sim.clock.now() - start) / 60_000;
    // Steady state from the next round hour: the first reconcile, backfill and the first telemetry
    // poll after creation are provisioning's, not the running cost.
    const from = Math.ceil(sim.clock.now() / HOUR) * HOUR + HOUR;
    window.from = from;
    window.to = from + hours * HOUR;
    // A minute at a time, letting every controller started by that minute's schedules run to its
    // next wait on the virtual clock, as in the live daemon (bigger steps skip runs that overlap);
    // on PostgreSQL that includes its store round trips (see in-flight.ts).
    while (sim.clock.now() < window.to) {
      await advanceSettled(sim.clock, 60_000, counted);
    }
    await daemon.stop();
    await store.close();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const endpointHours = n * hours;
    return {
      backend: backend.name,
      endpoints: n,
      provisionMinutes,
      hours,
      callsPerEndpointHour: total / endpointHours,
      describeEndpointPerEndpointHour: (counts.get('DescribeEndpoint') ?? 0) / endpointHours,
      byOperation: perEndpointHour(counts, endpointHours),
      byController: perEndpointHour(byController, endpointHours),
      wallSeconds: (Date.now() - began) / 1000,
    };
  } finally {
    if (location !== undefined) await backend.release(location);
    rmSync(dir, { recursive: true, force: true });
  }
}

function perEndpointHour(counts: Map<string, number>, endpointHours: number): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, c]) => [k, c / endpointHours]);
}

export function apiCallsTable(rows: ApiCallsRow[]): string {
  const lines = [
    '| endpoints | provisioning (simulated min) | window (simulated h) | AWS calls per endpoint-hour | DescribeEndpoint per endpoint-hour | by controller | top operations | wall s |',
    '|---:|---:|---:|---:|---:|---|---|---:|',
  ];
  for (const r of rows) {
    const top = r.byOperation
      .slice(0, 5)
      .map(([op, v]) => `${op} ${v.toFixed(1)}`)
      .join(', ');
    const controllers = r.byController.map(([c, v]) => `${c} ${v.toFixed(1)}`).join(', ');
    lines.push(
      `| ${r.endpoints} | ${r.provisionMinutes.toFixed(0)} | ${r.hours} | ${r.callsPerEndpointHour.toFixed(1)} | ${r.describeEndpointPerEndpointHour.toFixed(1)} | ${controllers} | ${top} | ${r.wallSeconds.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

/** The fleet sizes `npm run bench` measures (BENCH_FLEET overrides, e.g. "10,100"). */
const DEFAULT_FLEET = '1,10,100,1000';

export async function runApiCallsBench(
  log: (line: string) => void,
  fleet = process.env.BENCH_FLEET ?? DEFAULT_FLEET,
  hours = 24,
  hoursLarge = 2,
  backend: BenchBackend = sqliteBackend,
  onRow: (row: ApiCallsRow) => void = () => undefined,
): Promise<string[]> {
  const rows: ApiCallsRow[] = [];
  for (const n of fleet.split(',').map(Number)) {
    const row = await measureApiCalls(n, n >= 1000 ? hoursLarge : hours, backend);
    rows.push(row);
    onRow(row);
    log(`api calls (${backend.name}): ${apiCallsTable([row]).split('\n').at(-1)}`);
  }
  const section = apiCallsSection(rows);
  return backend.name === 'sqlite' ? section : [...section, '', `Store: ${backend.describe}.`];
}

export function apiCallsSection(rows: ApiCallsRow[]): string[] {
  return [
    "## The daemon's AWS calls at fleet scale",
    '',
    '`serve` on the simulated cloud with N copies of the demo endpoint (Falcon-40B on ml.g5.12xlarge, aws-recommended, ' +
      'the same demo trace each from 08:00 to 16:00 UTC, a probe every two hours), every controller running on the ' +
      'virtual clock a minute at a time (bench/api-calls.ts). Calls are counted as the simulated region answers them, ' +
      'over a window that starts on the round hour an hour after every endpoint is InService; 1,000 endpoints are ' +
      'measured over a shorter window (the traffic hours, so the busiest). Goals (issue 14): at most 70 calls per ' +
      'endpoint-hour at 10 endpoints and 40 at 100. Provisioning is `daemon.provisionConcurrency` at a time: the default 10, ' +
      `and ${LARGE_FLEET_CONCURRENCY} for 1,000 endpoints (which would otherwise take about 18 simulated hours before the window).`,
    '',
    apiCallsTable(rows),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: DEFAULT_FLEET },
      hours: { type: 'string', default: '24' },
      'hours-large': { type: 'string', default: '2' },
      backend: { type: 'string', default: 'sqlite' },
      'store-url': { type: 'string' },
      /** Appends each row as a JSON line (every operation's count, for comparing runs exactly). */
      json: { type: 'string' },
    },
  });
  const fleet = values.endpoints.split(',');
  if (fleet.some((x) => !/^[1-9]\d*$/.test(x)))
    throw new BenchUsageError(`--endpoints: expected fleet sizes like 1,10,100, got "${values.endpoints}"`);
  const hours = positive('--hours', values.hours);
  const hoursLarge = positive('--hours-large', values['hours-large']);
  const backend = await openBenchBackend(
    parseBackend(values.backend, values['store-url']),
    values['store-url'],
  );
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const json = values.json;
  try {
    const section = await runApiCallsBench(log, values.endpoints, hours, hoursLarge, backend, (row) => {
      if (json) appendFileSync(json, `${JSON.stringify(row)}\n`);
    });
    log(`\n${section.join('\n')}`);
  } finally {
    await backend.close();
  }
}

function positive(flag: string, value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isInteger(x))
    throw new BenchUsageError(`${flag}: expected a whole number of hours, got "${value}"`);
  return x;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await runMain(main);
}
