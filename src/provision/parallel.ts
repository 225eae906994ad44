// Many endpoints are provisioned at once, but not all at once: SageMaker throttles bursts of Create*
// and Describe* calls. AdaptiveLimit is AIMD, as TCP's congestion window and the AWS SDK's adaptive
// retry mode are: a call that comes back throttled (after the SDK's own retries) halves how many
// endpoints are worked on at once, and each endpoint that succeeds adds one back, up to the configured
// maximum.
import type { Clock } from '../clock.js';
import { CloudError } from '../cloud/types.js';

// The AWS error codes that mean "slow down" (src/cloud/aws/errors.ts keeps the SDK-facing list; a
// CloudError carries the code through).
const THROTTLING_CODE =
  /throttl|TooManyRequests|RequestLimitExceeded|SlowDown|ProvisionedThroughputExceeded|PriorRequestNotComplete|BandwidthLimitExceeded/i;

export function isThrottling(e: unknown): boolean {
  return e instanceof CloudError && THROTTLING_CODE.test(e.code);
}

/** A slot held; `epoch` tells a throttle seen by work started before the last cut from a new one. */
export interface Slot {
  readonly epoch: number;
}

export type SlotOutcome = 'ok' | 'throttled' | 'failed';

interface Waiter {
  grant: (slot: Slot) => void;
}

export class AdaptiveLimit {
  #limit: number;
  #active = 0;
  #epoch = 0;
  #waiters: Waiter[] = [];

  constructor(
    readonly max: number,
    private readonly onChange?: (limit: number, why: 'throttled' | 'recovered') => void,
  ) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`concurrency must be a positive integer, got ${max}`);
    this.#limit = max;
  }

  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** Waits for a free slot (rejects with the signal's reason when it aborts first). */
  acquire(signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#limit && this.#waiters.length === 0) {
      this.#active++;
      return Promise.resolve({ epoch: this.#epoch });
    }
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(slot: Slot, outcome: SlotOutcome): void {
    this.#active--;
    if (outcome === 'throttled' && slot.epoch === this.#epoch) {
      // Work started before the last cut saw the old rate: one cut per round of throttles, not one per
      // throttled endpoint (five at once would otherwise take 10 down to 1).
      this.#epoch++;
      const next = Math.max(1, Math.floor(this.#limit / 2));
      if (next !== this.#limit) {
        this.#limit = next;
        this.onChange?.(next, 'throttled');
      }
    } else if (outcome === 'ok' && this.#limit < this.max) {
      this.#limit++;
      this.onChange?.(this.#limit, 'recovered');
    }
    while (this.#active < this.#limit && this.#waiters.length > 0) {
      this.#active++;
      this.#waiters.shift()!.grant({ epoch: this.#epoch });
    }
  }
}

export interface LimitedOptions {
  limit: AdaptiveLimit;
  clock: Clock;
  signal?: AbortSignal;
  /** Tries after the first when the work comes back throttled (default 3). */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (default 30 s). */
  backoffMs?: number;
  onThrottled?: (e: CloudError, retryInMs: number | undefined) => void;
}

/**
 * Runs `work` in a slot of the limit. Throttled work gives its slot back (halving the limit), waits,
 * and queues again; the work must be safe to run again (apply is: every step is create-if-missing).
 */
export async function runLimited<T>(work: () => Promise<T>, o: LimitedOptions): Promise<T> {
  const retries = o.retries ?? 3;
  const backoffMs = o.backoffMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    const slot = await o.limit.acquire(o.signal);
    try {
      const v = await work();
      o.limit.release(slot, 'ok');
      return v;
    } catch (e) {
      const throttled = isThrottling(e) && !o.signal?.aborted;
      o.limit.release(slot, throttled ? 'throttled' : 'failed');
      if (!throttled) throw e;
      const retry = attempt < retries ? backoffMs * 2 ** attempt : undefined;
      o.onThrottled?.(e as CloudError, retry);
      if (retry === undefined) throw e;
      await o.clock.sleep(retry, o.signal);
    }
  }
}
