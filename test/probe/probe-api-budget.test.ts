// What one probe costs in AWS calls, counted by the simulated cloud's own call observer (the one the
// daemon's `sagezero_aws_api_calls_total` reads), and how late its phase boundaries are against the
// simulator's ground truth. Scenario: an idle endpoint at zero, a wake alarm that fires 210 s after
// the probe, a 480 s boot and 20 s of processing: an 11.8-minute cold start, then a warm probe.
//
// Before the capacity-aware polling, the cold probe cost 116-129 calls over seeds 1-20 (about 80
// GetObject and 37 DescribeEndpoint) and the warm one 17-19.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { createDrivenSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import type { SimEngine } from '../../src/cloud/sim/engine.js';
import type { SimEndpoint } from '../../src/cloud/sim/entities.js';
import { ApiCallCounter, type Cloud } from '../../src/cloud/types.js';
import { DEFAULT_CAPACITY_POLL } from '../../src/probe/invoke.js';
import { DEFAULT_MAX_POLL_MS } from '../../src/probe/backoff.js';
import { runProbe, type ProbeRun } from '../../src/probe/probe.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, provisionEndpoint } from '../../src/simulate/runner.js';

const MIN = 60_000;
const BOOT_S = 480;
const SERVICE_S = 20;
/** From the probe's start: the wake alarm's scale-out (checked below), then the boot. */
const SCALE_OUT_AFTER_MS = 210_000;
const IN_SERVICE_AFTER_MS = SCALE_OUT_AFTER_MS + BOOT_S * 1000;

interface Look {
  op: 'DescribeEndpoint' | 'GetObject';
  uri?: string;
  at: number;
}

interface Region {
  engine: SimEngine;
  cloud: SimCloud;
  ep: SimEndpoint;
  counter: ApiCallCounter;
  /** When the simulator wrote each S3 object (ground truth for "output written"). */
  written: Map<string, number>;
}

async function idleRegion(seed: number): Promise<Region> {
  const boot = { kind: 'fixed' as const, seconds: BOOT_S };
  const counter = new ApiCallCounter();
  const { engine, cloud } = createDrivenSimCloud(
    { startTime: Date.UTC(2026, 0, 5, 6), boot, seed, serviceSeconds: () => SERVICE_S },
    counter,
  );
  const ep = await provisionEndpoint(engine, cloud, presetPolicy('aws-recommended'), {
    ...DEFAULT_SETTINGS,
    boot,
    concurrency: 1,
  });
  engine.runUntil(engine.now + 60 * MIN);
  const written = new Map<string, number>();
  const set = engine.s3.set.bind(engine.s3);
  engine.s3.set = (key, value) => {
    written.set(key, engine.now);
    return set(key, value);
  };
  return { engine, cloud, ep, counter, written };
}

/** `cloud`, remembering when the probe looked at the endpoint or at an S3 object. */
function watched(cloud: SimCloud, clock: Clock, looks: Look[]): Cloud {
  return new Proxy(cloud, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop === 'getEndpoint')
        return (...a: unknown[]) => (looks.push({ op: 'DescribeEndpoint', at: clock.now() }), fn(...a));
      if (prop === 'getObject')
        return (...a: unknown[]) => (
          looks.push({ op: 'GetObject', uri: String(a[0]), at: clock.now() }),
          fn(...a)
        );
      return fn;
    },
  });
}

interface Probed {
  run: ProbeRun;
  calls: number;
  looks: Look[];
}

async function probeOnce(
  r: Region,
  options: { random?: () => number; noActivities?: boolean } = {},
): Promise<Probed> {
  const looks: Look[] = [];
  const clock = r.cloud.clock;
  const cloud = watched(r.cloud, clock, looks);
  if (options.noActivities) {
    cloud.listScalingActivities = () => Promise.reject(new Error('AccessDeniedException'));
  }
  const before = r.counter.calls.length;
  const run = await runProbe(
    { cloud, clock, ...(options.random ? { poll: { random: options.random } } : {}) },
    { name: r.ep.name, variantName: 'AllTraffic', async: { outputPath: r.ep.outputPath } },
    { payload: { inputs: 'hi' }, contentType: 'application/json', timeoutSeconds: 1800 },
  );
  return { run, calls: r.counter.calls.length - before, looks };
}

/** The last look of `op` (at `uri`) before `t`, and the first at or after it. */
function around(looks: Look[], op: Look['op'], t: number, uri?: string): { before?: number; after?: number } {
  const times = looks.filter((l) => l.op === op && (uri === undefined || l.uri === uri)).map((l) => l.at);
  const after = times.find((x) => x >= t);
  const before = times.filter((x) => x < t).pop();
  return { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

function truth(r: Region, p: Probed): { launchedAt: number; readyAt: number; outputAt: number } {
  const inst = r.engine.instances
    .filter((i) => i.launchedAt >= p.run.result.startedAt)
    .sort((a, b) => a.launchedAt - b.launchedAt)[0]!;
  const outputAt = r.written.get(p.run.result.outputLocation!)!;
  return { launchedAt: inst.launchedAt, readyAt: inst.readyAt, outputAt };
}

// Upper bound on a cold probe's calls in this scenario, for any jitter draws:
//  - 6 fixed: DescribeEndpoint before the upload, PutObject, InvokeEndpointAsync, DeleteObject of the
//    input and of the output (no failure object was written), DescribeScalingActivities for phases;
//  - waiting for capacity, DescribeEndpoint until the first look at or after 690 s. Delays are at
//    least 3/4 of their ceilings 15, 30, 60, 90, 90, ... s: 11.25, 22.5, 45, then 67.5 s, so looks at
//    11.25, 33.75, 78.75 s and 78.75 + 67.5 m; 690 s is reached at m = 10: at most 13 looks;
//  - then S3: the output, written 20 s after the instance is in service, is found by the first look
//    at or after it. At the latest when the instance was seen at once: looks at +0 and after delays of
//    at least half of 1, 2, 4, 8, 16, 30 s: +0.5, +1.5, +3.5, +7.5, +15.5, +30.5 s: at most 7 looks,
//    7 GetObject of the output and 3 of the failure location (every other look; the 7th finds the
//    output first): 10.
// Total: 6 + 13 + 10 = 29.
const COLD_MAX_CALLS = 29;
// A warm probe: 5 fixed (no DescribeScalingActivities), then looks from +0.5 s at the earliest, as
// above, until the first at or after 20 s: at most 6 looks, 6 + 3 GetObject: 14.
const WARM_MAX_CALLS = 14;

describe('the API budget of a probe on the simulated cloud', () => {
  it('a cold start of nearly 12 minutes costs fewer than 30 calls, for every seed’s jitter', async () => {
    const counts: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const r = await idleRegion(seed);
      const p = await probeOnce(r);
      expect(p.run.result).toMatchObject({ outcome: 'success', cold: true });
      // The derivation's premises: the scale-out 210 s in, in service 690 s in, output 20 s later.
      const t = truth(r, p);
      expect(t.launchedAt - p.run.result.startedAt).toBe(SCALE_OUT_AFTER_MS);
      expect(t.readyAt - p.run.result.startedAt).toBe(IN_SERVICE_AFTER_MS);
      expect(t.outputAt - t.readyAt).toBe(SERVICE_S * 1000);
      // No S3 read while no instance was in service.
      const s3Reads = p.looks.filter((l) => l.op === 'GetObject').map((l) => l.at);
      expect(Math.min(...s3Reads)).toBeGreaterThanOrEqual(t.readyAt);
      expect(p.calls).toBeLessThanOrEqual(COLD_MAX_CALLS);
      counts.push(p.calls);
    }
    // Not all alike: the jitter moves the looks, and with them how many S3 reads the end needs.
    expect(new Set(counts).size).toBeGreaterThan(1);
  });

  it('the draws that make the most and the fewest looks stay within the bound', async () => {
    for (const random of [() => 0, () => 1]) {
      const p = await probeOnce(await idleRegion(11), { random });
      expect(p.run.result.outcome).toBe('success');
      expect(p.calls).toBeLessThanOrEqual(COLD_MAX_CALLS);
    }
  });

  it('a warm probe right after it costs at most 14 and sees the output at the first look after it', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = await idleRegion(seed);
      await probeOnce(r);
      const p = await probeOnce(r);
      expect(p.run.result).toMatchObject({ outcome: 'success', cold: false });
      expect(p.calls).toBeLessThanOrEqual(WARM_MAX_CALLS);
      const out = p.run.result.outputLocation!;
      const writtenAt = r.written.get(out)!;
      const { before, after } = around(p.looks, 'GetObject', writtenAt, out);
      expect(p.run.result.finishedAt).toBe(after);
      // Late by less than one result poll, which is at most 30 s.
      expect(after! - before!).toBeLessThanOrEqual(DEFAULT_MAX_POLL_MS);
    }
  });

  it('keeps the phase boundaries from scaling activities exact, and the output late by at most one look', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = await idleRegion(seed);
      const p = await probeOnce(r);
      const t = truth(r, p);
      const phases = p.run.phases!;
      expect(phases.sources).toEqual({ scaleOutStart: 'activity', inService: 'activity' });
      expect(phases.scaleOutStartedAt).toBe(t.launchedAt);
      expect(phases.inServiceAt).toBe(t.readyAt);
      // The output is seen by the first look after it was written: an S3 read, or, when it was already
      // there when the instance was first seen, the DescribeEndpoint that saw it (then read at once).
      const seenAt = p.run.result.finishedAt!;
      const lookedAt = p.looks.map((l) => l.at).filter((x) => x >= t.outputAt);
      expect(seenAt).toBe(Math.min(...lookedAt));
      const previous = p.looks.filter((l) => l.at < t.outputAt).pop()!;
      expect(seenAt - previous.at).toBeLessThanOrEqual(DEFAULT_CAPACITY_POLL.maxMs);
    }
  });

  it('without scaling activities, observed boundaries are late by at most one capacity look (90 s)', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = await idleRegion(seed);
      const p = await probeOnce(r, { noActivities: true });
      const t = truth(r, p);
      const phases = p.run.phases!;
      expect(phases.sources).toEqual({ scaleOutStart: 'observed', inService: 'observed' });
      for (const [observed, actual] of [
        [phases.scaleOutStartedAt, t.launchedAt],
        [phases.inServiceAt, t.readyAt],
      ] as const) {
        const { before, after } = around(p.looks, 'DescribeEndpoint', actual);
        expect(observed).toBe(after);
        expect(after! - before!).toBeLessThanOrEqual(DEFAULT_CAPACITY_POLL.maxMs);
      }
    }
  });
});
