// A whole simulation: every selected trace endpoint through the policy (a drained replay, see
// replay.ts), with its cost, the always-on reference, the two references a cost is measured against
// (the zero-wait oracle and the deadline optimum), and latency percentiles, per endpoint and in total.
import { typicalBootSeconds } from '../cloud/sim/boot.js';
import { deadlineOptimum } from './deadline.js';
import { oracleCost } from './oracle.js';
import type { Policy } from './policies.js';
import { replay, type ReplayResult } from './replay.js';
import type { SimulationSettings } from './runner.js';
import { concat, geometricMean, percentiles, type Percentiles } from './stats.js';
import { endpointDuration, type Trace, type TraceEndpoint } from './traces/types.js';

export interface EndpointReport {
  id: string;
  requests: number;
  completed: number;
  expired: number;
  failed: number;
  /** completed / requests x 100 (100 without requests). */
  servedPercent: number;
  /** Requests that completed within the deadline (deadlineSeconds) of their arrival. */
  withinDeadline: number;
  instanceHours: number;
  /** Every billed instance-second, the drain after the window included. */
  costUsd: number;
  /** The part of costUsd billed after the last arrival. */
  afterLastArrivalUsd: number;
  /** The endpoint was back in its idle state when the run ended (false: stopped at the limit). */
  settled: boolean;
  /** `alwaysOnInstances` instances over the trace window; a formula, not a replay. */
  alwaysOnCostUsd: number;
  /** The zero-wait oracle (no request waits): a reference, not a floor for policies that queue. */
  oracleCostUsd: number;
  /** cost / oracle; null when the oracle costs nothing (no requests). */
  costToOracle: number | null;
  /** The deadline optimum: the cheapest schedule that serves every request within deadlineSeconds. */
  deadlineOptimumUsd: number;
  /** Whether deadlineOptimumUsd is the exact optimum (else a lower bound, see deadline.ts). */
  deadlineOptimumExact: boolean;
  /** Cost of the cheapest feasible schedule found: the optimum lies between this and deadlineOptimumUsd. */
  deadlineScheduleUsd: number;
  /**
   * cost / deadline optimum; null when the optimum costs nothing. A floor only for a policy that
   * served every request within the deadline (withinDeadline = requests): below 1 otherwise means
   * work was served late or not at all, not saved.
   */
  costToDeadlineOptimum: number | null;
  /** Launches from zero instances (wake-ups) during the trace. */
  coldStarts: number;
  /** Scaling activities that raised / lowered the desired count (Application Auto Scaling's). */
  scaleOuts: number;
  scaleIns: number;
  /** Time to result of completed requests, seconds; null when none completed. */
  timeToResult: Percentiles | null;
  /**
   * 95th percentile of time to result over every request, unserved ones ranked as infinite
   * (Infinity; JSON null when there were requests); 0 without requests.
   */
  p95AllSeconds: number;
}

export interface SimulationReport {
  trace: { file: string; format: string; endpoints: number; durationSeconds: number; requests: number };
  policy: string;
  instanceType: string;
  pricePerHourUsd: number;
  bootSeconds: number;
  concurrency: number;
  seed: number;
  alwaysOnInstances: number;
  /** D of the deadline optimum: every request completes within this many seconds of its arrival. */
  deadlineSeconds: number;
  endpoints: EndpointReport[];
  total: Omit<
    EndpointReport,
    'id' | 'costToOracle' | 'costToDeadlineOptimum' | 'settled' | 'deadlineOptimumExact' | 'p95AllSeconds'
  > & {
    /** Geometric mean over endpoints with requests of cost / oracle. */
    costToOracleGeomean: number | null;
    /**
     * Geometric mean of cost / deadline optimum over the endpoints with requests that served every
     * request within the deadline (the only ones for which the optimum is a floor); null when none.
     */
    costToDeadlineOptimumGeomean: number | null;
    /** Endpoints where some request expired or failed (or never finished). */
    endpointsWithUnservedRequests: number;
    /** Endpoints where some request finished later than the deadline or not at all. */
    endpointsMissingDeadline: number;
    /** Endpoints whose run stopped before the endpoint was idle again. */
    endpointsUnsettled: number;
    deadlineOptimumExact: boolean;
  };
  /**
   * wallSeconds covers the whole call; simulationSeconds only the simulated region (provisioning and
   * replay), which is what requestsPerSecond and eventsPerSecond divide by. Events are the engine's
   * heap events (completions, boots, expiries, minute ticks, alarm evaluations), not arrivals.
   */
  speed: {
    wallSeconds: number;
    simulationSeconds: number;
    simulatedRequests: number;
    events: number;
    requestsPerSecond: number;
    eventsPerSecond: number;
  };
}

export interface SimulateOptions {
  settings: SimulationSettings;
  policy: Policy;
  pricePerHourUsd: number;
  alwaysOnInstances: number;
  /** D of the deadline optimum (seconds). */
  deadlineSeconds: number;
  /** Wall-clock reader for the speed figures (the CLI passes performance.now). */
  wallClockMs?: () => number;
  /** Called after each endpoint, for progress output. */
  onEndpoint?: (run: ReplayResult, index: number, total: number) => void;
}

function serviceFor(te: TraceEndpoint, defaultSeconds: number): ArrayLike<number> {
  return te.service ?? new Float64Array(te.arrivals.length).fill(defaultSeconds);
}

interface References {
  oracleSeconds: number;
  deadlineSeconds: number;
  deadlineExact: boolean;
  deadlineScheduleSeconds: number;
}

// The references depend on the trace, not on the policy: compute them once per endpoint and setting.
const referenceCache = new WeakMap<TraceEndpoint, Map<string, References>>();

function referencesFor(
  te: TraceEndpoint,
  defaultService: number,
  boot: number,
  concurrency: number,
  deadline: number,
): References {
  const key = `${defaultService}|${boot}|${concurrency}|${deadline}`;
  let byKey = referenceCache.get(te);
  if (!byKey) {
    byKey = new Map();
    referenceCache.set(te, byKey);
  }
  let r = byKey.get(key);
  if (!r) {
    const service = serviceFor(te, defaultService);
    // No horizon: replays bill every request to its end, so the references do too.
    const oracle = oracleCost(te.arrivals, service, boot, concurrency, Infinity);
    const opt = deadlineOptimum(te.arrivals, service, boot, concurrency, deadline);
    r = {
      oracleSeconds: oracle.instanceSeconds,
      deadlineSeconds: opt.instanceSeconds,
      deadlineExact: opt.exact,
      deadlineScheduleSeconds: opt.upperBound,
    };
    byKey.set(key, r);
  }
  return r;
}

function ttrOrNull(values: ArrayLike<number>): Percentiles | null {
  return values.length === 0 ? null : percentiles(values);
}

function countAtMost(values: ArrayLike<number>, limit: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) <= limit) n++;
  return n;
}

export async function simulate(
  trace: Trace,
  endpoints: TraceEndpoint[],
  opts: SimulateOptions,
): Promise<SimulationReport> {
  const { settings, policy } = opts;
  const now = opts.wallClockMs ?? ((): number => 0);
  const price = opts.pricePerHourUsd;
  const boot = typicalBootSeconds(settings.boot);
  const started = now();
  const reports: EndpointReport[] = [];
  const ttrs: Float32Array[] = [];
  let events = 0;
  let requests = 0;
  let simulationMs = 0;
  for (let i = 0; i < endpoints.length; i++) {
    const te = endpoints[i] as TraceEndpoint;
    const runStarted = now();
    const duration = endpointDuration(trace, te);
    const run = await replay(
      policy,
      {
        startMs: settings.dayStart + trace.startOfDaySeconds * 1000,
        durationSeconds: duration,
        arrivals: te.arrivals,
        ...(te.service ? { service: te.service } : {}),
      },
      settings,
    );
    simulationMs += now() - runStarted;
    opts.onEndpoint?.(run, i, endpoints.length);
    events += run.events;
    requests += run.requests;
    ttrs.push(run.ttr);
    const refs = referencesFor(
      te,
      settings.defaultServiceSeconds,
      boot,
      settings.concurrency,
      opts.deadlineSeconds,
    );
    const usd = (seconds: number): number => (seconds / 3600) * price;
    const cost = usd(run.instanceSeconds);
    const oracleUsd = usd(refs.oracleSeconds);
    const optimumUsd = usd(refs.deadlineSeconds);
    reports.push({
      id: te.id,
      requests: run.requests,
      completed: run.completed,
      expired: run.expired,
      failed: run.failed,
      servedPercent: run.requests > 0 ? (run.completed / run.requests) * 100 : 100,
      withinDeadline: countAtMost(run.ttr, opts.deadlineSeconds),
      instanceHours: run.instanceSeconds / 3600,
      costUsd: cost,
      afterLastArrivalUsd: usd(run.afterLastArrivalSeconds),
      settled: run.settled,
      alwaysOnCostUsd: opts.alwaysOnInstances * (duration / 3600) * price,
      oracleCostUsd: oracleUsd,
      costToOracle: oracleUsd > 0 ? cost / oracleUsd : null,
      deadlineOptimumUsd: optimumUsd,
      deadlineOptimumExact: refs.deadlineExact,
      deadlineScheduleUsd: usd(refs.deadlineScheduleSeconds),
      costToDeadlineOptimum: optimumUsd > 0 ? cost / optimumUsd : null,
      coldStarts: run.coldStarts,
      scaleOuts: run.scaleOuts,
      scaleIns: run.scaleIns,
      timeToResult: ttrOrNull(run.ttr),
      p95AllSeconds: run.requests === 0 ? 0 : run.p95Seconds,
    });
  }
  const wallSeconds = (now() - started) / 1000;
  const sum = (f: (r: EndpointReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  const ratios = reports
    .filter((r) => r.requests > 0 && r.costToOracle !== null)
    .map((r) => r.costToOracle as number);
  const onTime = (r: EndpointReport): boolean => r.withinDeadline === r.requests;
  const floorRatios = reports
    .filter((r) => r.requests > 0 && r.costToDeadlineOptimum !== null && onTime(r))
    .map((r) => r.costToDeadlineOptimum as number);
  return {
    trace: {
      file: trace.file,
      format: trace.format,
      endpoints: endpoints.length,
      durationSeconds: trace.durationSeconds,
      requests,
    },
    policy: policy.name,
    instanceType: settings.instanceType,
    pricePerHourUsd: price,
    bootSeconds: boot,
    concurrency: settings.concurrency,
    seed: settings.seed,
    alwaysOnInstances: opts.alwaysOnInstances,
    deadlineSeconds: opts.deadlineSeconds,
    endpoints: reports,
    total: {
      requests,
      completed: sum((r) => r.completed),
      expired: sum((r) => r.expired),
      failed: sum((r) => r.failed),
      servedPercent: requests > 0 ? (sum((r) => r.completed) / requests) * 100 : 100,
      withinDeadline: sum((r) => r.withinDeadline),
      instanceHours: sum((r) => r.instanceHours),
      costUsd: sum((r) => r.costUsd),
      afterLastArrivalUsd: sum((r) => r.afterLastArrivalUsd),
      alwaysOnCostUsd: sum((r) => r.alwaysOnCostUsd),
      oracleCostUsd: sum((r) => r.oracleCostUsd),
      deadlineOptimumUsd: sum((r) => r.deadlineOptimumUsd),
      deadlineScheduleUsd: sum((r) => r.deadlineScheduleUsd),
      deadlineOptimumExact: reports.every((r) => r.deadlineOptimumExact),
      coldStarts: sum((r) => r.coldStarts),
      scaleOuts: sum((r) => r.scaleOuts),
      scaleIns: sum((r) => r.scaleIns),
      timeToResult: ttrOrNull(concat(ttrs)),
      costToOracleGeomean: geometricMean(ratios) ?? null,
      costToDeadlineOptimumGeomean: geometricMean(floorRatios) ?? null,
      endpointsWithUnservedRequests: reports.filter((r) => r.completed < r.requests).length,
      endpointsMissingDeadline: reports.filter((r) => !onTime(r)).length,
      endpointsUnsettled: reports.filter((r) => !r.settled).length,
    },
    speed: {
      wallSeconds,
      simulationSeconds: simulationMs / 1000,
      simulatedRequests: requests,
      events,
      requestsPerSecond: simulationMs > 0 ? (requests * 1000) / simulationMs : 0,
      eventsPerSecond: simulationMs > 0 ? (events * 1000) / simulationMs : 0,
    },
  };
}

/** Picks endpoints by exact id or a unique id prefix; all of them when `select` is undefined. */
export function selectEndpoints(trace: Trace, select: string | undefined): TraceEndpoint[] | string {
  if (select === undefined) return trace.endpoints;
  const exact = trace.endpoints.filter((e) => e.id === select);
  if (exact.length > 0) return exact;
  const prefixed = trace.endpoints.filter((e) => e.id.startsWith(select));
  if (prefixed.length === 1) return prefixed;
  if (prefixed.length > 1)
    return `--select ${select} matches ${prefixed.length} endpoints (${prefixed
      .slice(0, 3)
      .map((e) => e.id)
      .join(', ')}, ...); give more of the id`;
  const sample = trace.endpoints
    .slice(0, 3)
    .map((e) => e.id)
    .join(', ');
  return `--select ${select} matches no endpoint in ${trace.file} (ids look like: ${sample})`;
}
