// Where the cost report's store time goes: each read the report makes, for all 100 endpoints of the
// report benchmark's store (bench/report.ts), one endpoint after another, timed as this process's CPU
// and, on a throwaway PostgreSQL cluster on this machine, the server's CPU too (the postgres
// processes' user + system time from /proc). Per-endpoint argument lists come from one real report.
// Then whole reports the same way, with the number of statements one report sends (PostgreSQL).
// On PostgreSQL the metric reads answer from this process's memo after their first call (src/store/
// pg/range-memo.ts), as serve's do: their rows and the statement count are those of a warm memo.
//
//   npx tsx bench/report-reads.ts [--backend sqlite|postgres] [--repeats 10]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { VirtualClock } from '../src/clock.js';
import { buildReport } from '../src/cost/report.js';
import { parseWindow } from '../src/cost/window.js';
import { openStore, type Store } from '../src/store/index.js';
import { tablePrices } from '../test/report/helpers.js';
import { benchConfig, DAYS, names, NOW, seedStore } from './report.js';
import { BenchUsageError, openBenchBackend, parseBackend, runMain } from './store-backend.js';

/** CPU ms of every process named postgres this user can read (Linux; 0 elsewhere). */
function serverCpuMs(): number {
  let ticks = 0;
  let dirs: string[] = [];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const d of dirs) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15 of proc(5))
    } catch {
      // the process ended
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

type Read = (endpoint: string) => Promise<unknown>;

/** Each read of the report, with the arguments one real report gave it per endpoint. */
function reportDeps(store: Store) {
  const clock = new VirtualClock(NOW);
  return { store, config: benchConfig(), prices: tablePrices(store, clock), clock };
}
const reportWindow = () => parseWindow({ since: `${DAYS}d` }, NOW);

/** Statements one report sends through pg (PostgreSQL; 0 on SQLite). */
async function statementsPerReport(store: Store): Promise<number> {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const query = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...a: unknown[]) {
    n++;
    return query.apply(this, a);
  };
  try {
    await buildReport(reportDeps(store), reportWindow());
  } finally {
    proto.query = query;
  }
  return n;
}

async function recordReads(store: Store): Promise<Record<string, Read>> {
  const calls = new Map<string, Map<string, unknown[]>>();
  const spy = <T extends object>(repo: T, method: keyof T & string) => {
    const fn = repo[method] as (...a: unknown[]) => Promise<unknown>;
    const byEndpoint = new Map<string, unknown[]>();
    calls.set(method, byEndpoint);
    (repo as Record<string, unknown>)[method] = (...a: unknown[]) => {
      byEndpoint.set(a[0] as string, a);
      return fn.apply(repo, a);
    };
    return (endpoint: string) => {
      const a = byEndpoint.get(endpoint);
      return a ? fn.apply(repo, a) : Promise.resolve(undefined);
    };
  };
  const reads: Record<string, Read> = {
    'instances.window': spy(store.instances, 'window'),
    'instances.lives': spy(store.instances, 'lives'),
    'probes.coldBetween': spy(store.probes, 'coldBetween'),
    'metrics.positivePoints': spy(store.metrics, 'positivePoints'),
    'metrics.aggregate': spy(store.metrics, 'aggregate'),
  };
  await buildReport(reportDeps(store), reportWindow());
  return reads;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { backend: { type: 'string', default: 'sqlite' }, repeats: { type: 'string', default: '10' } },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new BenchUsageError(`--repeats: expected a whole number, got "${values.repeats}"`);
  const backend = await openBenchBackend(parseBackend(values.backend, undefined));
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-bench-reads-'));
  let location: string | undefined;
  try {
    location = await backend.location(dir, 'bench.db');
    await seedStore(location);
    await backend.settle(location);
    const store = await openStore(location);
    try {
      const reads = await recordReads(store);
      const server = backend.name === 'postgres';
      console.log(`## Report reads (${backend.describe}), per 100 endpoints, mean of ${repeats}\n`);
      if (server)
        console.log(
          'The metric reads (aggregate, positivePoints) answer from the memo of range answers after their first call, as in serve.\n',
        );
      console.log(`| read | wall ms | this process CPU ms |${server ? ' server CPU ms |' : ''}`);
      console.log(`|---|---:|---:|${server ? '---:|' : ''}`);
      for (const [name, read] of Object.entries(reads)) {
        for (const e of names) await read(e); // warm: prepared statements, caches
        const s0 = serverCpuMs();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < repeats; i++) for (const e of names) await read(e);
        const wall = (performance.now() - t0) / repeats;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1000 / repeats;
        const srv = (serverCpuMs() - s0) / repeats;
        console.log(
          `| ${name} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} |${server ? ` ${srv.toFixed(0)} |` : ''}`,
        );
      }
      // The whole report, endpoints read concurrently as serve does.
      // After the rows above: the metric reads' answers are in the memo (PostgreSQL).
      const statements = await statementsPerReport(store);
      const s0 = serverCpuMs();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < repeats; i++) await buildReport(reportDeps(store), reportWindow());
      const wall = (performance.now() - t0) / repeats;
      const c = process.cpuUsage(c0);
      const srv = (serverCpuMs() - s0) / repeats;
      console.log(
        `| whole report${server ? ` (${statements} statements)` : ''} | ${wall.toFixed(0)} | ${((c.user + c.system) / 1000 / repeats).toFixed(0)} |${server ? ` ${srv.toFixed(0)} |` : ''}`,
      );
    } finally {
      await store.close();
    }
  } finally {
    if (location !== undefined) await backend.release(location);
    rmSync(dir, { recursive: true, force: true });
    await backend.close();
  }
}

await runMain(main);
