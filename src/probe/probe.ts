// One synthetic invocation of an endpoint, measured: was it cold, how long until the output, and for a
// cold start where the time went (see phases.ts for how each boundary is measured). The row is written
// when the probe starts (outcome `running`) and again when it ends, so a probe cut short by a crash
// is still visible and a daemon restart can mark it interrupted.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import {
  scalableResourceId,
  type AsyncInvocation,
  type AsyncInvocationResult,
  type Cloud,
  type ScalingActivity,
} from '../cloud/types.js';
import type { ProbeRepo, ProbeResult } from '../store/probes.js';
import type { BackoffOptions } from './backoff.js';
import type { ProbeConfig } from './config.js';
import { invokeAsync, type InvokeAsyncResult, type InvokeProgress } from './invoke.js';
import { deriveColdStartPhases, type ColdStartPhases } from './phases.js';
import { probePayload, resolveInputPrefix, type ProbeTargetEndpoint } from './target.js';

/** Where probe results go: the store's probe repository, or anything with the same `save`. */
/** A probe reads this much of the model's output: enough to see it answered, never a whole image. */
export const PROBE_OUTPUT_MAX_BYTES = 64 * 1024;

export type ProbeResultSink = Pick<ProbeRepo, 'save'>;

export interface ProbeContext {
  cloud: Cloud;
  clock: Clock;
  sink?: ProbeResultSink;
  /** Aborting records the probe as `interrupted` and still deletes its S3 objects. */
  signal?: AbortSignal;
  /** Directory `payloadFile` is relative to (the config file's). Default: the working directory. */
  configDir?: string;
  onProgress?: (event: InvokeProgress) => void;
  poll?: BackoffOptions;
}

export interface ProbeEndpoint extends ProbeTargetEndpoint {
  variantName: string;
}

export type ProbeSettings = Pick<
  ProbeConfig,
  'payload' | 'payloadFile' | 'contentType' | 'timeoutSeconds' | 'coldStartSloSeconds' | 'bucket'
>;

export interface ProbeRun {
  result: ProbeResult;
  /** Cold probes whose output (or failure) appeared. */
  phases?: ColdStartPhases;
  /** Cold probe slower than probe.coldStartSloSeconds. */
  overSlo?: boolean;
  invocation?: InvokeAsyncResult;
}

/** Activities that began this long before the probe can still be the one that woke the endpoint. */
const ACTIVITY_LOOKBACK_MS = 3600_000;
const MAX_ERROR_TEXT = 2000;

export async function runProbe(
  ctx: ProbeContext,
  endpoint: ProbeEndpoint,
  probe: ProbeSettings,
): Promise<ProbeRun> {
  const id = `sagezero-probe-${randomUUID()}`;
  const result: ProbeResult = {
    id,
    endpoint: endpoint.name,
    startedAt: ctx.clock.now(),
    instancesAtStart: -1,
    cold: false,
    outcome: 'running',
    inferenceId: id,
  };
  const save = async (): Promise<void> => {
    await ctx.sink?.save({ ...result });
  };

  let invocation: InvokeAsyncResult;
  try {
    const payload = probePayload(probe, ctx.configDir ?? process.cwd());
    const bucket = await resolveInputPrefix(ctx.cloud, endpoint, probe.bucket);
    // The output and failure locations are recorded as soon as InvokeEndpointAsync names them, before
    // the wait: the objects may appear while (or after) this process dies.
    const cloud = onInvoked(ctx.cloud, async (invoked) => {
      result.outputLocation = invoked.outputLocation;
      if (invoked.failureLocation) result.failureLocation = invoked.failureLocation;
      await save();
    });
    invocation = await invokeAsync(cloud, ctx.clock, {
      endpointName: endpoint.name,
      payload,
      contentType: probe.contentType,
      bucket,
      inferenceId: id,
      timeoutSeconds: probe.timeoutSeconds,
      outputMaxBytes: PROBE_OUTPUT_MAX_BYTES,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.poll ? { poll: ctx.poll } : {}),
      onProgress: async (event) => {
        // Every S3 location is recorded before the request that may create the object, so a process
        // killed at any point leaves a row naming everything it may have left behind in S3.
        if (event.kind === 'started') {
          result.startedAt = event.at - event.elapsedMs;
          result.instancesAtStart = event.instances ?? -1;
          result.cold = event.instances === 0;
          // Before the upload, not after: a kill while the PutObject is in flight would otherwise leave
          // an input object no row points at.
          result.inputLocation = `${bucket}${id}.in`;
          await save();
        }
        ctx.onProgress?.(event);
      },
    });
  } catch (e) {
    result.outcome = ctx.signal?.aborted ? 'interrupted' : 'error';
    result.finishedAt = ctx.clock.now();
    result.totalS = (result.finishedAt - result.startedAt) / 1000;
    result.errorMessage = truncate(errorText(e), MAX_ERROR_TEXT);
    await save();
    return { result };
  }

  result.inputLocation = invocation.inputLocation;
  if (invocation.outputLocation) result.outputLocation = invocation.outputLocation;
  if (invocation.failureLocation) result.failureLocation = invocation.failureLocation;
  result.instancesAtStart = invocation.instancesAtStart;
  result.cold = invocation.instancesAtStart === 0;
  result.outcome = invocation.outcome;
  result.finishedAt = invocation.timings.finishedAt;
  result.totalS = invocation.timings.totalMs / 1000;
  if (invocation.outcome === 'model_error') {
    result.errorMessage = truncate(invocation.failure ?? 'the model wrote a failure object', MAX_ERROR_TEXT);
  } else if (invocation.outcome === 'timeout') {
    result.errorMessage = `no output after ${probe.timeoutSeconds} s`;
  } else if (invocation.outcome === 'interrupted') {
    result.errorMessage = 'interrupted before the output appeared';
  }
  if (invocation.cleanupErrors.length > 0) {
    const note = `clean-up failed: ${invocation.cleanupErrors.join('; ')}`;
    result.errorMessage = truncate(
      result.errorMessage ? `${result.errorMessage}; ${note}` : note,
      MAX_ERROR_TEXT,
    );
  }

  const run: ProbeRun = { result, invocation };
  const answered = invocation.outcome === 'success' || invocation.outcome === 'model_error';
  if (result.cold && answered) {
    const phases = deriveColdStartPhases({
      startedAt: invocation.timings.startedAt,
      outputAt: invocation.timings.finishedAt,
      activities: await wakeActivities(ctx, endpoint, invocation.timings.startedAt),
      observations: invocation.capacity,
    });
    if (phases) {
      run.phases = phases;
      result.queuedS = phases.queuedMs / 1000;
      result.scaleOutS = phases.scaleOutMs / 1000;
      result.inServiceToOutputS = phases.inServiceToOutputMs / 1000;
    }
    if (probe.coldStartSloSeconds !== undefined && invocation.outcome === 'success') {
      run.overSlo = invocation.timings.totalMs / 1000 > probe.coldStartSloSeconds;
    }
  }
  await save();
  return run;
}

/** `cloud`, with `seen` called on each InvokeEndpointAsync answer before the caller gets it. */
function onInvoked(cloud: Cloud, seen: (r: AsyncInvocationResult) => Promise<void>): Cloud {
  return new Proxy(cloud, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'invokeEndpointAsync') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (request: AsyncInvocation): Promise<AsyncInvocationResult> => {
        const answer = await target.invokeEndpointAsync(request);
        try {
          await seen(answer);
        } catch {
          // As with progress listeners: recording must not lose the inference (or its clean-up).
        }
        return answer;
      };
    },
  });
}

async function wakeActivities(
  ctx: ProbeContext,
  endpoint: ProbeEndpoint,
  startedAt: number,
): Promise<ScalingActivity[]> {
  try {
    return await ctx.cloud.listScalingActivities(
      scalableResourceId(endpoint.name, endpoint.variantName),
      startedAt - ACTIVITY_LOOKBACK_MS,
    );
  } catch {
    // Without activities the phases come from what the probe itself saw; that is still an answer.
    return [];
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
