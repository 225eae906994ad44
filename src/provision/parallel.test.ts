// AIMD concurrency: a throttled call halves how many endpoints run at once (once per round of
// throttles), each success adds one back up to the maximum; throttled work is tried again.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { CloudError } from '../cloud/types.js';
import { AdaptiveLimit, isThrottling, runLimited } from './parallel.js';

const throttled = (): CloudError =>
  new CloudError(
    'SageMaker CreateEndpoint failed: Rate exceeded',
    'ThrottlingException',
    true,
    'CreateEndpoint',
  );

describe('AdaptiveLimit', () => {
  it('hands out at most `max` slots; the next waits for a release', async () => {
    const limit = new AdaptiveLimit(2);
    const a = await limit.acquire();
    await limit.acquire();
    let third = false;
    void limit.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    limit.release(a, 'failed');
    await Promise.resolve();
    expect(third).toBe(true);
    expect(limit.active).toBe(2);
  });

  it('halves on a throttle, once for work started before the cut, and grows back by one per success', async () => {
    const changes: string[] = [];
    const limit = new AdaptiveLimit(10, (n, why) => changes.push(`${why} ${n}`));
    const slots = await Promise.all(Array.from({ length: 10 }, () => limit.acquire()));
    // Five endpoints throttled in the same burst: one cut (10 -> 5), not five (10 -> 0).
    for (const s of slots.slice(0, 5)) limit.release(s, 'throttled');
    expect(limit.limit).toBe(5);
    // A throttle seen by work that started after the cut is a new signal: 5 -> 2.
    const fresh = await waitFor(limit, slots.slice(5));
    limit.release(fresh, 'throttled');
    expect(limit.limit).toBe(2);
    // Never below one.
    const one = await limit.acquire();
    limit.release(one, 'throttled');
    expect(limit.limit).toBe(1);
    // Successes: +1 each, up to the maximum.
    for (let i = 0; i < 12; i++) limit.release(await limit.acquire(), 'ok');
    expect(limit.limit).toBe(10);
    expect(changes.slice(0, 3)).toEqual(['throttled 5', 'throttled 2', 'throttled 1']);
  });

  it('an aborted wait for a slot rejects and leaves the queue', async () => {
    const limit = new AdaptiveLimit(1);
    const held = await limit.acquire();
    const ac = new AbortController();
    const waiting = limit.acquire(ac.signal);
    ac.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    limit.release(held, 'ok');
    expect(limit.active).toBe(0);
  });
});

/** Frees the given slots (as failures: no change to the limit) and takes one new one. */
async function waitFor(limit: AdaptiveLimit, free: { epoch: number }[]): Promise<{ epoch: number }> {
  const next = limit.acquire();
  for (const s of free) limit.release(s, 'failed');
  return next;
}

describe('runLimited', () => {
  it('tries throttled work again after a doubling backoff, and gives up after the retries', async () => {
    const clock = new VirtualClock(0);
    const limit = new AdaptiveLimit(4);
    const tries: number[] = [];
    const run = runLimited(
      async () => {
        tries.push(clock.now());
        throw throttled();
      },
      { limit, clock, retries: 2, backoffMs: 1000 },
    );
    const settled = run.catch((e: unknown) => e);
    await clock.advance(0); // the first try starts before time moves
    for (let i = 0; i < 10; i++) await clock.advance(500);
    expect(await settled).toBeInstanceOf(CloudError);
    // At 0, after 1 s, then after 2 s more.
    expect(tries).toEqual([0, 1000, 3000]);
    expect(limit.limit).toBe(1);
  });

  it('does not retry what is not throttling', async () => {
    const clock = new VirtualClock(0);
    const limit = new AdaptiveLimit(4);
    let tries = 0;
    await expect(
      runLimited(
        async () => {
          tries++;
          throw new CloudError('AccessDenied', 'AccessDeniedException', false);
        },
        { limit, clock },
      ),
    ).rejects.toThrow('AccessDenied');
    expect(tries).toBe(1);
    expect(limit.limit).toBe(4);
  });

  it('knows throttling codes from other errors', () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling(new CloudError('x', 'TooManyRequestsException', true))).toBe(true);
    expect(isThrottling(new CloudError('x', 'ValidationException', false))).toBe(false);
    expect(isThrottling(new Error('ThrottlingException'))).toBe(false);
  });
});
