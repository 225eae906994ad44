// Time is a port: production uses the wall clock, the simulated cloud and tests use virtual time.
// No other module calls Date.now() or setTimeout directly, so every control loop can run in
// virtual time (hours of simulated traffic in milliseconds of real time).

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // setTimeout fires at once for delays past 2^31-1 ms (24.8 days): wait in chunks instead.
      const deadline = Date.now() + Math.max(0, ms);
      let timer: ReturnType<typeof setTimeout>;
      const arm = (): void => {
        const left = deadline - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    });
  }
}

interface PendingSleep {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Virtual time that only moves when told to. `advance()` runs every sleeper whose deadline falls in
 * the window, in deadline order, letting each continuation run before time moves on.
 */
export class VirtualClock implements Clock {
  private current: number;
  private sleepers: PendingSleep[] = [];
  private seq = 0;

  constructor(startMs = Date.UTC(2026, 0, 5, 0, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal?.reason);
      };
      const entry: PendingSleep = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of sleepers waiting on this clock. */
  pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers in order and yielding to their continuations. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.nextSleeper();
      if (!next || next.at > target) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.at);
      next.resolve();
      await flushMicrotasks();
    }
    this.current = Math.max(this.current, target);
    await flushMicrotasks();
  }

  private nextSleeper(): PendingSleep | undefined {
    let best: PendingSleep | undefined;
    for (const s of this.sleepers) {
      if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/**
 * A virtual clock for one-shot CLI runs against the simulated cloud: sleeping simply jumps time
 * forward, so `apply` "waits" ten simulated minutes for InService without waiting at all.
 */
export class SkippingClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.current += Math.max(0, ms);
  }
}

async function flushMicrotasks(): Promise<void> {
  // Every continuation woken by the step settles before time moves on: a check-phase callback runs
  // only once the microtask queue is empty, however long the chain of awaits (each store call is
  // one, so a fixed number of turns would let a controller read a later clock than it woke at).
  await new Promise<void>((resolve) => setImmediate(resolve));
}
