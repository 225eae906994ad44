// The probe_results row, as both backends read and write it.
import type { ProbeOutcome, ProbeResult } from '../probes.js';
import { optionalText, type SqlValue, type StoreText } from './values.js';

export interface ProbeRow {
  id: string;
  endpoint: string;
  started_at: number;
  finished_at: number | null;
  instances_at_start: number;
  cold: number;
  queued_s: number | null;
  scale_out_s: number | null;
  in_service_to_output_s: number | null;
  total_s: number | null;
  outcome: ProbeOutcome;
  inference_id: string | null;
  input_location: string | null;
  output_location: string | null;
  failure_location: string | null;
  error_message: string | null;
  holder: string | null;
  component: string | null;
  alarm_s: number | null;
  failed_invocations: number | null;
}

export function probeFromRow(r: ProbeRow): ProbeResult {
  const p: ProbeResult = {
    id: r.id,
    endpoint: r.endpoint,
    startedAt: r.started_at,
    instancesAtStart: r.instances_at_start,
    cold: r.cold === 1,
    outcome: r.outcome,
  };
  if (r.finished_at !== null) p.finishedAt = r.finished_at;
  if (r.queued_s !== null) p.queuedS = r.queued_s;
  if (r.scale_out_s !== null) p.scaleOutS = r.scale_out_s;
  if (r.in_service_to_output_s !== null) p.inServiceToOutputS = r.in_service_to_output_s;
  if (r.total_s !== null) p.totalS = r.total_s;
  if (r.inference_id !== null) p.inferenceId = r.inference_id;
  if (r.input_location !== null) p.inputLocation = r.input_location;
  if (r.output_location !== null) p.outputLocation = r.output_location;
  if (r.failure_location !== null) p.failureLocation = r.failure_location;
  if (r.error_message !== null) p.errorMessage = r.error_message;
  if (r.holder !== null) p.holder = r.holder;
  if (r.component !== null) p.component = r.component;
  if (r.alarm_s !== null) p.alarmS = r.alarm_s;
  if (r.failed_invocations !== null) p.failedInvocations = r.failed_invocations;
  return p;
}

/** Every column, in the order of probeValues. */
export const PROBE_COLUMNS = `id, endpoint, started_at, finished_at, instances_at_start, cold, queued_s, scale_out_s,
  in_service_to_output_s, total_s, outcome, inference_id, input_location, output_location, failure_location,
  error_message, holder, component, alarm_s, failed_invocations`;

/** The error message is the free text here: an SDK's or a model's words. */
export function probeValues(p: ProbeResult, text: StoreText): SqlValue[] {
  return [
    p.id,
    p.endpoint,
    p.startedAt,
    p.finishedAt ?? null,
    p.instancesAtStart,
    p.cold ? 1 : 0,
    p.queuedS ?? null,
    p.scaleOutS ?? null,
    p.inServiceToOutputS ?? null,
    p.totalS ?? null,
    p.outcome,
    p.inferenceId ?? null,
    p.inputLocation ?? null,
    p.outputLocation ?? null,
    p.failureLocation ?? null,
    optionalText(p.errorMessage, text),
    p.holder ?? null,
    p.component ?? null,
    p.alarmS ?? null,
    p.failedInvocations ?? null,
  ];
}

/**
 * ProbeRepo.latestOutcomes' three conditions (constant SQL, no values): the latest successful cold
 * probe with a total (the cold-start SLO rule), the latest finished one (the probe-failed rule), the
 * latest error (whether a failure was an AWS outage's victim, src/alerts/inhibit.ts).
 */
export const LATEST_OUTCOME_FILTERS = [
  `cold = 1 AND outcome = 'success' AND total_s IS NOT NULL`,
  `outcome IN ('success', 'model_error', 'timeout', 'error')`,
  `outcome = 'error'`,
] as const;

/** Each probe once (by id), oldest first. */
export function distinctOldestFirst(probes: readonly ProbeResult[]): ProbeResult[] {
  const byId = new Map(probes.map((p) => [p.id, p]));
  return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt);
}
