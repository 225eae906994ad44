// The replay loop of `simulate --kind realtime`: a window of traffic against one real-time endpoint
// with one inference component. A real-time request is never queued: an attempt that finds no copy
// free fails at once, and the client (RetryModel) tries again after its interval, backing off, until
// an attempt succeeds or it gives up (max attempts or timeout: the request is abandoned).
//
// Timeline as replay.ts: the endpoint is created LEAD_IN_MS before the window so the policy starts in
// its idle state (the component at zero copies, its instance released), requests arrive at their trace
// times, and after the window the run drains until every request is served or abandoned and the
// endpoint is back at rest (no copy, no instance), billing all of it from the window start.
import { EventHeap } from '../cloud/sim/heap.js';
import { INVOKE_OK } from '../cloud/sim/realtime.js';
import { createDrivenSimCloud } from '../cloud/sim/sim-cloud.js';
import { INST_BOOTING, INST_READY } from '../cloud/sim/entities.js';
import { provisionRealtime, type RealtimeSettings, type RetryModel } from './realtime-runner.js';
import type { TrafficWindow } from './replay.js';

/** Long enough for a created endpoint to come up and its policy to take it to zero (two hours). */
export const REALTIME_LEAD_IN_MS = 2 * 3_600_000;
/** How long after the last client gave up the drain may wait for the endpoint to reach rest. */
const SETTLE_LIMIT_MS = 26 * 3_600_000;
const MINUTE_MS = 60_000;

export interface RealtimeReplayResult {
  requests: number;
  /** Requests that got an answer (one attempt succeeded). */
  served: number;
  /** Requests whose client gave up. */
  abandoned: number;
  /** Attempts refused for lack of capacity (every retry counts). */
  failedAttempts: number;
  /** Of those, refused because the component had no copy at all (NoCapacityInvocationFailures). */
  noCopyAttempts: number;
  /** Seconds from arrival to the successful attempt's start, per served request. */
  waits: Float64Array;
  instanceSeconds: number;
  afterLastArrivalSeconds: number;
  endSeconds: number;
  settled: boolean;
  /** Scale-outs of the component from zero copies. */
  coldStarts: number;
  launches: number;
  /** Requests whose first attempt failed (they waited for a wake or a free copy). */
  delayedRequests: number;
}

export async function replayRealtime(w: TrafficWindow, s: RealtimeSettings): Promise<RealtimeReplayResult> {
  const t0 = w.startMs;
  const end = t0 + w.durationSeconds * 1000;
  const { engine, cloud } = createDrivenSimCloud({
    region: s.region,
    seed: s.seed,
    boot: s.boot,
    startTime: t0 - REALTIME_LEAD_IN_MS,
    metricCapacityMinutes: Math.ceil(w.durationSeconds / 60) + 64,
    realtime: { modelLoadSeconds: s.modelLoadSeconds, maxConcurrentRequestsPerCopy: s.concurrencyPerCopy },
  });
  const { ep, component } = await provisionRealtime(engine, cloud, s);
  engine.runUntil(t0);
  const rt = engine.realtime;
  const before = {
    coldStarts: component.coldStarts,
    launches: ep.launches,
    noCopy: component.noCapacityFailures,
  };

  const arrivals = w.arrivals;
  const defaultMs = s.defaultServiceSeconds * 1000;
  let n = 0;
  while (n < arrivals.length && t0 + (arrivals[n] as number) * 1000 < end) n++;
  const arrivalAt = new Float64Array(n);
  const serviceMs = new Float64Array(n);
  const attempts = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    arrivalAt[i] = t0 + (arrivals[i] as number) * 1000;
    serviceMs[i] = w.service ? (w.service[i] as number) * 1000 : defaultMs;
  }
  const retries = new EventHeap();
  const waits: number[] = [];
  let served = 0;
  let abandoned = 0;
  let failedAttempts = 0;
  let delayed = 0;
  let lastClientEvent = t0;

  const attempt = (i: number): void => {
    const now = engine.now;
    const code = rt.submit(component, serviceMs[i] as number);
    const k = (attempts[i] as number) + 1;
    attempts[i] = k;
    lastClientEvent = now;
    if (code === INVOKE_OK) {
      served++;
      waits.push((now - (arrivalAt[i] as number)) / 1000);
      return;
    }
    failedAttempts++;
    if (k === 1) delayed++;
    const retryAt = now + retryDelayMs(s.retry, k);
    if (k >= s.retry.maxAttempts || retryAt - (arrivalAt[i] as number) > s.retry.timeoutSeconds * 1000) {
      abandoned++;
      return;
    }
    retries.push(retryAt, 0, i);
  };

  let next = 0;
  for (;;) {
    const arrival = next < n ? (arrivalAt[next] as number) : Infinity;
    const retry = retries.size > 0 ? retries.peekTime() : Infinity;
    if (arrival === Infinity && retry === Infinity) break;
    if (arrival <= retry) {
      engine.runUntil(arrival);
      attempt(next++);
    } else {
      retries.pop();
      engine.runUntil(retries.popTime);
      attempt(retries.popPayload);
    }
  }
  engine.runUntil(Math.max(end, engine.now));

  // Drain, minute by minute, until nothing serves, no copy is wanted and no instance is left (or, for
  // an always-on run, at once: it rests with its copy).
  const atRest = (): boolean => {
    if (!s.policy) return component.inFlight === 0;
    if (component.inFlight > 0 || component.desired > 0 || component.copies.length > 0) return false;
    for (const inst of ep.live) if (inst.state === INST_BOOTING || inst.state === INST_READY) return false;
    return true;
  };
  const limit = Math.max(end, lastClientEvent) + SETTLE_LIMIT_MS;
  let settled = atRest();
  while (!settled && engine.now < limit) {
    engine.runUntil(Math.min(limit, engine.now + MINUTE_MS));
    settled = atRest();
  }
  const stop = Math.max(engine.now, end);
  const lastArrival = n > 0 ? (arrivalAt[n - 1] as number) : NaN;
  return {
    requests: n,
    served,
    abandoned,
    failedAttempts,
    noCopyAttempts: component.noCapacityFailures - before.noCopy,
    waits: Float64Array.from(waits),
    instanceSeconds: engine.billedMs(ep, t0, stop) / 1000,
    afterLastArrivalSeconds: n > 0 ? engine.billedMs(ep, lastArrival, stop) / 1000 : 0,
    endSeconds: (stop - t0) / 1000,
    settled,
    coldStarts: component.coldStarts - before.coldStarts,
    launches: ep.launches - before.launches,
    delayedRequests: delayed,
  };
}

/** The client's wait after its `failed`-th failed attempt (1-based). */
export function retryDelayMs(r: RetryModel, failed: number): number {
  const s = Math.min(r.maxIntervalSeconds, r.intervalSeconds * r.backoff ** (failed - 1));
  return Math.max(0, s) * 1000;
}
