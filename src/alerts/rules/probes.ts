// Rules over probe results: the last cold start against its SLO, and the last probe's outcome.
import type { ProbeResult } from '../../store/probes.js';
import type { AlertCondition } from '../types.js';
import { duration, isoMinute } from '../units.js';

const FINISHED = new Set(['success', 'model_error', 'timeout', 'error']);

/**
 * Fires while the most recent successful cold probe took longer than the SLO; a later cold probe
 * within the SLO resolves it (warm probes say nothing about cold starts).
 */
export function coldStartOverSlo(
  endpoint: string,
  probes: readonly ProbeResult[],
  sloSeconds: number | undefined,
): AlertCondition | undefined {
  if (sloSeconds === undefined) return undefined;
  const last = latest(probes.filter((p) => p.cold && p.outcome === 'success' && p.totalS !== undefined));
  if (!last || last.totalS === undefined || last.totalS <= sloSeconds) return undefined;
  const facts = [
    { label: 'Cold start', value: duration(last.totalS) },
    { label: 'SLO', value: duration(sloSeconds) },
    { label: 'Probe started', value: isoMinute(last.startedAt) },
  ];
  const phases: [string, number | undefined][] = [
    ['Queued until scale-out', last.queuedS],
    ['Scale-out to InService', last.scaleOutS],
    ['InService to output', last.inServiceToOutputS],
  ];
  for (const [label, v] of phases) if (v !== undefined) facts.push({ label, value: duration(v) });
  return {
    key: `cold-start-slo:${endpoint}`,
    rule: 'cold-start-slo',
    endpoint,
    severity: 'warning',
    title: `Cold start over SLO on ${endpoint}`,
    summary: `The last cold probe of ${endpoint} took ${duration(last.totalS)}, over its ${duration(sloSeconds)} SLO.`,
    facts,
    action: coldStartAdvice(last),
  };
}

function coldStartAdvice(p: ProbeResult): string {
  const phases = [
    {
      v: p.queuedS ?? -1,
      say: 'Most of the time went before the scale-out began: shorten the wake alarm (scaling.wake periodSeconds x evaluationPeriods) or check that the wake alarm fires.',
    },
    {
      v: p.scaleOutS ?? -1,
      say: 'Most of the time went to booting the instance and loading the model: consider container caching, smaller or uncompressed model artifacts, or keep-warm windows (scaling.keepWarm) for busy hours.',
    },
    {
      v: p.inServiceToOutputS ?? -1,
      say: 'Most of the time went after the instance was InService: the model itself is slow to load or answer; check the container logs and the invocation time.',
    },
  ].sort((a, b) => b.v - a.v);
  const top = phases[0];
  return top && top.v >= 0
    ? top.say
    : 'Check the scaling activities and container logs of the endpoint; raise the SLO if this is the normal boot time.';
}

/** Fires while the most recent finished probe failed (model error, timeout, or could not run). */
export function probeFailed(endpoint: string, probes: readonly ProbeResult[]): AlertCondition | undefined {
  const last = latest(probes.filter((p) => FINISHED.has(p.outcome)));
  if (!last || last.outcome === 'success') return undefined;
  const what =
    last.outcome === 'timeout'
      ? `timed out after ${duration(last.totalS ?? 0)}`
      : last.outcome === 'model_error'
        ? 'got an error from the model'
        : 'could not run';
  const facts = [
    { label: 'Outcome', value: last.outcome },
    { label: 'Started', value: isoMinute(last.startedAt) },
    {
      label: 'Instances at start',
      value: last.instancesAtStart < 0 ? 'unknown' : String(last.instancesAtStart),
    },
  ];
  if (last.errorMessage) facts.push({ label: 'Detail', value: last.errorMessage.slice(0, 300) });
  const action =
    last.outcome === 'timeout'
      ? last.cold
        ? 'The endpoint did not wake and answer in time: check HasBacklogWithoutCapacity, the wake alarm, and the scaling activities (quota or capacity errors), then the container logs.'
        : 'A warm endpoint did not answer in time: check the container logs, InvocationFailures and the model latency; raise probe.timeoutSeconds if this is expected.'
      : last.outcome === 'model_error'
        ? `The model rejected the probe: read the failure text above and the CloudWatch logs /aws/sagemaker/Endpoints/${endpoint}; fix the probe payload if it is wrong.`
        : 'sagezero could not run the probe: check the detail above (credentials, S3 bucket permissions, the endpoint exists).';
  return {
    key: `probe-failed:${endpoint}`,
    rule: 'probe-failed',
    endpoint,
    severity: 'critical',
    title: `Probe failed on ${endpoint}`,
    summary: `The last probe of ${endpoint} ${what}.`,
    facts,
    action,
  };
}

function latest(probes: readonly ProbeResult[]): ProbeResult | undefined {
  let best: ProbeResult | undefined;
  for (const p of probes) if (!best || p.startedAt > best.startedAt) best = p;
  return best;
}
