import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from './clock.js';

afterEach(() => vi.useRealTimers());

describe('SystemClock.sleep', () => {
  it('waits out delays longer than a timer can hold (2^31-1 ms), e.g. a monthly schedule', async () => {
    vi.useFakeTimers();
    let done = false;
    void new SystemClock().sleep(30 * 86_400_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(29 * 86_400_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(done).toBe(true);
  });

  it('rejects with the signal’s reason when aborted mid-wait', async () => {
    vi.useFakeTimers();
    const abort = new AbortController();
    const p = new SystemClock().sleep(40 * 86_400_000, abort.signal);
    await vi.advanceTimersByTimeAsync(25 * 86_400_000);
    abort.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
