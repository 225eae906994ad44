// Policy benchmark: the shared traces under each built-in policy, against the always-on baseline and
// the oracle, plus the simulator's own speed. Run through `npm run bench` (bench/run.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoot } from '../src/cloud/sim/boot.js';
import { formatSeconds } from '../src/simulate/format.js';
import { alwaysOnPolicy, presetPolicy, type Policy } from '../src/simulate/policies.js';
import { hourlyPrice } from '../src/simulate/prices.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from '../src/simulate/runner.js';
import { simulate, type SimulationReport } from '../src/simulate/simulate.js';
import { loadTrace, type Trace, type TraceEndpoint, type TraceFormat } from '../src/simulate/traces/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRACES = path.resolve(ROOT, '..', 'shared', 'data', 'traces');

/** ServeGen clients above this many requests (14 days of m-small) are busy around the clock. */
const SERVEGEN_MAX_REQUESTS = 1_000_000;

interface TraceSet {
  name: string;
  file: string;
  format: TraceFormat;
  /** Which endpoints of the file, and why, in words for RESULTS.md. */
  selection: string;
  pick: (t: Trace) => TraceEndpoint[];
}

export const TRACE_SETS: TraceSet[] = [
  {
    name: 'Azure Functions 2019, 500 functions',
    file: path.join(TRACES, 'azure-functions-2019', '500_invocations.csv'),
    format: 'azure-functions',
    selection: 'all 500 functions, 8 hours; 10 s service time per request',
    pick: (t) => t.endpoints,
  },
  {
    name: 'ServeGen clients',
    file: path.join(TRACES, 'servegen'),
    format: 'servegen',
    selection:
      `every client with at most ${SERVEGEN_MAX_REQUESTS.toLocaleString('en-US')} requests: all of reason/deepseek-r1 and ` +
      'multimodal/mm-image (1 day) and the m-small clients under that size (14 days); the other m-small clients ' +
      '(1.4 billion requests, busy around the clock) are left out; 10 s service time per request',
    pick: (t) => t.endpoints.filter((e) => e.expectedRequests <= SERVEGEN_MAX_REQUESTS),
  },
  {
    name: 'Azure LLM 2023, code',
    file: path.join(TRACES, 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv'),
    format: 'azure-llm',
    selection: 'one endpoint, 57 minutes; service time from token counts (40B model on ml.g5.12xlarge)',
    pick: (t) => t.endpoints,
  },
];

export const POLICIES: Policy[] = [alwaysOnPolicy(1), presetPolicy('blog'), presetPolicy('aws-recommended')];

export interface PolicyRow {
  traceSet: string;
  policy: string;
  report: SimulationReport;
  /** CPU time (user + system) of the whole simulate() call: on a shared machine, what one core did. */
  cpuSeconds: number;
}

export interface PolicyBenchmark {
  settings: SimulationSettings;
  pricePerHourUsd: number;
  traceSets: { set: TraceSet; endpoints: number; requests: number; parseSeconds: number }[];
  rows: PolicyRow[];
  /** Parsing plus the first policy on the 500 Azure functions, from a cold start of the process. */
  azure500FirstRunSeconds: number;
}

export async function runPolicyBenchmark(log: (line: string) => void): Promise<PolicyBenchmark> {
  const settings: SimulationSettings = { ...DEFAULT_SETTINGS, boot: defaultBoot(480) };
  const price = hourlyPrice(settings.instanceType, settings.region)?.usdPerHour;
  if (price === undefined) throw new Error(`no price for ${settings.instanceType} in the price table`);
  const rows: PolicyRow[] = [];
  const traceSets: PolicyBenchmark['traceSets'] = [];
  let azure500FirstRunSeconds = NaN;
  for (const set of TRACE_SETS) {
    const started = performance.now();
    const trace = await loadTrace(set.file, set.format, {
      seed: settings.seed,
      defaultServiceSeconds: settings.defaultServiceSeconds,
    });
    const endpoints = set.pick(trace);
    // Sampling is part of loading: draw the arrivals before the clock of the first policy starts.
    let requests = 0;
    for (const e of endpoints) requests += e.arrivals.length;
    const parseSeconds = (performance.now() - started) / 1000;
    traceSets.push({ set, endpoints: endpoints.length, requests, parseSeconds });
    log(
      `${set.name}: ${endpoints.length} endpoints, ${requests} requests, parsed and sampled in ${parseSeconds.toFixed(2)} s`,
    );
    for (const policy of POLICIES) {
      const cpu0 = process.cpuUsage();
      const report = await simulate(trace, endpoints, {
        settings,
        policy,
        pricePerHourUsd: price,
        alwaysOnInstances: 1,
        wallClockMs: () => performance.now(),
      });
      if (set.format === 'azure-functions' && Number.isNaN(azure500FirstRunSeconds)) {
        azure500FirstRunSeconds = (performance.now() - started) / 1000;
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      rows.push({ traceSet: set.name, policy: policy.name, report, cpuSeconds });
      log(
        `  ${policy.name.padEnd(16)} cost $${report.total.costUsd.toFixed(0)}, ${Math.round(report.speed.requestsPerSecond)} requests/s ` +
          `(simulation ${report.speed.simulationSeconds.toFixed(2)} s, whole run ${report.speed.wallSeconds.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s)`,
      );
    }
  }
  return { settings, pricePerHourUsd: price, traceSets, rows, azure500FirstRunSeconds };
}

function usd(x: number): string {
  return `$${Math.round(x).toLocaleString('en-US')}`;
}

/** Markdown tables of the benchmark. */
export function policyTables(b: PolicyBenchmark): string[] {
  const lines: string[] = [];
  lines.push(
    '| trace set | policy | cost | always-on baseline | oracle | cost / oracle (geomean) | p95 time to result | max time to result | completed | expired | still queued | endpoints with unserved requests |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of b.rows) {
    const t = r.report.total;
    lines.push(
      `| ${r.traceSet} | ${r.policy} | ${usd(t.costUsd)} | ${usd(t.alwaysOnCostUsd)} | ${usd(t.oracleCostUsd)} | ` +
        `${t.costToOracleGeomean === null ? '-' : t.costToOracleGeomean.toFixed(2)} | ${formatSeconds(t.timeToResult?.p95)} | ` +
        `${formatSeconds(t.timeToResult?.max)} | ${t.completed} | ${t.expired} | ${t.stillQueued} | ${t.endpointsWithUnservedRequests} / ${r.report.trace.endpoints} |`,
    );
  }
  return lines;
}

export function speedTable(b: PolicyBenchmark): string[] {
  const lines: string[] = [];
  lines.push(
    '| trace set | policy | simulated requests | simulation wall time | requests / s (wall) | engine events | events / s (wall) | whole run wall (+ oracle, stats) | whole run CPU | requests / CPU-second |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of b.rows) {
    const s = r.report.speed;
    lines.push(
      `| ${r.traceSet} | ${r.policy} | ${s.simulatedRequests} | ${s.simulationSeconds.toFixed(2)} s | ${Math.round(s.requestsPerSecond).toLocaleString('en-US')} | ` +
        `${s.events} | ${Math.round(s.eventsPerSecond).toLocaleString('en-US')} | ${s.wallSeconds.toFixed(2)} s | ${r.cpuSeconds.toFixed(2)} s | ` +
        `${Math.round(s.simulatedRequests / r.cpuSeconds).toLocaleString('en-US')} |`,
    );
  }
  return lines;
}
