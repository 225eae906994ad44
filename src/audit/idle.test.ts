import { describe, expect, it } from 'vitest';
import { busyMinutes, idleShare, lifeMinutes } from './idle.js';
import type { EndpointMinutes } from './types.js';

const T0 = Date.UTC(2026, 11, 1, 0, 0);
const N = NaN;

function minutes(series: Record<string, number[]>, n: number): EndpointMinutes {
  return {
    start: T0,
    minutes: n,
    series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, Float64Array.from(v)])),
    datapoints: Object.values(series).reduce((a, v) => a + v.filter(Number.isFinite).length, 0),
  };
}

describe('idle share', () => {
  it('real-time: a minute is busy when Invocations > 0; missing datapoints are idle', () => {
    // minutes:     0  1  2  3  4  5  6  7  8  9
    const inv = [N, 3, 0, N, 1, N, N, N, 7, N];
    const m = minutes({ Invocations: inv, ModelLatency: inv.map(() => N) }, 10);
    const busy = busyMinutes('realtime', m);
    expect([...busy]).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 1, 0]);
    // 3 busy of 10 -> 7 idle, 0.7.
    expect(idleShare(busy, 0, 10)).toEqual({ minutes: 10, idleMinutes: 7, share: 0.7 });
  });

  it('async: processed, waiting (backlog) or failed work all make a minute busy', () => {
    // minute 1 processes, minute 3 only has a backlog (waiting at zero instances), minute 4 a failure.
    const m = minutes(
      {
        InvocationsProcessed: [0, 2, 0, 0, 0, 0],
        ApproximateBacklogSize: [0, 0, 0, 1, 0, N],
        InvocationFailures: [N, N, N, N, 1, N],
      },
      6,
    );
    const busy = busyMinutes('async', m);
    expect([...busy]).toEqual([0, 1, 0, 1, 1, 0]);
    // 3 busy of 6.
    expect(idleShare(busy, 0, 6).share).toBe(0.5);
  });

  it('a brand-new endpoint counts only its whole minutes in the window', () => {
    const m = minutes({ Invocations: [N, N, N, N, N, N, N, N, 2, 0] }, 10);
    // Created 7.5 minutes into the window: its first whole minute is minute 8 (ceil(7.5)).
    const life = lifeMinutes(m, T0 + 7.5 * 60_000);
    expect(life).toEqual({ from: 8, to: 10 });
    // Minute 8 busy, minute 9 idle: 1 of 2.
    expect(idleShare(busyMinutes('realtime', m), life.from, life.to)).toEqual({
      minutes: 2,
      idleMinutes: 1,
      share: 0.5,
    });
  });

  it('an endpoint created inside the last minute has no share, not a 0% or 100% one', () => {
    const m = minutes({ Invocations: [N, N, N] }, 3);
    const life = lifeMinutes(m, T0 + 2.5 * 60_000);
    expect(idleShare(busyMinutes('realtime', m), life.from, life.to)).toEqual({
      minutes: 0,
      idleMinutes: 0,
      share: null,
    });
  });

  it('an endpoint with no metrics at all is idle every minute', () => {
    const m = minutes({ InvocationsProcessed: [N, N, N, N], ApproximateBacklogSize: [N, N, N, N] }, 4);
    expect(m.datapoints).toBe(0);
    expect(idleShare(busyMinutes('async', m), 0, 4)).toEqual({ minutes: 4, idleMinutes: 4, share: 1 });
  });
});
