// A controller that fails keeps failing alone: each run is caught, timed and recorded, so the others
// go on and the failure shows in logs, /metrics and (when sustained) an alert.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import type { Store } from '../store/index.js';
import type { Logger } from './logger.js';

const running = new AsyncLocalStorage<string>();

/**
 * The controller whose run the caller is part of (e.g. `telemetry`, `probe:llm`), or undefined outside
 * one: lets an API call observer say which controller spends the API budget.
 */
export function runningController(): string | undefined {
  return running.getStore();
}

/** What every controller's task is built from (each task file adds its own). */
export interface ControllerDeps {
  cloud: Cloud;
  clock: Clock;
  config: Config;
  store: Store;
  log: Logger;
}

export interface ControllerStatus {
  name: string;
  runs: number;
  failures: number;
  consecutiveFailures: number;
  lastRunAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  /** When the current run of failures began. */
  failingSince?: number;
}

export interface ControllerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class ControllerRegistry {
  private readonly statuses = new Map<string, ControllerStatus>();

  constructor(
    private readonly clock: Clock,
    private readonly log: ControllerLog,
  ) {}

  /** Wraps `fn` so that its outcome is recorded and its errors never escape. */
  wrap(name: string, fn: (signal: AbortSignal) => Promise<void>): (signal: AbortSignal) => Promise<void> {
    const status = this.status(name);
    return async (signal) => {
      const started = this.clock.now();
      status.runs++;
      status.lastRunAt = started;
      try {
        await running.run(name, () => fn(signal));
        status.consecutiveFailures = 0;
        status.failingSince = undefined;
        status.lastSuccessAt = this.clock.now();
      } catch (e) {
        status.failures++;
        status.consecutiveFailures++;
        status.failingSince ??= started;
        status.lastError = (e as Error)?.message ?? String(e);
        this.log.error(
          { controller: name, err: status.lastError, consecutiveFailures: status.consecutiveFailures },
          `controller ${name} failed`,
        );
      }
    };
  }

  status(name: string): ControllerStatus {
    let s = this.statuses.get(name);
    if (!s) {
      s = { name, runs: 0, failures: 0, consecutiveFailures: 0 };
      this.statuses.set(name, s);
    }
    return s;
  }

  all(): ControllerStatus[] {
    return [...this.statuses.values()].map((s) => ({ ...s }));
  }
}
