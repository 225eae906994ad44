// Policy benchmark at equal service: the shared traces under each built-in policy, every endpoint
// given the capacity its traffic needs (bench/capacity.ts), against an always-on fleet that serves the
// trace within the objective, the deadline optimum and the zero-wait oracle; plus the simulator's own
// speed, measured on a separately labelled stress configuration. Run through `npm run bench`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoot } from '../src/cloud/sim/boot.js';
import { typicalBootSeconds } from '../src/cloud/sim/boot.js';
import { formatSeconds } from '../src/simulate/format.js';
import { oracleCost } from '../src/simulate/oracle.js';
import { alwaysOnPolicy, presetPolicy, type Policy } from '../src/simulate/policies.js';
import { replay, type ReplayResult } from '../src/simulate/replay.js';
import { p95WithUnserved } from '../src/simulate/select.js';
import { concat, geometricMean } from '../src/simulate/stats.js';
import { hourlyPrice } from '../src/simulate/prices.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from '../src/simulate/runner.js';
import { simulate, type SimulationReport } from '../src/simulate/simulate.js';
import {
  endpointDuration,
  loadTrace,
  type Trace,
  type TraceEndpoint,
  type TraceFormat,
} from '../src/simulate/traces/index.js';
import { sizeEndpoint } from './capacity.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRACES = path.resolve(ROOT, '..', 'shared', 'data', 'traces');

/** ServeGen clients above this many requests (14 days of m-small) are busy around the clock. */
const SERVEGEN_MAX_REQUESTS = 1_000_000;
/**
 * The objective every policy is held to: each request's result within 15 minutes of its arrival
 * (the tuner's default `p95TimeToResultSeconds`), none expired.
 */
export const DEADLINE_SECONDS = 900;
/**
 * An endpoint that needs more than this many ml.g5.12xlarge instances always on to meet the deadline
 * is busy around the clock: not a scale-to-zero workload, and a fleet that size is not what async GPU
 * endpoints are. Such endpoints are counted and left out of the comparison.
 */
export const MAX_FLEET = 16;

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
    selection:
      'all 500 functions, 8 hours; 10 s service time per request (an image from a diffusion model, or about 250 ' +
      'tokens from a 40B model on ml.g5.12xlarge)',
    pick: (t) => t.endpoints,
  },
  {
    name: 'ServeGen clients',
    file: path.join(TRACES, 'servegen'),
    format: 'servegen',
    selection:
      `every client with at most ${SERVEGEN_MAX_REQUESTS.toLocaleString('en-US')} requests: all of reason/deepseek-r1 and ` +
      'multimodal/mm-image (1 day) and the m-small clients under that size (14 days); the other m-small clients ' +
      '(1.4 billion requests, busy around the clock) are left out; 10 s service time per request, as above',
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

const POLICY_NAMES = ['always-on', 'blog', 'aws-recommended'] as const;
type PolicyName = (typeof POLICY_NAMES)[number];

function policyFor(name: PolicyName, alwaysOn: number, maxCapacity: number): Policy {
  if (name === 'always-on') return alwaysOnPolicy(alwaysOn);
  const p = presetPolicy(name);
  if (p.kind !== 'scaling') throw new Error('internal: presets are scaling policies');
  return { ...p, scaling: { ...p.scaling, maxCapacity } };
}

/** One endpoint under one policy, with the endpoint's references. */
export interface EndpointRow {
  id: string;
  run: ReplayResult;
  /** Requests finished within DEADLINE_SECONDS. */
  withinDeadline: number;
  /** p95 over every request (unserved = infinite) <= the deadline and nothing unserved. */
  meetsObjective: boolean;
  costUsd: number;
  afterLastArrivalUsd: number;
  optimumUsd: number;
  oracleUsd: number;
  /** The always-on run of the same endpoint served more requests: not an equal-service comparison. */
  servesLess: boolean;
  alwaysOnUsd: number;
}

/** The simulator's options whose values are assumptions (docs/SIMULATOR.md), and their alternatives. */
export const VARIANTS: { name: string; options?: SimulationSettings['simOptions'] }[] = [
  {
    name: 'defaults (metric delay 60 s, alarms evaluated 30 s after the minute, 1 sample/min, proportional scale-in, wake repeats while booting)',
  },
  { name: 'metric delay 10 s (before issue 13)', options: { metricDelaySeconds: 10 } },
  { name: 'metric delay 120 s', options: { metricDelaySeconds: 120 } },
  // The extremes of the evaluation second (src/cloud/sim/engine.ts clamps it to [1, 59]): each
  // alarm sees the same datapoints 29 s sooner or later than at the default.
  { name: 'alarms evaluated 1 s after the minute', options: { alarmEvaluationOffsetSeconds: 1 } },
  { name: 'alarms evaluated 59 s after the minute', options: { alarmEvaluationOffsetSeconds: 59 } },
  { name: '6 metric samples per minute', options: { metricSamplesPerMinute: 6 } },
  { name: 'scale-in at most 10% per activity (before issue 13)', options: { scaleInDamping: 'ten-percent' } },
  { name: 'no repeated wake while booting', options: { backlogWithoutCapacityWhileBooting: false } },
];

export interface SensitivityRow {
  traceSet: string;
  variant: string;
  costUsd: number;
  /** cost / the defaults' cost. */
  toDefault: number | null;
  meeting: number;
  endpoints: number;
  p95: number;
  launches: number;
  coldStarts: number;
}

export interface PolicyRow {
  traceSet: string;
  policy: PolicyName;
  endpoints: EndpointRow[];
  /** Wall and CPU time of the replays. */
  wallSeconds: number;
  cpuSeconds: number;
}

export interface SpeedRow {
  traceSet: string;
  policy: string;
  report: SimulationReport;
  /** CPU time (user + system) of the whole simulate() call: on a shared machine, what one core did. */
  cpuSeconds: number;
}

export interface PolicyBenchmark {
  settings: SimulationSettings;
  pricePerHourUsd: number;
  traceSets: {
    set: TraceSet;
    endpoints: number;
    requests: number;
    parseSeconds: number;
    /** Endpoints left out: they need more than MAX_FLEET instances always on. */
    tooBusy: number;
    tooBusyRequests: number;
    /** Endpoints without a request. */
    empty: number;
    /** Deadline optima that are a lower bound rather than exact. */
    boundOnly: number;
  }[];
  rows: PolicyRow[];
  speed: SpeedRow[];
  sensitivity: SensitivityRow[];
  /** Parsing plus the first policy on the 500 Azure functions, from a cold start of the process. */
  azure500FirstRunSeconds: number;
}

export interface PolicyBenchmarkOptions {
  /**
   * Only what the sensitivity table needs (`tsx bench/run.ts --sensitivity`): no speed runs and, of
   * the policies, only aws-recommended (its defaults run is the table's first row per trace set); the
   * policy and speed tables of such a run are incomplete and not written.
   */
  sensitivityOnly?: boolean;
}

export async function runPolicyBenchmark(
  log: (line: string) => void,
  opts: PolicyBenchmarkOptions = {},
): Promise<PolicyBenchmark> {
  const settings: SimulationSettings = { ...DEFAULT_SETTINGS, boot: defaultBoot(480) };
  const price = hourlyPrice(settings.instanceType, settings.region)?.usdPerHour;
  if (price === undefined) throw new Error(`no price for ${settings.instanceType} in the price table`);
  const boot = typicalBootSeconds(settings.boot);
  const usd = (seconds: number): number => (seconds / 3600) * price;
  const rows: PolicyRow[] = [];
  const speed: SpeedRow[] = [];
  const sensitivity: SensitivityRow[] = [];
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

    // Simulator speed on the stress configuration (every endpoint at maxCapacity 2, always-on 1,
    // saturated): a measure of the engine, not a policy comparison.
    const stress = opts.sensitivityOnly
      ? []
      : [alwaysOnPolicy(1), presetPolicy('blog'), presetPolicy('aws-recommended')];
    for (const policy of stress) {
      const cpu0 = process.cpuUsage();
      const report = await simulate(trace, endpoints, {
        settings,
        policy,
        pricePerHourUsd: price,
        alwaysOnInstances: 1,
        deadlineSeconds: DEADLINE_SECONDS,
        wallClockMs: () => performance.now(),
      });
      if (set.format === 'azure-functions' && Number.isNaN(azure500FirstRunSeconds)) {
        azure500FirstRunSeconds = (performance.now() - started) / 1000;
      }
      const cpu = process.cpuUsage(cpu0);
      speed.push({
        traceSet: set.name,
        policy: policy.name,
        report,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    }

    // Equal service: size every endpoint, then replay each policy at that size.
    const sized: {
      te: TraceEndpoint;
      service: Float64Array;
      alwaysOn: number;
      maxCapacity: number;
      optimumUsd: number;
      oracleUsd: number;
    }[] = [];
    let tooBusy = 0;
    let tooBusyRequests = 0;
    let empty = 0;
    let boundOnly = 0;
    for (const te of endpoints) {
      if (te.arrivals.length === 0) {
        empty++;
        continue;
      }
      const service = te.service ?? new Float64Array(te.arrivals.length).fill(settings.defaultServiceSeconds);
      const cap = sizeEndpoint(te.arrivals, service, boot, settings.concurrency, DEADLINE_SECONDS, MAX_FLEET);
      if (cap.alwaysOn === undefined) {
        tooBusy++;
        tooBusyRequests += te.arrivals.length;
        continue;
      }
      if (!cap.optimum.exact) boundOnly++;
      const oracle = oracleCost(te.arrivals, service, boot, settings.concurrency, Infinity);
      sized.push({
        te,
        service,
        alwaysOn: cap.alwaysOn,
        maxCapacity: cap.maxCapacity,
        optimumUsd: usd(cap.optimum.instanceSeconds),
        oracleUsd: usd(oracle.instanceSeconds),
      });
    }
    traceSets.push({
      set,
      endpoints: endpoints.length,
      requests,
      parseSeconds,
      tooBusy,
      tooBusyRequests,
      empty,
      boundOnly,
    });
    log(
      `${set.name}: ${endpoints.length} endpoints, ${requests} requests, parsed and sampled in ${parseSeconds.toFixed(2)} s; ` +
        `${sized.length} compared, ${tooBusy} need more than ${MAX_FLEET} instances always on, ${empty} without requests`,
    );
    const byPolicy = new Map<PolicyName, EndpointRow[]>();
    for (const name of opts.sensitivityOnly ? (['aws-recommended'] as const) : POLICY_NAMES) {
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const list: EndpointRow[] = [];
      for (const x of sized) {
        const run = await replay(
          policyFor(name, x.alwaysOn, x.maxCapacity),
          {
            startMs: settings.dayStart + trace.startOfDaySeconds * 1000,
            durationSeconds: endpointDuration(trace, x.te),
            arrivals: x.te.arrivals,
            service: x.service,
          },
          settings,
        );
        let within = 0;
        for (let i = 0; i < run.ttr.length; i++) if ((run.ttr[i] as number) <= DEADLINE_SECONDS) within++;
        list.push({
          id: x.te.id,
          run,
          withinDeadline: within,
          meetsObjective: run.unserved === 0 && run.p95Seconds <= DEADLINE_SECONDS,
          costUsd: usd(run.instanceSeconds),
          afterLastArrivalUsd: usd(run.afterLastArrivalSeconds),
          optimumUsd: x.optimumUsd,
          oracleUsd: x.oracleUsd,
          servesLess: false,
          alwaysOnUsd: 0,
        });
      }
      byPolicy.set(name, list);
      const cpu = process.cpuUsage(cpu0);
      rows.push({
        traceSet: set.name,
        policy: name,
        endpoints: list,
        wallSeconds: (performance.now() - wall0) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    }
    const always = byPolicy.get('always-on') ?? [];
    for (const list of always.length > 0 ? byPolicy.values() : []) {
      list.forEach((r, i) => {
        const a = always[i] as EndpointRow;
        r.alwaysOnUsd = a.costUsd;
        r.servesLess = r.run.completed < a.run.completed || r.withinDeadline < a.withinDeadline;
      });
    }
    // Sensitivity: aws-recommended again under each simulator option's alternative (docs/SIMULATOR.md).
    const base = byPolicy.get('aws-recommended') ?? [];
    for (const v of VARIANTS) {
      const list: EndpointRow[] = [];
      for (const [i, x] of sized.entries()) {
        const run =
          v.options === undefined
            ? (base[i] as EndpointRow).run
            : await replay(
                policyFor('aws-recommended', x.alwaysOn, x.maxCapacity),
                {
                  startMs: settings.dayStart + trace.startOfDaySeconds * 1000,
                  durationSeconds: endpointDuration(trace, x.te),
                  arrivals: x.te.arrivals,
                  service: x.service,
                },
                { ...settings, simOptions: v.options },
              );
        list.push({
          ...(base[i] as EndpointRow),
          run,
          meetsObjective: run.unserved === 0 && run.p95Seconds <= DEADLINE_SECONDS,
          costUsd: usd(run.instanceSeconds),
        });
      }
      const cost = list.reduce((a, r) => a + r.costUsd, 0);
      const baseCost = base.reduce((a, r) => a + r.costUsd, 0);
      const requestsAll = list.reduce((a, r) => a + r.run.requests, 0);
      sensitivity.push({
        traceSet: set.name,
        variant: v.name,
        costUsd: cost,
        toDefault: baseCost > 0 ? cost / baseCost : null,
        meeting: list.filter((r) => r.meetsObjective).length,
        endpoints: list.length,
        p95: p95WithUnserved(concat(list.map((r) => r.run.ttr)), requestsAll),
        launches: list.reduce((a, r) => a + r.run.launches, 0),
        coldStarts: list.reduce((a, r) => a + r.run.coldStarts, 0),
      });
      log(
        `  sensitivity: ${v.name}: cost ${money(cost)}, x defaults ${ratio(baseCost > 0 ? cost / baseCost : null)}`,
      );
    }
    // Without always-on the rows' ratios would divide by nothing.
    for (const r of opts.sensitivityOnly ? [] : rows.filter((x) => x.traceSet === set.name)) {
      const s = summarizeRow(r);
      log(
        `  ${r.policy.padEnd(16)} cost ${money(s.cost)}, served ${s.servedPercent.toFixed(2)}%, ${s.meeting}/${r.endpoints.length} meet the objective, ` +
          `x always-on ${ratio(s.toAlwaysOn)}, x optimum ${ratio(s.toOptimum)} (replays ${r.wallSeconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s)`,
      );
    }
  }
  return { settings, pricePerHourUsd: price, traceSets, rows, speed, sensitivity, azure500FirstRunSeconds };
}

function money(x: number): string {
  return `$${Math.round(x).toLocaleString('en-US')}`;
}

function ratio(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

function pct(x: number): string {
  return `${x >= 99.995 && x < 100 ? x.toFixed(3) : x.toFixed(2)}%`;
}

export interface RowSummary {
  cost: number;
  tail: number;
  requests: number;
  servedPercent: number;
  withinPercent: number;
  /** Endpoints meeting the objective. */
  meeting: number;
  /** Endpoints that served less than always-on (kept out of the ratios). */
  servesLess: number;
  /** Pooled over every request of the row, unserved ranked as infinite. */
  p95: number;
  /** Geometric means over endpoints at equal service (not servesLess) meeting the objective. */
  toAlwaysOn: number | null;
  toOptimum: number | null;
  toOracle: number | null;
}

export function summarizeRow(r: PolicyRow): RowSummary {
  const e = r.endpoints;
  const requests = e.reduce((a, x) => a + x.run.requests, 0);
  const completed = e.reduce((a, x) => a + x.run.completed, 0);
  const within = e.reduce((a, x) => a + x.withinDeadline, 0);
  const fair = e.filter((x) => !x.servesLess && x.meetsObjective);
  const geo = (f: (x: EndpointRow) => number): number | null => geometricMean(fair.map(f)) ?? null;
  return {
    cost: e.reduce((a, x) => a + x.costUsd, 0),
    tail: e.reduce((a, x) => a + x.afterLastArrivalUsd, 0),
    requests,
    servedPercent: requests > 0 ? (completed / requests) * 100 : 100,
    withinPercent: requests > 0 ? (within / requests) * 100 : 100,
    meeting: e.filter((x) => x.meetsObjective).length,
    servesLess: e.filter((x) => x.servesLess).length,
    p95: p95WithUnserved(concat(e.map((x) => x.run.ttr)), requests),
    toAlwaysOn: geo((x) => x.costUsd / x.alwaysOnUsd),
    toOptimum: geo((x) => x.costUsd / x.optimumUsd),
    toOracle: geo((x) => x.costUsd / x.oracleUsd),
  };
}

/** Markdown tables of the benchmark. */
export function policyTables(b: PolicyBenchmark): string[] {
  const lines: string[] = [];
  lines.push(
    '| trace set | policy | endpoints | served | within 15 min | endpoints meeting the objective | p95 time to result (all requests) | cost | of which after the last arrival | ÷ always-on | ÷ deadline optimum | ÷ zero-wait oracle | endpoints serving less than always-on |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of b.rows) {
    const s = summarizeRow(r);
    lines.push(
      `| ${r.traceSet} | ${r.policy} | ${r.endpoints.length} | ${pct(s.servedPercent)} | ${pct(s.withinPercent)} | ${s.meeting} | ` +
        `${s.p95 === Infinity ? 'unserved' : formatSeconds(s.p95)} | ${money(s.cost)} | ${money(s.tail)} | ${ratio(s.toAlwaysOn)} | ` +
        `${ratio(s.toOptimum)} | ${ratio(s.toOracle)} | ${s.servesLess} |`,
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
  for (const r of b.speed) {
    const s = r.report.speed;
    lines.push(
      `| ${r.traceSet} | ${r.policy} | ${s.simulatedRequests} | ${s.simulationSeconds.toFixed(2)} s | ${Math.round(s.requestsPerSecond).toLocaleString('en-US')} | ` +
        `${s.events} | ${Math.round(s.eventsPerSecond).toLocaleString('en-US')} | ${s.wallSeconds.toFixed(2)} s | ${r.cpuSeconds.toFixed(2)} s | ` +
        `${Math.round(s.simulatedRequests / r.cpuSeconds).toLocaleString('en-US')} |`,
    );
  }
  return lines;
}

/** Markdown: aws-recommended under each alternative of the simulator's assumed options. */
export function sensitivityTable(b: PolicyBenchmark): string[] {
  const lines: string[] = [];
  lines.push(
    '| trace set | simulator options | aws-recommended cost | ÷ defaults | endpoints meeting the objective | p95 time to result (all requests) | instances launched / wakes |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|');
  for (const r of b.sensitivity) {
    lines.push(
      `| ${r.traceSet} | ${r.variant} | ${money(r.costUsd)} | ${ratio(r.toDefault)} | ${r.meeting} / ${r.endpoints} | ` +
        `${r.p95 === Infinity ? 'unserved' : formatSeconds(r.p95)} | ${r.launches} / ${r.coldStarts} |`,
    );
  }
  return lines;
}
