// serve on cloud: sim: a fresh simulated region on a virtual clock that runs `speed` times faster than
// the wall clock, with the configured trace replayed into it. Virtual time goes live shortly before the
// trace's daily window (or after the newest data already in the store, so history only grows).
//
// On a fresh store, `sim.history` (e.g. 7d) starts virtual time that much earlier and catches up: the
// clock is advanced to the live start as fast as the machine allows, in the same steps the live run
// takes, with the real controllers and the replay running on it. So the store holds days of genuine
// simulated history (provisioning at its start, wakes, scale-ins, probes) before the first live tick.
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SystemClock, VirtualClock, type Clock } from '../clock.js';
import { defaultBoot } from '../cloud/sim/boot.js';
import { SimCloud } from '../cloud/sim/sim-cloud.js';
import { SimEngine, simOptions } from '../cloud/sim/engine.js';
import type { ApiCallObserver } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { parseSimHistory } from '../config/schema.js';
import { UserError } from '../cli/errors.js';
import { loadTrace, type Trace } from '../simulate/traces/index.js';
import { META, type Store } from '../store/index.js';
import { chooseTargets, replayTraffic, type ReplayTarget } from './traffic.js';

const LEAD_IN_MS = 15 * 60_000;
/** Virtual time allowed, on stopping, for work that waits on the clock to finish (longer than a boot). */
const DRAIN_MS = 2 * 3_600_000;
const DAY_MS = 86_400_000;

/** What the catch-up tells its caller: each simulated day it enters, then once when it goes live. */
export type CatchUpEvent =
  | { kind: 'day'; day: number; days: number; at: number }
  | { kind: 'live'; days: number; at: number; wallMs: number }
  | { kind: 'stopped'; day: number; days: number; at: number; wallMs: number };

export interface SimRuntimeOptions {
  onCatchUp?: (e: CatchUpEvent) => void;
}

export interface SimRuntime {
  cloud: SimCloud;
  engine: SimEngine;
  clock: VirtualClock;
  /** Virtual time at which the runtime goes live (from here on at `speed`). */
  liveStart: number;
  /** Simulated history caught up before the live start (0: none, the runtime starts live). */
  historyMs: number;
  /** Whether virtual time is still catching up to the live start. */
  catchingUp(): boolean;
  trace?: Trace;
  targets: ReplayTarget[];
  /**
   * Replayed trace requests per configured endpoint since the runtime started: those the endpoint
   * accepted, and those it refused (it did not exist, or was Creating, Deleting, Failed...).
   */
  replayed: Map<string, { accepted: number; refused: number }>;
  /**
   * Catches up to the live start as fast as the machine allows, then advances virtual time `speed`
   * times faster than real time, until the signal aborts.
   */
  accelerate(signal: AbortSignal): Promise<void>;
  replay(signal: AbortSignal): Promise<void>;
}

export async function createSimRuntime(
  config: Config,
  store: Store,
  /** Builds the API call observer from the virtual clock (calls are timed in virtual time). */
  observe: ((clock: Clock) => ApiCallObserver) | undefined,
  wallNow: number,
  options: SimRuntimeOptions = {},
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
  const { start, liveStart } = await startTime(
    store,
    trace,
    wallNow,
    parseSimHistory(config.sim.history) ?? 0,
  );
  const historyMs = liveStart - start;
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
  // The catch-up takes the live run's steps (one tick's worth of virtual time), only without waiting
  // between them: the controllers see the same clock as live, and the HTTP server, the lease and the
  // signals get the event loop between steps.
  const stepMs = tickMs * config.sim.speed;
  const days = Math.ceil(historyMs / DAY_MS);
  const catchUp = async (signal: AbortSignal): Promise<void> => {
    if (clock.now() >= liveStart) return;
    // Let the caller finish starting up (and print where the dashboard is) first.
    await yieldToEventLoop();
    const began = wall.now();
    const dayOf = (t: number): number => Math.min(days, Math.floor((t - start) / DAY_MS) + 1);
    let day = 0;
    // The controllers write a few rows a simulated minute, each in its own transaction, and the store
    // syncs every commit to disk: thousands of fsyncs per simulated day. While catching up, their
    // writes share one transaction per BATCH_WALL_MS of real time (theirs become savepoints in it):
    // all-or-nothing per batch, committed before every stop, so the store stays consistent.
    const batch = new CommitBatch(store, wall);
    try {
      while (!signal.aborted && clock.now() < liveStart) {
        const d = dayOf(clock.now());
        if (d !== day) {
          day = d;
          await batch.commit();
          options.onCatchUp?.({ kind: 'day', day, days, at: clock.now() });
        }
        await batch.begin();
        await clock.advanceTo(Math.min(clock.now() + stepMs, liveStart));
        await yieldToEventLoop();
        await batch.commitIfDue();
      }
    } finally {
      await batch.commit();
    }
    const wallMs = wall.now() - began;
    options.onCatchUp?.(
      signal.aborted
        ? { kind: 'stopped', day, days, at: clock.now(), wallMs }
        : { kind: 'live', days, at: clock.now(), wallMs },
    );
  };
  return {
    cloud,
    engine,
    clock,
    liveStart,
    historyMs,
    catchingUp: () => clock.now() < liveStart,
    trace,
    targets,
    replayed,
    accelerate: async (signal) => {
      await catchUp(signal);
      while (!signal.aborted) {
        await wall.sleep(tickMs, signal).catch(() => undefined);
        if (signal.aborted) break;
        await clock.advance(tickMs * config.sim.speed);
      }
      // Stopping: work still waiting on the virtual clock without the stop signal (a reconcile
      // waiting for InService) would wait forever once time stands still, and the daemon's stop()
      // waits for it. Let virtual time run on, as fast as it goes, until it is done.
      const drainUntil = clock.now() + DRAIN_MS;
      while (clock.pending() > 0 && clock.now() < drainUntil) {
        await clock.advanceTo(Math.min(clock.now() + stepMs, drainUntil));
        await yieldToEventLoop();
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

/**
 * Live: a little before today's trace window, but never before what the store already holds. A fresh
 * store (nothing polled yet) starts `historyMs` earlier and catches up; a store with history resumes.
 */
async function startTime(
  store: Store,
  trace: Trace | undefined,
  wallNow: number,
  historyMs: number,
): Promise<{ start: number; liveStart: number }> {
  const today = Math.floor(wallNow / DAY_MS) * DAY_MS;
  const base = trace ? today + trace.startOfDaySeconds * 1000 - LEAD_IN_MS : wallNow;
  const last = await store.meta.getNumber(META.lastPollAt);
  if (last === undefined) return { start: base - historyMs, liveStart: base };
  if (last < base) return { start: base, liveStart: base };
  // Resume the next simulated day's window after the stored history.
  const nextDay = Math.floor(last / DAY_MS) * DAY_MS + DAY_MS;
  const resume = trace ? nextDay + trace.startOfDaySeconds * 1000 - LEAD_IN_MS : last + 60_000;
  return { start: resume, liveStart: resume };
}

/** Real time a catch-up batch of writes stays uncommitted, at most (plus one step). */
const BATCH_WALL_MS = 250;

/**
 * One open write transaction on the store that the catch-up commits every BATCH_WALL_MS: the store's
 * group commit, when it has one (a store without it commits each write as it comes).
 */
class CommitBatch {
  private openedAt: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly wall: Clock,
  ) {}

  async begin(): Promise<void> {
    if (this.openedAt !== undefined || !this.store.groupCommit) return;
    await this.store.groupCommit.open();
    this.openedAt = this.wall.now();
  }

  async commitIfDue(): Promise<void> {
    if (this.openedAt !== undefined && this.wall.now() - this.openedAt >= BATCH_WALL_MS) await this.commit();
  }

  async commit(): Promise<void> {
    if (this.openedAt === undefined) return;
    this.openedAt = undefined;
    await this.store.groupCommit?.commit();
  }
}
