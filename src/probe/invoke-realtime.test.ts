import { describe, expect, it } from 'vitest';
import { RecordingSkippingClock } from '../../test/probe/scripted-cloud.js';
import {
  COMPONENT,
  ENDPOINT,
  WakingComponentCloud,
  type WakeScript,
} from '../../test/probe/waking-component.js';
import { CloudError, NO_CAPACITY_ERROR } from '../cloud/types.js';
import { InvokeError } from './invoke.js';
import { invokeRealtime, type RealtimeInvokeProgress } from './invoke-realtime.js';

const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const S = 1000;
const COLD: WakeScript = {
  initialCopies: 0,
  alarmAfterMs: 45 * S,
  copyScheduledAfterMs: 50 * S,
  instanceAfterMs: 55 * S,
  copyReadyAfterMs: 60 * S,
};

function setup(script: WakeScript): { clock: RecordingSkippingClock; cloud: WakingComponentCloud } {
  const clock = new RecordingSkippingClock(T0);
  return { clock, cloud: new WakingComponentCloud(clock, script) };
}

// random 1 puts every delay at its ceiling: 2, 4, 8, 16, then 20 s (DEFAULT_REALTIME_RETRY).
const base = {
  endpointName: ENDPOINT,
  componentName: COMPONENT,
  payload: { inputs: 'Hello' },
  timeoutSeconds: 600,
  retry: { random: () => 1 },
};

describe('invokeRealtime', () => {
  it('answers at once from a warm component, with no failed attempt', async () => {
    const { clock, cloud } = setup({ ...COLD, initialCopies: 1 });
    cloud.invokeAnswer = () => ({
      body: new TextEncoder().encode('{"out":"hi"}'),
      contentType: 'application/json',
    });
    const r = await invokeRealtime(cloud, clock, base);
    expect(r.outcome).toBe('success');
    expect(new TextDecoder().decode(r.output)).toBe('{"out":"hi"}');
    expect(r.outputContentType).toBe('application/json');
    expect(r).toMatchObject({ attempts: 1, failedAttempts: 0, noCapacityFailures: 0 });
    expect(r.timings.waitedMs).toBe(0);
    expect(cloud.requests[0]).toEqual({
      endpointName: ENDPOINT,
      inferenceComponentName: COMPONENT,
      body: '{"inputs":"Hello"}',
      contentType: 'application/json',
    });
  });

  it('retries with backoff while the component has no copy, and says how long it waited', async () => {
    const { clock, cloud } = setup(COLD);
    const events: RealtimeInvokeProgress[] = [];
    const r = await invokeRealtime(cloud, clock, { ...base, onProgress: (e) => events.push(e) });
    // The first attempt at +0 s starts the wake; the copy serves from +60 s. Attempts at
    // +0, +2, +6, +14, +30, +50 (refused) and +70 s (answered).
    expect(clock.sleeps).toEqual([2, 4, 8, 16, 20, 20].map((s) => s * S));
    expect(r.outcome).toBe('success');
    expect(r).toMatchObject({ attempts: 7, failedAttempts: 6, noCapacityFailures: 6 });
    expect(r.failures.map((f) => (f.at - T0) / S)).toEqual([0, 2, 6, 14, 30, 50]);
    expect(r.failures.every((f) => f.code === NO_CAPACITY_ERROR)).toBe(true);
    expect(r.timings.waitedMs).toBe(70 * S);
    expect(r.timings.answeredAttemptAt).toBe(T0 + 70 * S);
    expect(events.filter((e) => e.kind === 'attempt-failed')).toHaveLength(6);
    expect(events.at(-1)?.message).toBe('success after 1m 10s (6 failed attempts, waited 1m 10s)');
  });

  it('ends with timeout after a last attempt at the deadline', async () => {
    const { clock, cloud } = setup({ ...COLD, never: true });
    const r = await invokeRealtime(cloud, clock, { ...base, timeoutSeconds: 60 });
    // +0, +2, +6, +14, +30, +50, then the 20 s delay is cut to the deadline: a last attempt at +60.
    expect(clock.sleeps).toEqual([2, 4, 8, 16, 20, 10].map((s) => s * S));
    expect(r.outcome).toBe('timeout');
    expect(r).toMatchObject({ attempts: 7, failedAttempts: 7, noCapacityFailures: 7 });
    expect(r.error?.code).toBe(NO_CAPACITY_ERROR);
    expect(r.timings.totalMs).toBe(60 * S);
  });

  it('retries a throttled call as well, and counts it apart from no-capacity refusals', async () => {
    const { clock, cloud } = setup({ ...COLD, initialCopies: 1 });
    cloud.invokeErrors.push(new CloudError('Rate exceeded', 'ThrottlingException', true, 'InvokeEndpoint'));
    const r = await invokeRealtime(cloud, clock, base);
    expect(r).toMatchObject({ outcome: 'success', attempts: 2, failedAttempts: 1, noCapacityFailures: 0 });
    expect(r.timings.waitedMs).toBe(2 * S);
  });

  it('stops at a non-retryable error (the model failed) with its code and message', async () => {
    const { clock, cloud } = setup({ ...COLD, initialCopies: 1 });
    cloud.invokeErrors.push(new CloudError('Received server error (500) from model', 'ModelError', false));
    const r = await invokeRealtime(cloud, clock, base);
    expect(r.outcome).toBe('error');
    expect(r.error).toEqual({ code: 'ModelError', message: 'Received server error (500) from model' });
    expect(r).toMatchObject({ attempts: 1, failedAttempts: 0 });
    expect(clock.sleeps).toEqual([]);
  });

  it('lets an error that is not the cloud speaking (a bug) through', async () => {
    const { clock, cloud } = setup({ ...COLD, initialCopies: 1 });
    cloud.invokeErrors.push(new TypeError('boom'));
    await expect(invokeRealtime(cloud, clock, base)).rejects.toThrow('boom');
  });

  it('is interrupted by its abort signal between attempts', async () => {
    const { clock, cloud } = setup(COLD);
    const abort = new AbortController();
    const r = await invokeRealtime(cloud, clock, {
      ...base,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.kind === 'attempt-failed' && e.attempt === 2) abort.abort(new Error('stop'));
      },
    });
    expect(r.outcome).toBe('interrupted');
    expect(r.attempts).toBe(2);
    expect(clock.sleeps).toEqual([2 * S]);
  });

  it('calls betweenAttempts after each failure and survives it throwing', async () => {
    const { clock, cloud } = setup(COLD);
    const seen: number[] = [];
    const r = await invokeRealtime(cloud, clock, {
      ...base,
      betweenAttempts: async (f) => {
        seen.push(f.attempt);
        throw new Error('describe failed');
      },
    });
    expect(r.outcome).toBe('success');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a non-positive timeout', async () => {
    const { clock, cloud } = setup(COLD);
    await expect(invokeRealtime(cloud, clock, { ...base, timeoutSeconds: 0 })).rejects.toBeInstanceOf(
      InvokeError,
    );
  });
});
