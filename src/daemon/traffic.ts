// cloud: sim only: replays a real trace into the simulated endpoints, one trace endpoint per
// configured endpoint, starting again every simulated day at the trace's own time of day. Requests
// enter the simulated queue exactly at their arrival times (the replayer sleeps on the virtual clock
// until each one), so what the daemon measures is what the simulator served. A request is refused only
// when InvokeEndpointAsync would refuse it, judged on the endpoint as it is at the request's own time:
// the simulation is brought up to that time first. An endpoint that is Updating takes requests, as
// SageMaker's does while autoscaling changes its instance count (the simulator's is Updating while a
// scale-out boots).
import type { Clock } from '../clock.js';
import type { SimEngine } from '../cloud/sim/engine.js';
import { acceptsInvocations } from '../cloud/sim/sagemaker.js';
import type { Trace, TraceEndpoint } from '../simulate/traces/index.js';

const DAY_MS = 86_400_000;
/** Arrivals this close together are submitted in one wake-up. */
const BATCH_MS = 1000;

export interface ReplayTarget {
  endpointName: string;
  source: TraceEndpoint;
}

export interface ReplayOptions {
  engine: SimEngine;
  clock: Clock;
  trace: Trace;
  targets: ReplayTarget[];
  defaultServiceSeconds: number;
  requestTtlSeconds?: number;
  invocationTimeoutSeconds?: number;
  /** Told of each batch of requests that reached an endpoint (for logs and counts). */
  onSubmit?: (endpoint: string, count: number, at: number) => void;
  /**
   * Told of each batch of requests the endpoint refused, with why: `missing`, or the status in which
   * InvokeEndpointAsync refuses (Creating, Deleting, Failed, OutOfService).
   */
  onRefused?: (endpoint: string, count: number, at: number, reason: string) => void;
}

/** Picks the trace endpoints to replay: by id when given, else the busiest ones in order. */
export function chooseTargets(
  trace: Trace,
  endpointNames: string[],
  select?: string[],
): ReplayTarget[] | string {
  const byId = new Map(trace.endpoints.map((e) => [e.id, e]));
  const busiest = [...trace.endpoints].sort((a, b) => b.expectedRequests - a.expectedRequests);
  const out: ReplayTarget[] = [];
  for (const [i, name] of endpointNames.entries()) {
    const id = select?.[i];
    const source =
      id !== undefined ? (byId.get(id) ?? trace.endpoints.find((e) => e.id.startsWith(id))) : busiest[i];
    if (!source)
      return id !== undefined
        ? `sim.traffic.select[${i}]: no endpoint "${id}" in ${trace.file}`
        : `${trace.file} has fewer endpoints than the config`;
    out.push({ endpointName: name, source });
  }
  return out;
}

/** Runs until the signal aborts. */
export async function replayTraffic(o: ReplayOptions, signal: AbortSignal): Promise<void> {
  const startOfDay = o.trace.startOfDaySeconds * 1000;
  const ttl = (o.requestTtlSeconds ?? 21_600) * 1000;
  const timeout = (o.invocationTimeoutSeconds ?? 900) * 1000;
  // The first replayed day is the one whose trace window has not started yet (or is under way).
  let day = Math.floor((o.clock.now() - startOfDay) / DAY_MS) * DAY_MS;
  const cursors = o.targets.map(() => 0);
  while (!signal.aborted) {
    const base = day + startOfDay;
    for (;;) {
      let next = Infinity;
      o.targets.forEach((t, i) => {
        const a = t.source.arrivals[cursors[i] ?? 0];
        if (a !== undefined) next = Math.min(next, base + a * 1000);
      });
      if (!Number.isFinite(next)) break;
      const now = o.clock.now();
      if (next > now) await o.clock.sleep(next - now, signal);
      const until = o.clock.now() + BATCH_MS;
      o.targets.forEach((t, i) => {
        let c = cursors[i] ?? 0;
        let accepted = 0;
        let refused = 0;
        let reason = '';
        for (; c < t.source.arrivals.length; c++) {
          const at = base + (t.source.arrivals[c] as number) * 1000;
          if (at >= until) break;
          // Arrivals already in the past (the daemon started mid-trace) are skipped, not bunched up.
          if (at < o.clock.now() - 60_000) continue;
          // The endpoint as it is when this request arrives, not as it was when the simulation last
          // caught up with the clock.
          o.engine.runUntil(Math.max(o.engine.now, Math.min(at, o.clock.now())));
          const ep = o.engine.endpoints.get(t.endpointName);
          if (!ep || !acceptsInvocations(ep.status)) {
            refused++;
            reason = ep ? ep.status : 'missing';
            continue;
          }
          const service = t.source.service?.[c];
          o.engine.submit(
            ep,
            service !== undefined ? service * 1000 : o.defaultServiceSeconds * 1000,
            ttl,
            timeout,
          );
          accepted++;
        }
        cursors[i] = c;
        if (accepted > 0) o.onSubmit?.(t.endpointName, accepted, o.clock.now());
        if (refused > 0) o.onRefused?.(t.endpointName, refused, o.clock.now(), reason);
      });
    }
    day += DAY_MS;
    cursors.fill(0);
    const nextStart = day + startOfDay;
    const now = o.clock.now();
    if (nextStart > now) await o.clock.sleep(nextStart - now, signal);
  }
}
