// The replay loop drains and bills every request to its end (issue 12: "work done is never free").
import { describe, expect, it } from 'vitest';
import { alwaysOnPolicy, presetPolicy } from './policies.js';
import { replay, type TrafficWindow } from './replay.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from './runner.js';

const BOOT = 480;
const settings: SimulationSettings = { ...DEFAULT_SETTINGS, boot: { kind: 'fixed', seconds: BOOT } };
const START = DEFAULT_SETTINGS.dayStart + 8 * 3_600_000;

function window(arrivals: number[], service: number[], durationSeconds: number): TrafficWindow {
  return {
    startMs: START,
    durationSeconds,
    arrivals: Float64Array.from(arrivals),
    service: Float64Array.from(service),
  };
}

describe('replay', () => {
  it('bills a lone request after three idle hours its boot and its service, all after the last arrival', async () => {
    // The case: `10800,20` in a trace that ends one minute later. Before, the run stopped at
    // the trace end: 0 completed, 1 queued, $0.00.
    const r = await replay(presetPolicy('aws-recommended'), window([10_800], [20], 10_860), settings);
    expect(r.requests).toBe(1);
    expect(r.completed).toBe(1);
    expect(r.unserved).toBe(0);
    expect(r.settled).toBe(true);
    // At least one boot (480 s) and the service (20 s) are billed, and every billed second came after
    // the arrival (the endpoint was at zero for the three hours before).
    expect(r.instanceSeconds).toBeGreaterThanOrEqual(BOOT + 20);
    expect(r.afterLastArrivalSeconds).toBe(r.instanceSeconds);
    // The request waited for the wake alarm and the boot, then ran 20 s.
    expect(r.ttr[0]).toBeGreaterThanOrEqual(BOOT + 20);
    expect(r.p95Seconds).toBe(r.ttr[0]);
    // The run went past the trace end until the last instance was gone.
    expect(r.endSeconds).toBeGreaterThan(10_800 + BOOT + 20);
    expect(r.coldStarts).toBe(1);
  });

  it('bills an always-on fleet the whole window and nothing more when it keeps up', async () => {
    // Two instances for two hours, one request: 2 x 7200 s.
    const r = await replay(alwaysOnPolicy(2), window([100], [30], 7200), settings);
    expect(r.completed).toBe(1);
    expect(r.settled).toBe(true);
    expect(r.instanceSeconds).toBe(2 * 7200);
    expect(r.endSeconds).toBe(7200);
    // From the arrival at 100 s to the end at 7200 s, two instances: 2 x 7100.
    expect(r.afterLastArrivalSeconds).toBe(2 * 7100);
    expect(Array.from(r.ttr)).toEqual([30]);
  });

  it('drains an always-on fleet that cannot keep up, billing the drain, and serves every request', async () => {
    // One instance, ten 600 s requests arriving together at 0 in a one-hour window: the last one
    // starts at 5400 s and ends at 6000 s, 2400 s after the window; the fleet is billed 6000 s.
    const r = await replay(
      alwaysOnPolicy(1),
      window(new Array<number>(10).fill(0), new Array<number>(10).fill(600), 3600),
      settings,
    );
    expect(r.completed).toBe(10);
    expect(r.endSeconds).toBe(6000);
    expect(r.instanceSeconds).toBe(6000);
    expect(r.afterLastArrivalSeconds).toBe(6000);
    expect(Math.max(...r.ttr)).toBe(6000);
    // p95 over 10 requests: the 10th smallest (nearest rank ceil(9.5) = 10).
    expect(r.p95Seconds).toBe(6000);
  });

  it('counts requests that expire at their TTL as unserved and p95 as infinite when they are more than 5%', async () => {
    // TTL 60 s; one instance, three 600 s requests at 0: the first runs, the other two expire at 60 s.
    const r = await replay(alwaysOnPolicy(1), window([0, 0, 0], [600, 600, 600], 3600), {
      ...settings,
      requestTtlSeconds: 60,
    });
    expect(r.completed).toBe(1);
    expect(r.expired).toBe(2);
    expect(r.unserved).toBe(2);
    expect(r.p95Seconds).toBe(Infinity);
    expect(r.settled).toBe(true);
    expect(r.instanceSeconds).toBe(3600);
  });

  it('never sends arrivals at or after the window end, and bills no tail without arrivals', async () => {
    const r = await replay(presetPolicy('aws-recommended'), window([3600], [10], 3600), settings);
    expect(r.requests).toBe(0);
    expect(r.instanceSeconds).toBe(0);
    expect(r.afterLastArrivalSeconds).toBe(0);
    expect(r.p95Seconds).toBeNaN();
  });

  it('abandons a run past its bound', async () => {
    const r = await replay(alwaysOnPolicy(1), window([0, 5000], [10, 10], 8 * 3600), settings, {
      bound: { instanceSeconds: 3600, unserved: 0 },
    });
    expect(r.aborted).toBe(true);
    expect(r.instanceSeconds).toBe(Infinity);
  });
});
