// Where the time of a cold probe went. Three boundaries split [start, output seen] into phases:
//
//   start ── queued ──> scale-out began ── scale-out ──> instance InService ── in service ──> output seen
//
// - start: the clock just before DescribeEndpoint/upload (so "queued" includes upload and invoke).
// - scale-out began: the StartTime of the Application Auto Scaling activity that raised the desired
//   count from zero (exact, from DescribeScalingActivities), or the first DescribeEndpoint during the
//   wait that showed desired > 0, whichever is earlier (the look is only an upper bound: late by at
//   most one capacity look, 90 s; see DEFAULT_CAPACITY_POLL in invoke.ts).
// - instance InService: the EndTime of that activity when it succeeded (AAS ends it when SageMaker
//   reports the variant at its new count), or the first DescribeEndpoint that showed an instance in
//   service, whichever is earlier; both are upper bounds of the true moment (the look by up to 90 s).
// - output seen: the first look after the output (or failure) object was written; late by at most
//   one look. That is an S3 read, at most 30 s apart once an instance was seen; or, when the output
//   was already there when the instance was first seen, the DescribeEndpoint that saw it (S3 is read
//   at once then), at most 90 s after the previous one. A failure object is read every other look,
//   so it may be seen one look later still.
//
// Each boundary is clamped between its neighbours, so the three phases are never negative and add up
// to the total exactly. When no activity and no observation shows the scale-out, the phases are
// unknown and left out rather than guessed.
import type { ScalingActivity } from '../cloud/types.js';
import type { CapacityObservation } from './invoke.js';

export interface PhaseInput {
  startedAt: number;
  /** When the output or failure object was first seen. */
  outputAt: number;
  /** Scaling activities of the endpoint's variant around the probe, any order. */
  activities: readonly ScalingActivity[];
  /** Endpoint states seen during the wait (DescribeEndpoint), in time order. */
  observations: readonly CapacityObservation[];
}

export type BoundarySource = 'activity' | 'observed' | 'output';

export interface ColdStartPhases {
  scaleOutStartedAt: number;
  inServiceAt: number;
  queuedMs: number;
  scaleOutMs: number;
  inServiceToOutputMs: number;
  totalMs: number;
  sources: { scaleOutStart: BoundarySource; inService: BoundarySource };
  /** The scaling activity the boundaries came from, if any. */
  activityId?: string;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** The activity that woke the endpoint for this probe: the earliest scale-out above zero that overlaps it. */
export function wakeActivity(input: PhaseInput): ScalingActivity | undefined {
  const candidates = input.activities.filter(
    (a) =>
      (a.desiredCapacity ?? 0) >= 1 &&
      a.statusCode !== 'Failed' &&
      a.statusCode !== 'Unfulfilled' &&
      a.startTime <= input.outputAt &&
      (a.endTime === undefined || a.endTime >= input.startedAt),
  );
  candidates.sort((a, b) => a.startTime - b.startTime);
  return candidates[0];
}

export function deriveColdStartPhases(input: PhaseInput): ColdStartPhases | undefined {
  const { startedAt, outputAt } = input;
  if (outputAt < startedAt) return undefined;
  const activity = wakeActivity(input);
  const observedDesired = input.observations.find((o) => o.desiredInstances > 0 && o.at >= startedAt);
  const observedInService = input.observations.find((o) => o.instances > 0 && o.at >= startedAt);

  let scaleOutStart: number | undefined;
  let scaleOutSource: BoundarySource = 'activity';
  if (activity) scaleOutStart = activity.startTime;
  if (observedDesired && (scaleOutStart === undefined || observedDesired.at < scaleOutStart)) {
    scaleOutStart = observedDesired.at;
    scaleOutSource = 'observed';
  }
  if (scaleOutStart === undefined) return undefined;
  scaleOutStart = clamp(scaleOutStart, startedAt, outputAt);

  let inService: number | undefined;
  let inServiceSource: BoundarySource = 'activity';
  if (activity?.statusCode === 'Successful' && activity.endTime !== undefined) inService = activity.endTime;
  if (observedInService && (inService === undefined || observedInService.at < inService)) {
    inService = observedInService.at;
    inServiceSource = 'observed';
  }
  if (inService === undefined) {
    // The output itself proves an instance was in service by then.
    inService = outputAt;
    inServiceSource = 'output';
  }
  inService = clamp(inService, scaleOutStart, outputAt);

  const phases: ColdStartPhases = {
    scaleOutStartedAt: scaleOutStart,
    inServiceAt: inService,
    queuedMs: scaleOutStart - startedAt,
    scaleOutMs: inService - scaleOutStart,
    inServiceToOutputMs: outputAt - inService,
    totalMs: outputAt - startedAt,
    sources: { scaleOutStart: scaleOutSource, inService: inServiceSource },
  };
  if (activity) phases.activityId = activity.activityId;
  return phases;
}
