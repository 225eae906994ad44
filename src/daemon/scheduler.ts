// Runs controller tasks on cron schedules. On the wall clock that is node-cron; on the simulated
// cloud it is the same cron expressions evaluated in virtual time, so a day of schedules passes in
// seconds. Either way a task never overlaps itself, and stop() waits for the ones in flight.
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.js';
import { nextCronTime } from '../config/cron.js';

export type Task = (signal: AbortSignal) => Promise<void>;

export interface Scheduler {
  schedule(name: string, expression: string, task: Task, timezone?: string): void;
  /** Aborts running tasks' signals and resolves once every in-flight task has finished. */
  stop(): Promise<void>;
}

abstract class BaseScheduler implements Scheduler {
  protected readonly abort = new AbortController();
  // Every scheduled task's loop sleeps on this one signal, one listener per task: a config with more
  // than ten tasks is not a leak, and node's warning about it would alarm the operator for nothing.
  constructor() {
    setMaxListeners(0, this.abort.signal);
  }
  protected readonly running = new Set<Promise<void>>();
  private readonly busy = new Set<string>();

  abstract schedule(name: string, expression: string, task: Task, timezone?: string): void;

  protected run(name: string, task: Task): Promise<void> {
    if (this.busy.has(name) || this.abort.signal.aborted) return Promise.resolve();
    this.busy.add(name);
    // Tasks report their own failures (see controllers.ts); the scheduler only keeps them apart.
    const p = task(this.abort.signal)
      .catch(() => undefined)
      .finally(() => {
        this.busy.delete(name);
        this.running.delete(p);
      });
    this.running.add(p);
    return p;
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('shutting down'));
    this.onStop();
    await Promise.allSettled([...this.running]);
  }

  protected abstract onStop(): void;
}

export class CronScheduler extends BaseScheduler {
  private readonly tasks: ScheduledTask[] = [];

  schedule(name: string, expression: string, task: Task, timezone = 'UTC'): void {
    this.tasks.push(
      cron.schedule(expression, () => this.run(name, task), { name, timezone, noOverlap: true }),
    );
  }

  protected onStop(): void {
    for (const t of this.tasks) void t.stop();
  }
}

/** Cron in the time of any Clock; with a VirtualClock, time moves only when the clock is advanced. */
export class ClockScheduler extends BaseScheduler {
  constructor(private readonly clock: Clock) {
    super();
  }

  schedule(name: string, expression: string, task: Task, timezone = 'UTC'): void {
    const loop = async (): Promise<void> => {
      const signal = this.abort.signal;
      while (!signal.aborted) {
        const now = this.clock.now();
        const next = nextCronTime(expression, now, timezone);
        try {
          await this.clock.sleep(next - now, signal);
        } catch {
          return;
        }
        await this.run(name, task);
      }
    };
    void loop();
  }

  protected onStop(): void {}
}
