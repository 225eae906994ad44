import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScalingActivity } from '../cloud/types.js';
import type { CapacityObservation } from './invoke.js';
import { deriveColdStartPhases } from './phases.js';

const S = 1000;
const START = 1_000_000_000;

function activity(
  start: number,
  end: number | undefined,
  desired = 1,
  status: ScalingActivity['statusCode'] = 'Successful',
): ScalingActivity {
  const a: ScalingActivity = {
    activityId: `a-${start}-${desired}`,
    resourceId: 'endpoint/e/variant/AllTraffic',
    description: `Setting desired instance count to ${desired}.`,
    cause: 'alarm',
    startTime: START + start * S,
    statusCode: status,
    desiredCapacity: desired,
  };
  if (end !== undefined) a.endTime = START + end * S;
  return a;
}

function obs(at: number, instances: number, desired: number): CapacityObservation {
  return {
    at: START + at * S,
    status: instances === desired ? 'InService' : 'Updating',
    instances,
    desiredInstances: desired,
  };
}

describe('deriveColdStartPhases', () => {
  it('takes the boundaries from the wake activity when it has them', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 430 * S,
      activities: [activity(100, 400)],
      observations: [obs(0, 0, 0), obs(130, 0, 1), obs(410, 1, 1)],
    });
    expect(p).toMatchObject({
      queuedMs: 100 * S,
      scaleOutMs: 300 * S,
      inServiceToOutputMs: 30 * S,
      totalMs: 430 * S,
    });
    expect(p?.sources).toEqual({ scaleOutStart: 'activity', inService: 'activity' });
  });

  it('falls back to what the probe observed when there is no activity', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 430 * S,
      activities: [],
      observations: [obs(0, 0, 0), obs(130, 0, 1), obs(410, 1, 1)],
    });
    expect(p).toMatchObject({ queuedMs: 130 * S, scaleOutMs: 280 * S, inServiceToOutputMs: 20 * S });
    expect(p?.sources).toEqual({ scaleOutStart: 'observed', inService: 'observed' });
  });

  it('uses the earlier of activity and observation (both are upper bounds for InService)', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 500 * S,
      activities: [activity(100, 460)],
      observations: [obs(0, 0, 0), obs(420, 1, 1)],
    });
    expect(p).toMatchObject({ queuedMs: 100 * S, scaleOutMs: 320 * S, inServiceToOutputMs: 80 * S });
    expect(p?.sources.inService).toBe('observed');
  });

  it('counts no queueing when the endpoint was already waking as the probe started', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 300 * S,
      activities: [activity(-50, 250)],
      observations: [obs(0, 0, 1)],
    });
    expect(p).toMatchObject({ queuedMs: 0, scaleOutMs: 250 * S, inServiceToOutputMs: 50 * S });
  });

  it('clamps an activity that AAS closed after the output appeared', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 300 * S,
      activities: [activity(60, 320)],
      observations: [],
    });
    expect(p).toMatchObject({ queuedMs: 60 * S, scaleOutMs: 240 * S, inServiceToOutputMs: 0 });
  });

  it('ignores scale-ins, failed scale-outs and scale-outs that ended before the probe', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 400 * S,
      activities: [
        activity(-900, -300), // the previous wake
        activity(-200, -100, 0), // its scale-in
        activity(20, 40, 1, 'Failed'), // InsufficientCapacity
        activity(90, 370),
      ],
      observations: [],
    });
    expect(p).toMatchObject({ queuedMs: 90 * S, scaleOutMs: 280 * S, inServiceToOutputMs: 30 * S });
    expect(p?.activityId).toBe('a-90-1');
  });

  it('ends the scale-out at the output when InService was never seen', () => {
    const p = deriveColdStartPhases({
      startedAt: START,
      outputAt: START + 400 * S,
      activities: [activity(90, undefined, 1, 'InProgress')],
      observations: [],
    });
    expect(p).toMatchObject({ queuedMs: 90 * S, scaleOutMs: 310 * S, inServiceToOutputMs: 0 });
    expect(p?.sources.inService).toBe('output');
  });

  it('gives no phases when nothing shows when the scale-out began', () => {
    expect(
      deriveColdStartPhases({
        startedAt: START,
        outputAt: START + 10 * S,
        activities: [],
        observations: [obs(0, 0, 0)],
      }),
    ).toBeUndefined();
  });

  it('always yields non-negative phases that add up to the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7200 }),
        fc.integer({ min: -600, max: 7200 }),
        fc.integer({ min: -600, max: 9000 }),
        fc.option(fc.integer({ min: 0, max: 9000 })),
        fc.option(fc.integer({ min: 0, max: 9000 })),
        (outputS, actStart, actEnd, obsDesired, obsReady) => {
          const observations: CapacityObservation[] = [];
          if (obsDesired !== null) observations.push(obs(obsDesired, 0, 1));
          if (obsReady !== null) observations.push(obs(obsReady, 1, 1));
          const p = deriveColdStartPhases({
            startedAt: START,
            outputAt: START + outputS * S,
            activities: [activity(actStart, Math.max(actStart, actEnd))],
            observations,
          });
          if (!p) return;
          expect(p.queuedMs).toBeGreaterThanOrEqual(0);
          expect(p.scaleOutMs).toBeGreaterThanOrEqual(0);
          expect(p.inServiceToOutputMs).toBeGreaterThanOrEqual(0);
          expect(p.queuedMs + p.scaleOutMs + p.inServiceToOutputMs).toBe(outputS * S);
        },
      ),
    );
  });
});
