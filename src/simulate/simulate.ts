// A whole simulation: every selected trace endpoint through the policy, with its cost, the always-on
// baseline, the oracle, and latency percentiles, per endpoint and in total.
import { typicalBootSeconds } from '../cloud/sim/boot.js';
import { oracleCost, type OracleResult } from './oracle.js';
import type { Policy } from './policies.js';
import { simulateEndpoint, type EndpointRun, type SimulationSettings } from './runner.js';
import { concat, geometricMean, percentiles, type Percentiles } from './stats.js';
import { endpointDuration, type Trace, type TraceEndpoint } from './traces/types.js';

export interface EndpointReport {
  id: string;
  requests: number;
  completed: number;
  expired: number;
  failed: number;
  stillQueued: number;
  instanceHours: number;
  costUsd: number;
  alwaysOnCostUsd: number;
  oracleCostUsd: number;
  /** cost / oracle; null when the oracle costs nothing (no requests). */
  costToOracle: number | null;
  /** Launches from zero instances (wake-ups) during the trace. */
  coldStarts: number;
  /** Scaling activities that raised / lowered the desired count (Application Auto Scaling's). */
  scaleOuts: number;
  scaleIns: number;
  /** Time to result of completed requests, seconds; null when none completed. */
  timeToResult: Percentiles | null;
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
  endpoints: EndpointReport[];
  total: Omit<EndpointReport, 'id' | 'costToOracle'> & {
    /** Geometric mean over endpoints with requests of cost / oracle. */
    costToOracleGeomean: number | null;
    /** Endpoints where some request expired or was still waiting at the end. */
    endpointsWithUnservedRequests: number;
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
  /** Wall-clock reader for the speed figures (the CLI passes performance.now). */
  wallClockMs?: () => number;
  /** Called after each endpoint, for progress output. */
  onEndpoint?: (run: EndpointRun, index: number, total: number) => void;
}

function serviceFor(te: TraceEndpoint, defaultSeconds: number): ArrayLike<number> {
  return te.service ?? new Float64Array(te.arrivals.length).fill(defaultSeconds);
}

// The oracle depends on the trace, not on the policy: compute it once per endpoint and setting.
const oracleCache = new WeakMap<TraceEndpoint, Map<string, OracleResult>>();

function oracleFor(
  te: TraceEndpoint,
  defaultService: number,
  boot: number,
  concurrency: number,
  horizon: number,
): OracleResult {
  const key = `${defaultService}|${boot}|${concurrency}|${horizon}`;
  let byKey = oracleCache.get(te);
  if (!byKey) {
    byKey = new Map();
    oracleCache.set(te, byKey);
  }
  let r = byKey.get(key);
  if (!r) {
    r = oracleCost(te.arrivals, serviceFor(te, defaultService), boot, concurrency, horizon);
    byKey.set(key, r);
  }
  return r;
}

function ttrOrNull(values: ArrayLike<number>): Percentiles | null {
  return values.length === 0 ? null : percentiles(values);
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
    const run = await simulateEndpoint(trace, te, policy, settings);
    simulationMs += now() - runStarted;
    opts.onEndpoint?.(run, i, endpoints.length);
    events += run.events;
    requests += run.requests;
    ttrs.push(run.ttr);
    const duration = endpointDuration(trace, te);
    const oracle = oracleFor(te, settings.defaultServiceSeconds, boot, settings.concurrency, duration);
    const cost = (run.instanceSeconds / 3600) * price;
    const oracleUsd = (oracle.instanceSeconds / 3600) * price;
    reports.push({
      id: te.id,
      requests: run.requests,
      completed: run.completed,
      expired: run.expired,
      failed: run.failed,
      stillQueued: run.stillQueued,
      instanceHours: run.instanceSeconds / 3600,
      costUsd: cost,
      alwaysOnCostUsd: opts.alwaysOnInstances * (duration / 3600) * price,
      oracleCostUsd: oracleUsd,
      costToOracle: oracleUsd > 0 ? cost / oracleUsd : null,
      coldStarts: run.coldStarts,
      scaleOuts: run.scaleOuts,
      scaleIns: run.scaleIns,
      timeToResult: ttrOrNull(run.ttr),
    });
  }
  const wallSeconds = (now() - started) / 1000;
  const sum = (f: (r: EndpointReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  const ratios = reports
    .filter((r) => r.requests > 0 && r.costToOracle !== null)
    .map((r) => r.costToOracle as number);
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
    endpoints: reports,
    total: {
      requests,
      completed: sum((r) => r.completed),
      expired: sum((r) => r.expired),
      failed: sum((r) => r.failed),
      stillQueued: sum((r) => r.stillQueued),
      instanceHours: sum((r) => r.instanceHours),
      costUsd: sum((r) => r.costUsd),
      alwaysOnCostUsd: sum((r) => r.alwaysOnCostUsd),
      oracleCostUsd: sum((r) => r.oracleCostUsd),
      coldStarts: sum((r) => r.coldStarts),
      scaleOuts: sum((r) => r.scaleOuts),
      scaleIns: sum((r) => r.scaleIns),
      timeToResult: ttrOrNull(concat(ttrs)),
      costToOracleGeomean: geometricMean(ratios) ?? null,
      endpointsWithUnservedRequests: reports.filter((r) => r.expired + r.stillQueued > 0).length,
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
