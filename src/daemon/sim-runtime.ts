// serve on cloud: sim: a fresh simulated region on a virtual clock that runs `speed` times faster than
// the wall clock, with the configured trace replayed into it. Virtual time starts shortly before the
// trace's daily window (or after the newest data already in the store, so history only grows).
import path from 'node:path';
import { SystemClock, VirtualClock, type Clock } from '../clock.js';
import { defaultBoot } from '../cloud/sim/boot.js';
import { SimCloud } from '../cloud/sim/sim-cloud.js';
import { SimEngine, simOptions } from '../cloud/sim/engine.js';
import type { ApiCallObserver } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { UserError } from '../cli/errors.js';
import { loadTrace, type Trace } from '../simulate/traces/index.js';
import { META, type Store } from '../store/index.js';
import { chooseTargets, replayTraffic, type ReplayTarget } from './traffic.js';

const LEAD_IN_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface SimRuntime {
  cloud: SimCloud;
  engine: SimEngine;
  clock: VirtualClock;
  trace?: Trace;
  targets: ReplayTarget[];
  /**
   * Replayed trace requests per configured endpoint since the runtime started: those the endpoint
   * accepted, and those it refused (it did not exist, or was Creating, Deleting, Failed...).
   */
  replayed: Map<string, { accepted: number; refused: number }>;
  /** Advances virtual time `speed` times faster than real time until the signal aborts. */
  accelerate(signal: AbortSignal): Promise<void>;
  replay(signal: AbortSignal): Promise<void>;
}

export async function createSimRuntime(
  config: Config,
  store: Store,
  /** Builds the API call observer from the virtual clock (calls are timed in virtual time). */
  observe: ((clock: Clock) => ApiCallObserver) | undefined,
  wallNow: number,
): Promise<SimRuntime> {
  const traffic = config.sim.traffic;
  let trace: Trace | undefined;
  if (traffic) {
    const file = path.resolve(path.dirname(config.file), traffic.trace);
    try {
      trace = await loadTrace(file, traffic.format, {
        seed: config.sim.seed,
        defaultServiceSeconds: traffic.serviceSeconds,
      });
    } catch (e) {
      throw new UserError(`sim.traffic.trace: cannot load ${file}: ${(e as Error).message}`);
    }
  }
  const start = startTime(store, trace, wallNow);
  const engine = new SimEngine(
    simOptions({
      region: config.region,
      accountId: config.sim.accountId,
      seed: config.sim.seed,
      boot: defaultBoot(config.sim.bootSeconds),
      startTime: start,
    }),
  );
  const clock = new VirtualClock(start);
  const cloud = new SimCloud(engine, clock, observe?.(clock));
  let targets: ReplayTarget[] = [];
  if (trace && traffic) {
    const chosen = chooseTargets(
      trace,
      config.endpoints.map((e) => e.name),
      traffic.select,
    );
    if (typeof chosen === 'string') throw new UserError(chosen);
    targets = chosen;
  }
  const replayed = new Map(targets.map((t) => [t.endpointName, { accepted: 0, refused: 0 }]));
  const wall = new SystemClock();
  const tickMs = 200;
  return {
    cloud,
    engine,
    clock,
    trace,
    targets,
    replayed,
    accelerate: async (signal) => {
      while (!signal.aborted) {
        await wall.sleep(tickMs, signal).catch(() => undefined);
        if (signal.aborted) break;
        await clock.advance(tickMs * config.sim.speed);
      }
    },
    replay: async (signal) => {
      if (!trace || !traffic) return;
      await replayTraffic(
        {
          engine,
          clock,
          trace,
          targets,
          defaultServiceSeconds: traffic.serviceSeconds,
          onSubmit: (endpoint, count) => {
            const r = replayed.get(endpoint);
            if (r) r.accepted += count;
          },
          onRefused: (endpoint, count) => {
            const r = replayed.get(endpoint);
            if (r) r.refused += count;
          },
        },
        signal,
      ).catch((e: unknown) => {
        if (!signal.aborted) throw e;
      });
    },
  };
}

/** A little before today's trace window, but never before what the store already holds. */
function startTime(store: Store, trace: Trace | undefined, wallNow: number): number {
  const today = Math.floor(wallNow / DAY_MS) * DAY_MS;
  const base = trace ? today + trace.startOfDaySeconds * 1000 - LEAD_IN_MS : wallNow;
  const last = store.meta.getNumber(META.lastPollAt);
  if (last === undefined || last < base) return base;
  // Resume the next simulated day's window after the stored history.
  const nextDay = Math.floor(last / DAY_MS) * DAY_MS + DAY_MS;
  return trace ? nextDay + trace.startOfDaySeconds * 1000 - LEAD_IN_MS : last + 60_000;
}
