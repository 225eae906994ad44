// One synchronous invocation of a real-time endpoint's inference component, retried while the
// component wakes. Unlike an async endpoint, a real-time endpoint does not queue: while a component
// has no copy, InvokeEndpoint fails at once with a "no capacity" error, and those failures are what
// the wake alarm counts (NoCapacityInvocationFailures; see the README, "Real-time endpoints"). So the
// caller must retry, and the first failure is also what starts the wake: retrying is the design,
// not a workaround. Retries back off (backoff.ts) up to a deadline; the result says how many
// attempts failed and how long the caller waited.
import type { Clock } from '../clock.js';
import { CloudError, NO_CAPACITY_ERROR, type Cloud, type RealtimeInvocation } from '../cloud/types.js';
import { Backoff, jitterFrom, type BackoffOptions } from './backoff.js';
import {
  defaultContentType,
  encodePayload,
  formatDuration,
  InvokeError,
  type InvokePayload,
} from './invoke.js';

export type RealtimeInvokeOutcome = 'success' | 'error' | 'timeout' | 'interrupted';

export interface InvokeRealtimeOptions {
  endpointName: string;
  /** The inference component to call; absent for an endpoint whose variant serves a model directly. */
  componentName?: string;
  /** Bytes and strings are sent as they are; anything else as JSON. */
  payload: InvokePayload;
  /** Default: application/json for objects and lists, application/octet-stream otherwise. */
  contentType?: string;
  /** Stop retrying this long after the start (one last attempt is made at the deadline). */
  timeoutSeconds: number;
  /** Aborting ends the wait with outcome `interrupted`. */
  signal?: AbortSignal;
  /**
   * Delays between attempts (default DEFAULT_REALTIME_RETRY). `random` defaults to the cloud's own
   * source when it has one (the simulated cloud's seed), else Math.random.
   */
  retry?: BackoffOptions;
  onProgress?: (event: RealtimeInvokeProgress) => void;
  /**
   * Called after each failed attempt, before the wait for the next one: probes read the component,
   * the endpoint and the wake alarm here, so their looks are as frequent as the retries and no more.
   * Its errors are ignored (observation must not lose the invocation).
   */
  betweenAttempts?: (failure: FailedAttempt) => Promise<void>;
}

export interface FailedAttempt {
  /** 1-based. */
  attempt: number;
  at: number;
  code: string;
  message: string;
}

export interface RealtimeInvokeProgress {
  kind: 'attempt-failed' | 'finished';
  at: number;
  elapsedMs: number;
  attempt: number;
  /** attempt-failed: the error code (NO_CAPACITY_ERROR while the component is at zero). */
  code?: string;
  /** attempt-failed: how long until the next attempt, ms (0 when the deadline has come). */
  nextDelayMs?: number;
  outcome?: RealtimeInvokeOutcome;
  message: string;
}

export interface InvokeRealtimeResult {
  outcome: RealtimeInvokeOutcome;
  /** The response body (outcome `success`). */
  output?: Uint8Array;
  outputContentType?: string;
  /** InvokeEndpoint calls made, the last one included. */
  attempts: number;
  /** Attempts that failed with a retryable error (they are what the caller saw while waiting). */
  failedAttempts: number;
  /** Of those, the ones refused for lack of capacity (the component at zero, or every copy busy). */
  noCapacityFailures: number;
  /** The failed attempts, oldest first (at most MAX_KEPT_FAILURES; the counts above are exact). */
  failures: FailedAttempt[];
  /** Outcome `error`: the non-retryable failure; `timeout`: the last retryable one. */
  error?: { code: string; message: string };
  timings: {
    startedAt: number;
    /** Start of the attempt that answered (outcome `success` or `error`). */
    answeredAttemptAt?: number;
    finishedAt: number;
    totalMs: number;
    /** From the start to the start of the answering attempt (every failed attempt and every wait). */
    waitedMs: number;
  };
}

/**
 * Retries start at 2 s and double to 20 s, with a quarter jitter: the first failure raises the wake
 * alarm within its 60 s period whatever the schedule, and a wake takes minutes (a copy, often an
 * instance), so a 20 s cap answers at most 20 s after the copy serves, for about 4 + (W - 30) / 20 refused
 * calls over a wake of W seconds (28 for the simulated 510 s wake of test/probe/realtime-sim.test.ts);
 * AWS counts them and bills nothing for them.
 */
export const DEFAULT_REALTIME_RETRY = { initialMs: 2_000, maxMs: 20_000, jitter: 0.25 } as const;
const MAX_KEPT_FAILURES = 50;

/** True for the failures worth another attempt: no capacity yet, throttling, a 5xx, a network error. */
export function isRetryableInvokeError(e: unknown): e is CloudError {
  return e instanceof CloudError && (e.code === NO_CAPACITY_ERROR || e.retryable);
}

export async function invokeRealtime(
  cloud: Cloud,
  clock: Clock,
  options: InvokeRealtimeOptions,
): Promise<InvokeRealtimeResult> {
  if (!(options.timeoutSeconds > 0)) {
    throw new InvokeError(`timeoutSeconds must be positive, got ${options.timeoutSeconds}`, 'InvalidRequest');
  }
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutSeconds * 1000;
  const signal = options.signal;
  const backoff = new Backoff({
    ...DEFAULT_REALTIME_RETRY,
    ...options.retry,
    random: options.retry?.random ?? jitterFrom(cloud),
  });
  const request: RealtimeInvocation = {
    endpointName: options.endpointName,
    body: encodePayload(options.payload),
    contentType: options.contentType ?? defaultContentType(options.payload),
    ...(options.componentName !== undefined ? { inferenceComponentName: options.componentName } : {}),
  };
  const result: InvokeRealtimeResult = {
    outcome: 'timeout',
    attempts: 0,
    failedAttempts: 0,
    noCapacityFailures: 0,
    failures: [],
    timings: { startedAt, finishedAt: startedAt, totalMs: 0, waitedMs: 0 },
  };
  const emit = (event: Omit<RealtimeInvokeProgress, 'at' | 'elapsedMs' | 'attempt'>): void => {
    if (!options.onProgress) return;
    const at = clock.now();
    try {
      options.onProgress({ ...event, at, elapsedMs: at - startedAt, attempt: result.attempts });
    } catch {
      // A listener's bug must not lose the invocation.
    }
  };
  const finish = (outcome: RealtimeInvokeOutcome, attemptAt?: number): InvokeRealtimeResult => {
    const at = clock.now();
    result.outcome = outcome;
    result.timings.finishedAt = at;
    result.timings.totalMs = at - startedAt;
    if (attemptAt !== undefined) result.timings.answeredAttemptAt = attemptAt;
    result.timings.waitedMs = (attemptAt ?? at) - startedAt;
    emit({ kind: 'finished', outcome, message: finishedMessage(result) });
    return result;
  };

  for (;;) {
    if (signal?.aborted) return finish('interrupted');
    const attemptAt = clock.now();
    result.attempts++;
    try {
      const answer = await cloud.invokeEndpoint(request);
      result.output = answer.body;
      if (answer.contentType !== undefined) result.outputContentType = answer.contentType;
      return finish('success', attemptAt);
    } catch (e) {
      if (!isRetryableInvokeError(e)) {
        if (!(e instanceof CloudError)) throw e;
        result.error = { code: e.code, message: e.message };
        return finish('error', attemptAt);
      }
      result.failedAttempts++;
      if (e.code === NO_CAPACITY_ERROR) result.noCapacityFailures++;
      result.error = { code: e.code, message: e.message };
      const failure: FailedAttempt = {
        attempt: result.attempts,
        at: attemptAt,
        code: e.code,
        message: e.message,
      };
      if (result.failures.length < MAX_KEPT_FAILURES) result.failures.push(failure);
      if (options.betweenAttempts) {
        try {
          await options.betweenAttempts(failure);
        } catch {
          // As with listeners: a failed look at the component must not end the retries.
        }
      }
      const now = clock.now();
      if (now >= deadline) return finish('timeout');
      const delay = Math.min(backoff.next(), deadline - now);
      emit({
        kind: 'attempt-failed',
        code: e.code,
        nextDelayMs: delay,
        message: failedMessage(options, e, result.failedAttempts, delay, now - startedAt),
      });
      try {
        await clock.sleep(delay, signal);
      } catch (err) {
        if (signal?.aborted) return finish('interrupted');
        throw err;
      }
    }
  }
}

function target(options: InvokeRealtimeOptions): string {
  return options.componentName !== undefined
    ? `${options.endpointName}/${options.componentName}`
    : options.endpointName;
}

function failedMessage(
  options: InvokeRealtimeOptions,
  e: CloudError,
  failed: number,
  delayMs: number,
  elapsedMs: number,
): string {
  const why = e.code === NO_CAPACITY_ERROR ? 'no capacity yet (the component is waking)' : e.code;
  return `${target(options)}: attempt ${failed} failed: ${why}; retrying in ${formatDuration(delayMs)} (${formatDuration(elapsedMs)} elapsed)`;
}

function finishedMessage(r: InvokeRealtimeResult): string {
  const failed = `${r.failedAttempts} failed attempt${r.failedAttempts === 1 ? '' : 's'}`;
  return `${r.outcome} after ${formatDuration(r.timings.totalMs)} (${failed}, waited ${formatDuration(r.timings.waitedMs)})`;
}
