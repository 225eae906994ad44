// One synthetic invocation of a real-time endpoint's inference component, measured as async probes
// are (probe.ts): was the component cold (no copy), how long until it answered, where the time went
// (phases-realtime.ts), and, particular to real-time endpoints, how many invocations were refused
// while it woke. Between refused attempts the probe looks at the wake alarm, the component and the
// endpoint, only until each has shown its step of the wake, so a wake costs a few reads per retry.
import { randomUUID } from 'node:crypto';
import { componentResourceId, type AlarmState, type Cloud, type ScalingActivity } from '../cloud/types.js';
import { componentAlarmPrefix, NO_CAPACITY_METRIC } from '../scaling/realtime.js';
import type { ProbeResult } from '../store/probes.js';
import type { BackoffOptions } from './backoff.js';
import { invokeRealtime, type InvokeRealtimeResult, type RealtimeInvokeProgress } from './invoke-realtime.js';
import {
  deriveRealtimePhases,
  type RealtimeColdStartPhases,
  type RealtimeWakeObservations,
} from './phases-realtime.js';
import type { ProbeContext, ProbeSettings } from './probe.js';
import { probePayload } from './target.js';

export interface RealtimeProbeTarget {
  endpointName: string;
  variantName: string;
  /** The SageMaker InferenceComponentName. */
  componentName: string;
  /**
   * Prefix that lists the component's wake alarm (default: the one src/scaling/realtime.ts names it
   * under); the alarm is picked among them by its metric, NoCapacityInvocationFailures on this
   * component, so an alarm made by hand under another name is found when its prefix is given.
   */
  alarmPrefix?: string;
}

export type RealtimeProbeSettings = Pick<
  ProbeSettings,
  'payload' | 'payloadFile' | 'contentType' | 'timeoutSeconds' | 'coldStartSloSeconds'
>;

export interface RealtimeProbeContext extends Omit<ProbeContext, 'onProgress' | 'poll'> {
  onProgress?: (event: RealtimeInvokeProgress) => void;
  retry?: BackoffOptions;
}

export interface RealtimeProbeRun {
  result: ProbeResult;
  phases?: RealtimeColdStartPhases;
  overSlo?: boolean;
  invocation?: InvokeRealtimeResult;
}

const ACTIVITY_LOOKBACK_MS = 3600_000;
const MAX_ERROR_TEXT = 2000;
/** InvokeEndpoint's error when the container answered 4xx/5xx (API_runtime_InvokeEndpoint.html). */
const MODEL_ERROR = 'ModelError';

export async function runRealtimeProbe(
  ctx: RealtimeProbeContext,
  target: RealtimeProbeTarget,
  probe: RealtimeProbeSettings,
): Promise<RealtimeProbeRun> {
  const { cloud, clock } = ctx;
  const id = `sagezero-probe-${randomUUID()}`;
  const result: ProbeResult = {
    id,
    endpoint: target.endpointName,
    component: target.componentName,
    startedAt: clock.now(),
    instancesAtStart: -1,
    cold: false,
    outcome: 'running',
    inferenceId: id,
  };
  const save = async (): Promise<void> => {
    await ctx.sink?.save({ ...result });
  };
  const fail = async (e: unknown): Promise<RealtimeProbeRun> => {
    result.outcome = ctx.signal?.aborted ? 'interrupted' : 'error';
    result.finishedAt = clock.now();
    result.totalS = (result.finishedAt - result.startedAt) / 1000;
    result.errorMessage = truncate(e instanceof Error ? e.message : String(e), MAX_ERROR_TEXT);
    await save();
    return { result };
  };

  let invocation: InvokeRealtimeResult;
  const seen: RealtimeWakeObservations = {};
  try {
    const payload = probePayload(probe, ctx.configDir ?? process.cwd());
    const [component, endpoint] = await Promise.all([
      cloud.getInferenceComponent(target.componentName),
      cloud.getEndpoint(target.endpointName),
    ]);
    if (!component || !endpoint) {
      throw new Error(
        !endpoint
          ? `endpoint ${target.endpointName} does not exist in ${cloud.region}`
          : `inference component ${target.componentName} does not exist in ${cloud.region}`,
      );
    }
    const instances = variantInstances(endpoint, target.variantName);
    result.instancesAtStart = instances;
    // Cold: the component has no copy, whatever the endpoint's instances (another component's
    // instance cannot serve this one's requests).
    result.cold = component.currentCopyCount === 0;
    if (instances > 0) seen.instanceAt = result.startedAt;
    if (component.desiredCopyCount > 0 && result.cold) seen.copyScheduledAt = result.startedAt;
    await save();

    invocation = await invokeRealtime(cloud, clock, {
      endpointName: target.endpointName,
      componentName: target.componentName,
      payload,
      contentType: probe.contentType,
      timeoutSeconds: probe.timeoutSeconds,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.retry ? { retry: ctx.retry } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      betweenAttempts: () => observeWake(cloud, clock.now.bind(clock), target, seen),
    });
  } catch (e) {
    return await fail(e);
  }

  // InvokeEndpoint's ModelError is the model answering with an error; any other refusal that is not
  // worth a retry (validation, access) is the probe's own failure.
  result.outcome =
    invocation.outcome === 'error'
      ? invocation.error?.code === MODEL_ERROR
        ? 'model_error'
        : 'error'
      : invocation.outcome;
  result.finishedAt = invocation.timings.finishedAt;
  result.totalS = invocation.timings.totalMs / 1000;
  result.failedInvocations = invocation.failedAttempts;
  if (invocation.outcome === 'error') {
    result.errorMessage = truncate(
      `${invocation.error?.code ?? 'Error'}: ${invocation.error?.message ?? ''}`,
      MAX_ERROR_TEXT,
    );
  } else if (invocation.outcome === 'timeout') {
    result.errorMessage = `no answer after ${probe.timeoutSeconds} s (${invocation.failedAttempts} refused invocations, last: ${invocation.error?.code ?? 'none'})`;
  } else if (invocation.outcome === 'interrupted') {
    result.errorMessage = 'interrupted before the component answered';
  }

  const run: RealtimeProbeRun = { result, invocation };
  const answered = invocation.outcome === 'success' || invocation.outcome === 'error';
  if (result.cold && answered) {
    const phases = deriveRealtimePhases({
      startedAt: result.startedAt,
      answeredAt: invocation.timings.finishedAt,
      activities: await componentActivities(cloud, target, result.startedAt),
      ...seen,
    });
    if (phases) {
      run.phases = phases;
      if (phases.alarmMs !== undefined) result.alarmS = phases.alarmMs / 1000;
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

/** Reads each wake step not yet seen: the alarm, the copy's scheduling, an instance in service. */
async function observeWake(
  cloud: Cloud,
  now: () => number,
  target: RealtimeProbeTarget,
  seen: RealtimeWakeObservations,
): Promise<void> {
  const looks: Promise<void>[] = [];
  if (seen.alarmAt === undefined) {
    looks.push(
      cloud.listAlarms(target.alarmPrefix ?? componentAlarmPrefix(target.componentName)).then((alarms) => {
        if (wakeAlarm(alarms, target.componentName)?.stateValue === 'ALARM') seen.alarmAt ??= now();
      }),
    );
  }
  if (seen.copyScheduledAt === undefined) {
    looks.push(
      cloud.getInferenceComponent(target.componentName).then((c) => {
        if (c && c.desiredCopyCount > 0) seen.copyScheduledAt ??= now();
      }),
    );
  }
  if (seen.instanceAt === undefined) {
    looks.push(
      cloud.getEndpoint(target.endpointName).then((ep) => {
        if (ep && variantInstances(ep, target.variantName) > 0) seen.instanceAt ??= now();
      }),
    );
  }
  await Promise.all(looks);
}

/** The alarm on this component's refused invocations, among those listed. */
export function wakeAlarm(alarms: readonly AlarmState[], componentName: string): AlarmState | undefined {
  return alarms.find(
    (a) =>
      a.metric?.metricName === NO_CAPACITY_METRIC &&
      a.metric.dimensions.some((d) => d.name === 'InferenceComponentName' && d.value === componentName),
  );
}

function variantInstances(
  ep: { variants: { variantName: string; currentInstanceCount: number }[] },
  variant: string,
): number {
  const v = ep.variants.find((x) => x.variantName === variant) ?? ep.variants[0];
  return v?.currentInstanceCount ?? 0;
}

async function componentActivities(
  cloud: Cloud,
  target: RealtimeProbeTarget,
  startedAt: number,
): Promise<ScalingActivity[]> {
  try {
    return await cloud.listScalingActivities(
      componentResourceId(target.componentName),
      startedAt - ACTIVITY_LOOKBACK_MS,
    );
  } catch {
    // Without activities the phases come from what the probe saw between its retries.
    return [];
  }
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
