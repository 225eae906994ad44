// The reconcile's slow work (creating an endpoint, moving one to a new endpoint config: ten minutes of
// waiting each) runs here, in the background and several endpoints at a time, so that a round checks
// and repairs the endpoints that already run without waiting behind the ones being created, and the
// next round starts on time. The queue lives as long as the daemon: a round finds an endpoint already
// in it and leaves it alone (never created twice), and collects what finished since the last round.
//
// A stopping daemon aborts the rounds' signals: the waits end at once (the endpoint goes on being
// created in SageMaker; the next start finds it Creating and waits for it), nothing is recorded for
// them, and settled() resolves.
import type { Clock } from '../clock.js';
import { AdaptiveLimit, runLimited } from '../provision/parallel.js';
import { formatDuration } from '../provision/wait.js';
import type { Logger } from './logger.js';

export interface QueuedWork<T> {
  /** The cloud work; throws on failure (a throttled attempt is retried with fewer endpoints at once). */
  work: (signal: AbortSignal) => Promise<void>;
  /** What the round reports once the work ended (error: undefined when it succeeded). */
  done: (error: unknown) => T | Promise<T>;
}

export interface ProvisionQueueOptions {
  clock: Clock;
  log: Logger;
  /** At most this many endpoints at once; fewer while AWS throttles. */
  concurrency: number;
  /** Wait after a throttled attempt before trying again, doubled each time (default 30 s). */
  throttleBackoffMs?: number;
}

export class ProvisionQueue<T> {
  readonly limit: AdaptiveLimit;
  private readonly running = new Map<string, Promise<void>>();
  private finished: T[] = [];

  constructor(private readonly o: ProvisionQueueOptions) {
    this.limit = new AdaptiveLimit(o.concurrency, (limit, why) =>
      why === 'throttled'
        ? o.log.warn({ limit, max: o.concurrency }, 'AWS is throttling: fewer endpoints provisioned at once')
        : o.log.info({ limit, max: o.concurrency }, 'provisioning concurrency grows back'),
    );
  }

  has(endpoint: string): boolean {
    return this.running.has(endpoint);
  }

  /** Endpoints queued or being worked on. */
  inFlight(): string[] {
    return [...this.running.keys()];
  }

  /** Starts `item` for `endpoint` unless it is already in the queue (then false). */
  add(endpoint: string, signal: AbortSignal, item: QueuedWork<T>): boolean {
    if (this.running.has(endpoint)) return false;
    const { clock, log } = this.o;
    const queuedAt = clock.now();
    log.info(
      { endpoint, inFlight: this.running.size + 1, atOnce: this.limit.limit },
      this.running.size >= this.limit.limit ? 'provisioning queued (others first)' : 'provisioning',
    );
    const run = runLimited(() => item.work(signal), {
      limit: this.limit,
      clock,
      signal,
      ...(this.o.throttleBackoffMs !== undefined ? { backoffMs: this.o.throttleBackoffMs } : {}),
      onThrottled: (e, retryInMs) =>
        log.warn(
          {
            endpoint,
            code: e.code,
            atOnce: this.limit.limit,
            ...(retryInMs !== undefined ? { retryInSeconds: retryInMs / 1000 } : {}),
          },
          retryInMs !== undefined ? 'throttled; trying again later' : 'throttled; giving up for this round',
        ),
    })
      .then(
        async () => {
          log.info({ endpoint, elapsed: formatDuration(clock.now() - queuedAt) }, 'provisioning done');
          this.finished.push(await item.done(undefined));
        },
        async (e: unknown) => {
          if (signal.aborted) {
            log.info(
              { endpoint },
              'stopped waiting (shutting down); SageMaker carries on, and the next start picks the endpoint up where it is',
            );
            return;
          }
          this.finished.push(await item.done(e));
        },
      )
      // Nobody awaits this but settled(): recording the outcome must not become an unhandled rejection.
      .catch((e: unknown) =>
        log.error({ endpoint, err: (e as Error).message }, 'could not record the provisioning outcome'),
      );
    const tracked = run.finally(() => this.running.delete(endpoint));
    this.running.set(endpoint, tracked);
    return true;
  }

  /** What ended since the last call (not what a shutdown cut short). */
  takeFinished(): T[] {
    return this.finished.splice(0);
  }

  /** Resolves once nothing is queued or running (at once after an abort). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}
