// What an endpoint would have cost under sagezero's recommended policy: its traffic rebuilt from its
// own metrics, the policy chosen by the tuner (src/tune/tune.ts) on that traffic, then the whole window
// replayed through the simulated region under it, drained (every request billed to its end), with the
// deadline optimum of the same traffic beside it (src/simulate/deadline.ts).
import { Rng } from '../cloud/sim/rng.js';
import { resolveScaling, type ScalingConfig } from '../config/scaling-schema.js';
import type { TrafficWindow } from '../simulate/replay.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from '../simulate/runner.js';
import { spreadMinuteCounts } from '../simulate/traces/azure-functions.js';
import { estimateBoot } from '../tune/coldstart.js';
import { DEFAULT_TUNE_CONFIG, type Objective } from '../tune/config.js';
import { evaluate, windowContext } from '../tune/evaluate.js';
import { arrivalCounts } from '../tune/reconstruct.js';
import { tuneTraffic } from '../tune/tune.js';
import type { EndpointKind, EndpointMinutes, PriceFigure, RecommendationFigures } from './types.js';

export interface Reconstructed {
  /** Requests that arrived in each minute of [from, to). */
  counts: Uint32Array;
  requests: number;
  /** Mean processing seconds per request, weighted by requests; undefined when none were timed. */
  serviceSeconds: number | undefined;
}

/**
 * Arrivals per minute. Real-time: Invocations counts them as they arrive. Async: by conservation of
 * the queue (processed + failed + expired + backlog change), src/tune/reconstruct.ts.
 */
export function reconstruct(kind: EndpointKind, m: EndpointMinutes, from: number, to: number): Reconstructed {
  const slice = (name: string): Float64Array =>
    (m.series[name] ?? new Float64Array(m.minutes).fill(NaN)).subarray(from, to);
  let counts: Uint32Array;
  let timed: { weights: Float64Array; seconds: Float64Array };
  if (kind === 'async') {
    const processed = slice('InvocationsProcessed');
    const backlog = slice('ApproximateBacklogSize');
    counts = arrivalCounts({
      processed,
      failures: slice('InvocationFailures'),
      expired: slice('ExpiredRequests'),
      backlog,
      backlogBefore: from > 0 ? (m.series.ApproximateBacklogSize?.[from - 1] ?? NaN) : NaN,
    });
    // TotalProcessingTime is the minute's average in milliseconds.
    timed = { weights: processed, seconds: slice('TotalProcessingTime').map((ms) => ms / 1000) };
  } else {
    const inv = slice('Invocations');
    counts = Uint32Array.from(inv, (v) => (Number.isFinite(v) && v > 0 ? Math.round(v) : 0));
    // ModelLatency is the minute's average in microseconds.
    timed = { weights: inv, seconds: slice('ModelLatency').map((us) => us / 1e6) };
  }
  let requests = 0;
  for (const c of counts) requests += c;
  let weighted = 0;
  let weight = 0;
  for (let i = 0; i < timed.seconds.length; i++) {
    const s = timed.seconds[i] as number;
    const w = timed.weights[i] as number;
    if (!Number.isFinite(s) || !(w > 0)) continue;
    weighted += s * w;
    weight += w;
  }
  return { counts, requests, serviceSeconds: weight > 0 ? weighted / weight : undefined };
}

export interface RecommendInput {
  name: string;
  /** Window start (ms) of minute 0 of `counts`. */
  startMs: number;
  traffic: Reconstructed;
  instanceType: string;
  region: string;
  concurrency: number;
  price: PriceFigure;
  seed: number;
  objective?: Objective;
}

export function describePolicy(s: ScalingConfig): string {
  const idle = s.idle.mode === 'step' ? `idle ${s.idle.minutes}m (step)` : `idle ${s.idle.minutes}m`;
  const wake = s.wake === false ? 'no wake' : 'wake on backlog';
  const keep = s.keepWarm.length > 0 ? `, ${s.keepWarm.length} keep-warm window(s)` : '';
  return `${s.preset}: ${s.minCapacity}-${s.maxCapacity} instances, ${idle}, ${wake}${keep}`;
}

export async function recommend(
  input: RecommendInput,
): Promise<{ figures: RecommendationFigures; notes: string[] }> {
  const objective = input.objective ?? DEFAULT_TUNE_CONFIG.objective;
  const t = input.traffic;
  const history: TrafficWindow = {
    startMs: input.startMs,
    durationSeconds: t.counts.length * 60,
    arrivals: spreadMinuteCounts(t.counts, Rng.derive(input.seed, `audit:${input.name}`)),
  };
  const boot = estimateBoot([], DEFAULT_TUNE_CONFIG.coldStartPriorSeconds);
  // With no price the policy is still chosen and replayed; only the dollars are left out. The search
  // breaks ties by cents, so a nominal $1/h keeps its choices sensible.
  const pricePerHourUsd = input.price.usdPerHour ?? 1;
  const serviceSeconds = t.serviceSeconds ?? DEFAULT_TUNE_CONFIG.serviceSecondsPrior;
  const settings: Omit<SimulationSettings, 'boot' | 'dayStart'> = {
    instanceType: input.instanceType,
    region: input.region,
    seed: input.seed,
    concurrency: Math.max(1, input.concurrency),
    defaultServiceSeconds: serviceSeconds,
    requestTtlSeconds: DEFAULT_SETTINGS.requestTtlSeconds,
    invocationTimeoutSeconds: DEFAULT_SETTINGS.invocationTimeoutSeconds,
  };
  const tuned = await tuneTraffic({
    endpoint: input.name,
    history,
    settings,
    boot,
    pricePerHourUsd,
    objective,
    current: resolveScaling(undefined),
  });
  const best = tuned.recommended.scaling;
  // The tuner chose on the older part and checked on the newest; the audit prices the whole window.
  const ctx = windowContext(
    history,
    { ...settings, boot: boot.distribution, dayStart: 0 },
    pricePerHourUsd,
    objective,
  );
  const e = await evaluate(ctx, best);
  const known = input.price.usdPerHour !== null;
  const notes = tuned.notes.filter((n) => !n.startsWith('no requests in the history'));
  if (t.serviceSeconds === undefined && t.requests > 0)
    notes.push(`no processing time in the metrics: assumed ${serviceSeconds} s per request`);
  return {
    figures: {
      policy: describePolicy(best),
      yaml: tuned.yaml,
      instanceHours: e.costUsd / pricePerHourUsd,
      costUsd: known ? e.costUsd : null,
      p95TimeToResultSeconds: Number.isFinite(e.p95TimeToResultSeconds) ? e.p95TimeToResultSeconds : null,
      unserved: e.expired,
      coldStarts: e.coldStarts,
      meetsObjective: e.meetsObjective,
      deadlineOptimum: {
        instanceHours: e.deadlineOptimumUsd / pricePerHourUsd,
        costUsd: known ? e.deadlineOptimumUsd : null,
        exact: e.deadlineOptimumExact,
      },
    },
    notes,
  };
}
