// One asynchronous inference from start to finish: upload the payload, InvokeEndpointAsync, wait for
// the output or the failure object, delete what was created. SageMaker has no status API for async
// requests (docs/ARCHITECTURE.md, "AWS facts the code honours"), so waiting means polling S3; while the endpoint has no instance the wait is a
// cold start, which is reported as "waiting for capacity" from DescribeEndpoint.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { CloudError, parseS3Uri, type Cloud, type EndpointState } from '../cloud/types.js';
import { Backoff, jitterFrom, type BackoffOptions } from './backoff.js';

export type InvokePayload = Uint8Array | string | Record<string, unknown> | unknown[];

export type InvokeOutcome = 'success' | 'model_error' | 'timeout' | 'interrupted';

export interface InvokeAsyncOptions {
  endpointName: string;
  /** Bytes and strings are sent as they are; anything else as JSON. */
  payload: InvokePayload;
  /** Default: application/json for objects and lists, application/octet-stream otherwise. */
  contentType?: string;
  /** S3 prefix (s3://bucket/prefix/) the input is uploaded under, as `<inferenceId>.in`. */
  bucket: string;
  /** Default: `sagezero-<uuid>`. At most 64 printable characters. */
  inferenceId?: string;
  /** Stop waiting this long after the start (the request may still run later; see `requestTtlSeconds`). */
  timeoutSeconds: number;
  /** How long SageMaker keeps the request queued (60-21600). Default: the timeout, within those bounds. */
  requestTtlSeconds?: number;
  /** SageMaker's processing limit for the request (1-3600). Default: SageMaker's (900). */
  invocationTimeoutSeconds?: number;
  /**
   * Keep the input, output and failure objects instead of deleting them: `true` always, `'unfinished'`
   * only after a timeout or an interruption, when the request is still queued and needs its input.
   */
  keepObjects?: boolean | 'unfinished';
  /** Aborting ends the wait with outcome `interrupted` (objects are still cleaned up). */
  signal?: AbortSignal;
  /** Awaited: a listener that records the event (the probe's row) finishes before the next request. */
  onProgress?: (event: InvokeProgress) => void | Promise<void>;
  /**
   * Delays between looks at the output/failure locations once the endpoint has an instance in service
   * (defaults: 1 s doubling to 30 s). Both schedules jitter with `poll.random`, else the cloud's own
   * random source when it has one (the simulated cloud's, from its seed), else Math.random.
   */
  poll?: BackoffOptions;
  /**
   * Delays between DescribeEndpoint calls while the endpoint has no instance in service, when S3 is
   * not read at all (default: DEFAULT_CAPACITY_POLL; `random` is taken from `poll`).
   */
  capacityPoll?: Omit<BackoffOptions, 'random'>;
  /**
   * Read at most this many bytes of the output (`output` then holds that prefix and
   * `outputTruncated` says so). Default: all of it. Probes set it: they need to know the model
   * answered, not to hold a generated image or gigabytes of text in memory.
   */
  outputMaxBytes?: number;
  /** While waiting, emit a progress line at least this often, ms (default 60 s). */
  heartbeatMs?: number;
}

export type InvokeProgressKind =
  'started' | 'uploaded' | 'invoked' | 'waiting-for-capacity' | 'capacity-ready' | 'waiting' | 'finished';

export interface InvokeProgress {
  kind: InvokeProgressKind;
  /** Clock time of the event, ms. */
  at: number;
  /** Since the start of the invocation, ms. */
  elapsedMs: number;
  /** In-service instances of the endpoint as last seen (sum over variants). */
  instances?: number;
  /** Desired instances as last seen: above `instances` while a scale-out is under way. */
  desiredInstances?: number;
  outcome?: InvokeOutcome;
  /** One line for a person. */
  message: string;
}

/** The endpoint as seen by one DescribeEndpoint during the wait (only changes are kept). */
export interface CapacityObservation {
  at: number;
  status: EndpointState['status'];
  instances: number;
  desiredInstances: number;
}

export interface InvokeTimings {
  startedAt: number;
  uploadedAt?: number;
  invokedAt?: number;
  /** When the output or failure object was first seen (a poll), or when waiting stopped. */
  finishedAt: number;
  /** finishedAt - startedAt. */
  totalMs: number;
  /** Part of the wait during which the endpoint was seen with no instance in service. */
  waitingForCapacityMs: number;
}

export interface InvokeAsyncResult {
  outcome: InvokeOutcome;
  inferenceId: string;
  inputLocation: string;
  outputLocation?: string;
  failureLocation?: string;
  /** The output object's bytes (outcome `success`); its first `outputMaxBytes` when that was set. */
  output?: Uint8Array;
  /** True when the output is longer than `outputMaxBytes` and `output` holds only its start. */
  outputTruncated?: boolean;
  /** The failure object's text (outcome `model_error`, or `timeout` when SageMaker expired the request), at most 64 KiB. */
  failure?: string;
  timings: InvokeTimings;
  /** In-service instances when the invocation started (0: a cold start). */
  instancesAtStart: number;
  /** Endpoint states seen while waiting for capacity, in time order. */
  capacity: CapacityObservation[];
  /** How many times the output/failure locations were checked (one or two GetObject each). */
  polls: number;
  /** DescribeEndpoint calls made while waiting (not counting the one before the upload). */
  capacityPolls: number;
  /** Objects that could not be deleted, with why (never fatal: the result is already known). */
  cleanupErrors: string[];
}

/** A request that cannot be made as asked (no such endpoint, bad bucket, bad id). */
export class InvokeError extends Error {
  constructor(
    message: string,
    readonly code: 'EndpointNotFound' | 'InvalidRequest',
  ) {
    super(message);
    this.name = 'InvokeError';
  }
}

const MAX_FAILURE_TEXT = 64 * 1024;
/**
 * Waiting for capacity: a cold start takes minutes (the wake alarm, then the instance's boot), so
 * DescribeEndpoint backs off from 15 s to every 67.5-90 s. The cap bounds how late the first look at
 * S3 after the instance came up can be, and with it how late a result already written then is seen;
 * the quarter jitter (not half) keeps the unluckiest draws from adding calls to an 11-minute cold
 * start (see test/probe/probe-api-budget.test.ts for the count).
 */
export const DEFAULT_CAPACITY_POLL = { initialMs: 15_000, maxMs: 90_000, jitter: 0.25 } as const;
/** Consecutive retryable errors while polling before the wait gives up. */
const MAX_TRANSIENT_POLL_ERRORS = 5;
const INFERENCE_ID = /^\S[\x20-\x7e]{0,63}$/;

export function encodePayload(payload: InvokePayload): Uint8Array | string {
  if (payload instanceof Uint8Array || typeof payload === 'string') return payload;
  return JSON.stringify(payload);
}

export function defaultContentType(payload: InvokePayload): string {
  return payload instanceof Uint8Array || typeof payload === 'string'
    ? 'application/octet-stream'
    : 'application/json';
}

/** `s3://bucket/prefix` -> `s3://bucket/prefix/` (keys are made under it). */
export function normalizePrefix(uri: string): string {
  const { bucket, key } = parseS3Uri(uri);
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  return `s3://${bucket}/${prefix}`;
}

/** The inference id (given or made up) and where its input goes; refuses what SageMaker would. */
function prepare(options: { inferenceId?: string; bucket: string }): {
  inferenceId: string;
  inputLocation: string;
} {
  const inferenceId = options.inferenceId ?? `sagezero-${randomUUID()}`;
  if (!INFERENCE_ID.test(inferenceId)) {
    throw new InvokeError(
      `inference id ${JSON.stringify(inferenceId)} must be 1-64 printable ASCII characters, not starting with a space`,
      'InvalidRequest',
    );
  }
  let prefix: string;
  try {
    prefix = normalizePrefix(options.bucket);
  } catch {
    throw new InvokeError(
      `bucket must be an S3 URI like s3://my-bucket/prefix/, got ${JSON.stringify(options.bucket)}`,
      'InvalidRequest',
    );
  }
  return { inferenceId, inputLocation: `${prefix}${inferenceId}.in` };
}

export function inServiceInstances(ep: EndpointState): number {
  return ep.variants.reduce((n, v) => n + v.currentInstanceCount, 0);
}

export function desiredInstances(ep: EndpointState): number {
  return ep.variants.reduce((n, v) => n + v.desiredInstanceCount, 0);
}

export async function invokeAsync(
  cloud: Cloud,
  clock: Clock,
  options: InvokeAsyncOptions,
): Promise<InvokeAsyncResult> {
  if (!(options.timeoutSeconds > 0)) {
    throw new InvokeError(`timeoutSeconds must be positive, got ${options.timeoutSeconds}`, 'InvalidRequest');
  }
  const { inferenceId, inputLocation } = prepare(options);
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutSeconds * 1000;
  const heartbeatMs = options.heartbeatMs ?? 60_000;
  const signal = options.signal;
  const emit = async (event: Omit<InvokeProgress, 'at' | 'elapsedMs'>): Promise<void> => {
    if (!options.onProgress) return;
    const at = clock.now();
    try {
      await options.onProgress({ ...event, at, elapsedMs: at - startedAt });
    } catch {
      // A progress listener's bug must not lose the inference (or its clean-up).
    }
  };

  const result: InvokeAsyncResult = {
    outcome: 'timeout',
    inferenceId,
    inputLocation,
    timings: { startedAt, finishedAt: startedAt, totalMs: 0, waitingForCapacityMs: 0 },
    instancesAtStart: 0,
    capacity: [],
    polls: 0,
    capacityPolls: 0,
    cleanupErrors: [],
  };
  let uploaded = false;
  let invokedYet = false;
  let finished = false;
  /** Set while the endpoint is seen with no instance in service. */
  let waitingSince: number | undefined;
  const finish = (outcome: InvokeOutcome): InvokeAsyncResult => {
    const at = clock.now();
    if (waitingSince !== undefined) result.timings.waitingForCapacityMs += at - waitingSince;
    waitingSince = undefined;
    result.outcome = outcome;
    result.timings.finishedAt = at;
    result.timings.totalMs = at - startedAt;
    finished = true;
    return result;
  };

  try {
    const endpoint = await cloud.getEndpoint(options.endpointName);
    if (!endpoint) {
      throw new InvokeError(
        `endpoint ${options.endpointName} does not exist in ${cloud.region}`,
        'EndpointNotFound',
      );
    }
    let instances = inServiceInstances(endpoint);
    let desired = desiredInstances(endpoint);
    result.instancesAtStart = instances;
    const observe = (ep: EndpointState): void => {
      const obs: CapacityObservation = {
        at: clock.now(),
        status: ep.status,
        instances: inServiceInstances(ep),
        desiredInstances: desiredInstances(ep),
      };
      const last = result.capacity[result.capacity.length - 1];
      if (
        !last ||
        last.status !== obs.status ||
        last.instances !== obs.instances ||
        last.desiredInstances !== obs.desiredInstances
      ) {
        result.capacity.push(obs);
      }
    };
    if (instances === 0) observe(endpoint);
    await emit({
      kind: 'started',
      instances,
      desiredInstances: desired,
      message: `${options.endpointName}: ${instances} instance(s) in service (${endpoint.status})`,
    });
    if (signal?.aborted) return finish('interrupted');

    await cloud.putObject(
      inputLocation,
      encodePayload(options.payload),
      options.contentType ?? defaultContentType(options.payload),
    );
    uploaded = true;
    result.timings.uploadedAt = clock.now();
    await emit({ kind: 'uploaded', message: `uploaded input to ${inputLocation}` });
    if (signal?.aborted) return finish('interrupted');

    const ttl =
      options.requestTtlSeconds ?? Math.min(21_600, Math.max(60, Math.ceil(options.timeoutSeconds)));
    const invoked = await cloud.invokeEndpointAsync({
      endpointName: options.endpointName,
      inputLocation,
      inferenceId,
      contentType: options.contentType ?? defaultContentType(options.payload),
      requestTtlSeconds: ttl,
      ...(options.invocationTimeoutSeconds !== undefined
        ? { invocationTimeoutSeconds: options.invocationTimeoutSeconds }
        : {}),
    });
    invokedYet = true;
    result.timings.invokedAt = clock.now();
    const ttlExpiresAt = result.timings.invokedAt + ttl * 1000;
    result.outputLocation = invoked.outputLocation;
    if (invoked.failureLocation) result.failureLocation = invoked.failureLocation;
    await emit({
      kind: 'invoked',
      message: `queued inference ${inferenceId}; output will appear at ${invoked.outputLocation}`,
    });

    /** One look at the output location and, with `withFailure`, the failure location: the answer, if any. */
    const readAnswer = async (withFailure: boolean): Promise<InvokeAsyncResult | undefined> => {
      result.polls++;
      // One byte past the limit tells whether there was more.
      const max = options.outputMaxBytes;
      const output = await cloud.getObject(
        invoked.outputLocation,
        max !== undefined ? { maxBytes: max + 1 } : undefined,
      );
      if (output !== undefined) {
        if (max !== undefined && output.length > max) {
          result.output = output.subarray(0, max);
          result.outputTruncated = true;
        } else result.output = output;
        return finish('success');
      }
      if (!withFailure || !invoked.failureLocation) return undefined;
      const failure = await cloud.getObject(invoked.failureLocation, { maxBytes: MAX_FAILURE_TEXT + 1 });
      if (failure === undefined) return undefined;
      result.failure = decodeText(failure, MAX_FAILURE_TEXT);
      // A failure seen once the request's TTL has run out is SageMaker expiring it in the queue (no
      // capacity in time), not the model failing: that is a timeout.
      return finish(clock.now() >= ttlExpiresAt ? 'timeout' : 'model_error');
    };

    const random = options.poll?.random ?? jitterFrom(cloud);
    // Two schedules (see "Polling" in the README): while no instance is in service the output cannot
    // appear, so only DescribeEndpoint is called, on a slow backoff; once one is, only S3 is read, on
    // a fast backoff that starts over, since the output usually follows within seconds.
    const resultBackoff = new Backoff({ ...options.poll, random });
    const capacityBackoff = new Backoff({ ...DEFAULT_CAPACITY_POLL, ...options.capacityPoll, random });
    /** Result checks since capacity was seen: the failure location is read on every other one. */
    let resultChecks = 0;
    let transientErrors = 0;
    if (instances === 0) waitingSince = startedAt;
    let lastBeat = clock.now();
    if (instances === 0) {
      await emit({
        kind: 'waiting-for-capacity',
        instances,
        desiredInstances: desired,
        message: capacityMessage(options.endpointName, desired, 0),
      });
    }
    // The first look waits one delay: nothing can have been written the instant the request was queued.
    for (;;) {
      const now = clock.now();
      if (now - lastBeat >= heartbeatMs) {
        lastBeat = now;
        if (instances === 0) {
          await emit({
            kind: 'waiting-for-capacity',
            instances,
            desiredInstances: desired,
            message: capacityMessage(options.endpointName, desired, now - startedAt),
          });
        } else {
          await emit({
            kind: 'waiting',
            instances,
            desiredInstances: desired,
            message: `waiting for the result (${formatDuration(now - startedAt)} elapsed)`,
          });
        }
      }
      const delay = instances === 0 ? capacityBackoff.next() : resultBackoff.next();
      try {
        await clock.sleep(Math.min(delay, Math.max(1, deadline - now)), signal);
      } catch (e) {
        if (signal?.aborted) return finish('interrupted');
        throw e;
      }
      if (signal?.aborted) return finish('interrupted');
      try {
        /** Read S3 now; with `bothLocations`, the failure location too whatever the turn. */
        let readResult = instances > 0;
        let bothLocations = false;
        if (instances === 0) {
          result.capacityPolls++;
          const ep = await cloud.getEndpoint(options.endpointName);
          const before = desired;
          if (ep) {
            observe(ep);
            instances = inServiceInstances(ep);
            desired = desiredInstances(ep);
          }
          if (instances > 0) {
            if (waitingSince !== undefined) result.timings.waitingForCapacityMs += clock.now() - waitingSince;
            waitingSince = undefined;
            resultBackoff.reset();
            resultChecks = 0;
            lastBeat = clock.now();
            await emit({
              kind: 'capacity-ready',
              instances,
              desiredInstances: desired,
              message: `${options.endpointName}: ${instances} instance(s) in service after ${formatDuration(clock.now() - startedAt)}; waiting for the result`,
            });
          }
          // S3 is read while waiting only when the result may be there without an instance to show for
          // it: the request's TTL ran out (SageMaker writes an expiry failure), the endpoint is gone,
          // or a scale-out was seen to end at zero (an instance came and went between two looks).
          const mayHaveAnswered = clock.now() >= ttlExpiresAt || !ep || (desired < before && instances === 0);
          readResult = instances > 0 || mayHaveAnswered;
          bothLocations = readResult;
        }
        if (readResult) {
          const answer = await readAnswer(bothLocations || resultChecks % 2 === 0);
          resultChecks++;
          if (answer) return answer;
        }
        transientErrors = 0;
      } catch (e) {
        // One throttled or failed S3/DescribeEndpoint call (after the SDK's own retries) should not
        // lose a 20-minute cold start; a persistent one still ends the wait.
        if (!(e instanceof CloudError) || !e.retryable || ++transientErrors >= MAX_TRANSIENT_POLL_ERRORS)
          throw e;
        await emit({ kind: 'waiting', message: `transient error while polling (${e.code}); trying again` });
      }
      if (clock.now() >= deadline) return finish('timeout');
    }
  } finally {
    const unfinished = !finished || result.outcome === 'timeout' || result.outcome === 'interrupted';
    const keep =
      options.keepObjects === true || (options.keepObjects === 'unfinished' && unfinished && invokedYet);
    if (!keep) await cleanUp(cloud, result, uploaded);
    if (finished) {
      await emit({
        kind: 'finished',
        outcome: result.outcome,
        message: `${result.outcome} after ${formatDuration(result.timings.totalMs)}`,
      });
    }
  }
}

async function cleanUp(cloud: Cloud, result: InvokeAsyncResult, uploaded: boolean): Promise<void> {
  // SageMaker writes exactly one of the output and the failure object: once one was read, the other
  // does not exist and deleting it would be a wasted call.
  const targets = [
    uploaded ? result.inputLocation : undefined,
    result.failure === undefined ? result.outputLocation : undefined,
    result.output === undefined ? result.failureLocation : undefined,
  ].filter((u): u is string => u !== undefined);
  for (const uri of targets) {
    try {
      await cloud.deleteObject(uri);
    } catch (e) {
      result.cleanupErrors.push(`${uri}: ${(e as Error).message}`);
    }
  }
}

function capacityMessage(endpoint: string, desired: number, elapsedMs: number): string {
  const what = desired > 0 ? `scale-out to ${desired} under way` : 'waiting for the wake policy to scale out';
  return `${endpoint}: waiting for capacity (0 instances; ${what}; ${formatDuration(elapsedMs)} elapsed)`;
}

/** Text for people: invalid UTF-8 replaced, cut at `max` bytes (the read stops one byte past it). */
function decodeText(bytes: Uint8Array, max: number): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, max));
  return bytes.length > max ? `${text}… (cut at ${max} bytes)` : text;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export interface SubmitAsyncOptions {
  endpointName: string;
  payload: InvokePayload;
  contentType?: string;
  bucket: string;
  inferenceId?: string;
  requestTtlSeconds?: number;
  invocationTimeoutSeconds?: number;
}

export interface SubmittedInvocation {
  inferenceId: string;
  inputLocation: string;
  outputLocation: string;
  failureLocation?: string;
}

/**
 * Upload and queue without waiting (`sagezero invoke` without --wait). The input object stays: SageMaker
 * reads it when the request reaches an instance, which can be hours later.
 */
export async function submitAsync(cloud: Cloud, options: SubmitAsyncOptions): Promise<SubmittedInvocation> {
  const { inferenceId, inputLocation } = prepare(options);
  const endpoint = await cloud.getEndpoint(options.endpointName);
  if (!endpoint) {
    throw new InvokeError(
      `endpoint ${options.endpointName} does not exist in ${cloud.region}`,
      'EndpointNotFound',
    );
  }
  const contentType = options.contentType ?? defaultContentType(options.payload);
  await cloud.putObject(inputLocation, encodePayload(options.payload), contentType);
  try {
    const r = await cloud.invokeEndpointAsync({
      endpointName: options.endpointName,
      inputLocation,
      inferenceId,
      contentType,
      ...(options.requestTtlSeconds !== undefined ? { requestTtlSeconds: options.requestTtlSeconds } : {}),
      ...(options.invocationTimeoutSeconds !== undefined
        ? { invocationTimeoutSeconds: options.invocationTimeoutSeconds }
        : {}),
    });
    const out: SubmittedInvocation = { inferenceId, inputLocation, outputLocation: r.outputLocation };
    if (r.failureLocation) out.failureLocation = r.failureLocation;
    return out;
  } catch (e) {
    await cloud.deleteObject(inputLocation).catch(() => undefined);
    throw e;
  }
}
