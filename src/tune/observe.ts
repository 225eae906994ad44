// What the endpoint actually delivered over a window, from the store, for the rollback decision.
// The store has no per-request times, only per-minute figures: requests processed in a minute took,
// on average, TimeInBacklog (queue) plus TotalProcessingTime (model) to their result. The p95 is taken
// over those minute averages weighted by the requests behind each; expired requests rank above every
// processed one. It smooths spread within a minute, which is small next to the cold starts (minutes)
// the objective is about.
import type { Store } from '../store/index.js';
import type { Observation } from './guardrails.js';

export async function observedLatency(
  store: Store,
  endpoint: string,
  from: number,
  to: number,
): Promise<Observation> {
  const last = to - 60_000;
  const byMinute = async (metric: string): Promise<Map<number, number>> =>
    new Map((await store.metrics.series(endpoint, metric, from, last)).map((p) => [p.minute, p.value]));
  const processed = await byMinute('InvocationsProcessed');
  const queue = await byMinute('TimeInBacklog');
  const work = await byMinute('TotalProcessingTime');
  let expired = 0;
  for (const v of (await byMinute('ExpiredRequests')).values()) expired += v;
  let failures = 0;
  for (const v of (await byMinute('InvocationFailures')).values()) failures += v;
  const points: { ttr: number; n: number }[] = [];
  let served = 0;
  for (const [minute, n] of processed) {
    if (!(n > 0)) continue;
    const ttr = ((queue.get(minute) ?? 0) + (work.get(minute) ?? 0)) / 1000;
    points.push({ ttr, n });
    served += n;
  }
  const requests = served + expired + failures;
  return { requests, expired, p95TimeToResultSeconds: weightedP95(points, requests) };
}

/** Nearest-rank p95 of weighted values among `total` requests; the unlisted rest rank last. */
export function weightedP95(points: { ttr: number; n: number }[], total: number): number {
  if (total <= 0) return 0;
  const rank = Math.ceil(0.95 * total);
  let seen = 0;
  for (const p of points.slice().sort((a, b) => a.ttr - b.ttr)) {
    seen += p.n;
    if (seen >= rank) return p.ttr;
  }
  return Infinity;
}

/** Work that a policy change must not land in the middle of (guardrails: no change while in flight). */
export async function inFlight(
  store: Store,
  endpoint: string,
  now: number,
): Promise<{ probe: boolean; scaleOut: boolean }> {
  const probe = (await store.probes.latest(endpoint))?.outcome === 'running';
  // A large model's scale-out takes minutes; activities older than a few hours are stale, not in flight.
  const recent = await store.activities.between(endpoint, now - 3 * 3_600_000, now);
  const scaleOut = recent.some((a) => a.status === 'InProgress' || a.status === 'Pending');
  return { probe, scaleOut };
}
