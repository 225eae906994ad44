// Arrivals from the telemetry store. Async endpoints publish no Invocations metric (docs/ARCHITECTURE.md, "AWS facts the code honours"), so
// the requests that arrived are rebuilt from what they do publish, by conservation of the queue:
//
//   arrivals(m) = processed(m) + failures(m) + expired(m) + backlog(m) - backlog(m - 1)
//
// where backlog(m) is ApproximateBacklogSize (queued + in flight) for minute m, read as the level at
// the minute's end (the simulated cloud publishes exactly that; CloudWatch's one-minute average is
// close to it). Every request either leaves in the minute it is counted in (processed, failed,
// expired) or is still in the backlog. Measurement noise can make a minute negative: the shortfall
// is carried into the next minutes (at most CARRY_MINUTES) instead of inventing requests, and
// fractional counts (averaged gauges) are carried as remainders so totals are kept. A minute with no
// backlog datapoint keeps the last known level (a gap in telemetry says nothing about the queue).
// Within a minute the arrivals are spread like the Azure Functions loader does: order statistics of
// uniform points, seeded, so the same store gives the same trace.
import { Rng } from '../cloud/sim/rng.js';
import { spreadMinuteCounts } from '../simulate/traces/azure-functions.js';
import type { Store } from '../store/index.js';

const MINUTE_MS = 60_000;
const CARRY_MINUTES = 5;

/** Per-minute series indexed by minute number from the window start (missing: undefined / NaN). */
export interface MinuteSeries {
  processed: ArrayLike<number>;
  failures: ArrayLike<number>;
  expired: ArrayLike<number>;
  /** Backlog at the end of each minute; NaN where there is no datapoint. */
  backlog: ArrayLike<number>;
  /** Backlog at the end of the minute before the window (NaN: unknown, taken as 0). */
  backlogBefore: number;
}

/** Requests that arrived in each minute of the window. */
export function arrivalCounts(s: MinuteSeries): Uint32Array {
  const n = s.processed.length;
  const out = new Uint32Array(n);
  let prev = Number.isFinite(s.backlogBefore) ? s.backlogBefore : 0;
  let fraction = 0;
  let debt = 0;
  let debtAge = 0;
  for (let m = 0; m < n; m++) {
    const b = s.backlog[m] as number;
    const level = Number.isFinite(b) ? b : prev;
    const done = nz(s.processed[m]) + nz(s.failures[m]) + nz(s.expired[m]);
    let x = done + level - prev + fraction;
    prev = level;
    if (debt > 0) {
      const pay = Math.min(debt, Math.max(0, x));
      x -= pay;
      debt -= pay;
      if (++debtAge > CARRY_MINUTES) debt = 0;
    }
    if (x < 0) {
      debt += -x;
      debtAge = 0;
      x = 0;
    }
    const whole = Math.floor(x + 1e-9);
    fraction = x - whole;
    out[m] = whole;
  }
  return out;
}

function nz(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : 0;
}

export interface StoreTraffic {
  startMs: number;
  minutes: number;
  counts: Uint32Array;
  /** Arrival times, seconds from startMs. */
  arrivals: Float64Array;
  /** Mean processing seconds per request over the window, undefined when nothing was processed. */
  serviceSeconds: number | undefined;
  /** Requests processed (for the report: how much the reconstruction rests on). */
  processed: number;
}

/** Reads the window [startMs, endMs) (minute-aligned inward) of an endpoint's metrics. */
export async function readStoreTraffic(
  store: Store,
  endpoint: string,
  startMs: number,
  endMs: number,
  seed: number,
): Promise<StoreTraffic> {
  const start = Math.ceil(startMs / MINUTE_MS) * MINUTE_MS;
  const minutes = Math.max(0, Math.floor((endMs - start) / MINUTE_MS));
  const last = start + (minutes - 1) * MINUTE_MS;
  const dense = async (metric: string, fill: number): Promise<Float64Array> => {
    const a = new Float64Array(minutes).fill(fill);
    for (const p of await store.metrics.series(endpoint, metric, start, last)) {
      const i = (p.minute - start) / MINUTE_MS;
      if (Number.isInteger(i) && i >= 0 && i < minutes) a[i] = p.value;
    }
    return a;
  };
  const processed = await dense('InvocationsProcessed', 0);
  const before = await store.metrics.series(
    endpoint,
    'ApproximateBacklogSize',
    start - MINUTE_MS,
    start - MINUTE_MS,
  );
  const counts = arrivalCounts({
    processed,
    failures: await dense('InvocationFailures', 0),
    expired: await dense('ExpiredRequests', 0),
    backlog: await dense('ApproximateBacklogSize', NaN),
    backlogBefore: before[0]?.value ?? NaN,
  });
  // TotalProcessingTime is stored as the minute's average (ms); weight it by the requests processed.
  let weighted = 0;
  let weight = 0;
  let processedTotal = 0;
  for (let i = 0; i < minutes; i++) processedTotal += processed[i] as number;
  for (const p of await store.metrics.series(endpoint, 'TotalProcessingTime', start, last)) {
    const i = (p.minute - start) / MINUTE_MS;
    const w = Math.max(1, processed[i] ?? 0);
    weighted += (p.value / 1000) * w;
    weight += w;
  }
  return {
    startMs: start,
    minutes,
    counts,
    arrivals: spreadMinuteCounts(counts, Rng.derive(seed, `tune:${endpoint}`)),
    serviceSeconds: weight > 0 ? weighted / weight : undefined,
    processed: processedTotal,
  };
}
