// Where the time of a cold probe of a real-time inference component went. Four boundaries split
// [start, answer] into phases:
//
//   start ── alarm ──> wake alarm in ALARM ── copy ──> copy scheduled ── instance ──> instance in
//   service ── serving ──> first success
//
// - wake alarm in ALARM: the first look (between retries) that saw the component's wake alarm in
//   ALARM; an upper bound, late by at most one retry delay (20 s by default). Unknown when no alarm
//   was found (the phase is then left out, and the next boundary counts from the start).
// - copy scheduled: the StartTime of the component's scaling activity that raised its desired copy
//   count above zero (exact), or the first look that saw desiredCopyCount > 0, whichever is earlier.
// - instance in service: the first look that saw the variant with an instance in service; when one
//   already was (another component keeps it), this boundary falls on the copy's scheduling and the
//   phase is 0. Unseen, it falls on the answer (the answer proves a copy, so an instance, by then).
// - first success: the end of the InvokeEndpoint call that answered.
// Each boundary is clamped between its neighbours, so phases are never negative and sum to the total.
import type { ScalingActivity } from '../cloud/types.js';
import { wakeActivity } from './phases.js';

export interface RealtimeWakeObservations {
  alarmAt?: number;
  copyScheduledAt?: number;
  instanceAt?: number;
}

export interface RealtimePhaseInput extends RealtimeWakeObservations {
  startedAt: number;
  answeredAt: number;
  /** Scaling activities of the component (inference-component/<name>), any order. */
  activities: readonly ScalingActivity[];
}

export interface RealtimeColdStartPhases {
  alarmAt?: number;
  copyScheduledAt: number;
  instanceAt: number;
  /** Start until the wake alarm was seen in ALARM (absent when no alarm was seen). */
  alarmMs?: number;
  /** Start until the copy was scheduled (includes alarmMs). */
  queuedMs: number;
  /** Copy scheduled until an instance was in service (0 when one already was). */
  scaleOutMs: number;
  /** Instance in service until the first success: the copy's load plus the wait for the next retry. */
  inServiceToOutputMs: number;
  totalMs: number;
  sources: { copyScheduled: 'activity' | 'observed'; instance: 'observed' | 'output' };
  activityId?: string;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

export function deriveRealtimePhases(input: RealtimePhaseInput): RealtimeColdStartPhases | undefined {
  const { startedAt, answeredAt } = input;
  if (answeredAt < startedAt) return undefined;
  const activity = wakeActivity({
    startedAt,
    outputAt: answeredAt,
    activities: input.activities,
    observations: [],
  });
  let copyAt: number | undefined = activity?.startTime;
  let copySource: 'activity' | 'observed' = 'activity';
  if (input.copyScheduledAt !== undefined && (copyAt === undefined || input.copyScheduledAt < copyAt)) {
    copyAt = input.copyScheduledAt;
    copySource = 'observed';
  }
  if (copyAt === undefined) return undefined;
  copyAt = clamp(copyAt, startedAt, answeredAt);
  // The alarm is only ever observed (late); the copy's scheduling may be exact, so the alarm yields.
  const alarmAt = input.alarmAt === undefined ? undefined : clamp(input.alarmAt, startedAt, copyAt);
  const instanceAt = clamp(input.instanceAt ?? answeredAt, copyAt, answeredAt);
  const phases: RealtimeColdStartPhases = {
    copyScheduledAt: copyAt,
    instanceAt,
    queuedMs: copyAt - startedAt,
    scaleOutMs: instanceAt - copyAt,
    inServiceToOutputMs: answeredAt - instanceAt,
    totalMs: answeredAt - startedAt,
    sources: { copyScheduled: copySource, instance: input.instanceAt === undefined ? 'output' : 'observed' },
  };
  if (alarmAt !== undefined) {
    phases.alarmAt = alarmAt;
    phases.alarmMs = alarmAt - startedAt;
  }
  if (activity && copySource === 'activity') phases.activityId = activity.activityId;
  return phases;
}
