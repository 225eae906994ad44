// What the simulated region keeps as simulated time goes by (issue 13: serve on sim with 100 endpoints
// must stay under 200 MB over 30 simulated days). Each bound is a SimOptions field whose source is in
// engine.ts and docs/SIMULATOR.md ("What the region keeps"); the region forgets once a simulated hour,
// so each kind holds at most an hour past its bound. Counts of entries, not bytes.
//
// The workload: the aws-recommended preset (wakes from zero), one request through the port every 3
// hours, for 3 days. Each request wakes the endpoint (scale-out activities, one or two instances
// launched), completes (a result object written) and lets it go back to zero (a scale-in activity):
// 24 rounds, so every kind of record is made again and again well past its bound.
import { describe, expect, it } from 'vitest';
import type { ScalingActivity } from '../../src/cloud/types.js';
import { restore, snapshot } from '../../src/cloud/sim/state.js';
import { INST_TERMINATED } from '../../src/cloud/sim/entities.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { invoke, MIN, region, type Region } from './helpers.js';

const HOUR = 60 * MIN;
const DAYS = 3;
const bounds = { activityRetentionDays: 1, asyncOutputRetentionHours: 1, instanceHistoryHours: 2 };

interface Seen {
  activities: Map<string, ScalingActivity>;
  /** Result objects the region wrote: key -> when it was first seen (at most 3 h after its write). */
  results: Map<string, number>;
  launches: number;
}

async function workload(r: Region): Promise<Seen> {
  const seen: Seen = { activities: new Map(), results: new Map(), launches: 0 };
  const end = r.engine.now + DAYS * 24 * HOUR;
  while (r.engine.now < end) {
    const { outputLocation } = await invoke(r);
    r.engine.runUntil(r.engine.now + 3 * HOUR);
    // Every activity is seen well within the 1-day bound of its start, so none is missed here.
    for (const a of await r.cloud.listScalingActivities(r.ep.resourceId, 0))
      seen.activities.set(a.activityId, a);
    seen.results.set(outputLocation, r.engine.now);
  }
  seen.launches = r.ep.launches;
  return seen;
}

async function boundedRegion(): Promise<Region> {
  return region(presetPolicy('aws-recommended'), { bootSeconds: 480, serviceSeconds: 20, sim: bounds });
}

describe('what the simulated region keeps over days', () => {
  it('scaling activities: the last activityRetentionDays (+ at most an hour), every one of them', async () => {
    const r = await boundedRegion();
    const seen = await workload(r);
    const now = r.engine.now;
    const kept = await r.cloud.listScalingActivities(r.ep.resourceId, now - 42 * 24 * HOUR);
    const bound = bounds.activityRetentionDays * 24 * HOUR;
    // The workload made activities all along: a wake and a scale-in per round (the first request
    // finds the instance provisioning launched, so its round has only the scale-in)...
    expect(seen.activities.size).toBeGreaterThanOrEqual(2 * 8 * DAYS - 1);
    // ...of which the region keeps those of the last day, and at most those of its last 25 hours.
    const youngerThan = (ms: number): number =>
      [...seen.activities.values()].filter((a) => a.startTime >= now - ms).length;
    expect(kept.length).toBeGreaterThanOrEqual(youngerThan(bound));
    expect(kept.length).toBeLessThanOrEqual(youngerThan(bound + HOUR));
    expect(kept.length).toBeLessThan(seen.activities.size);
    expect(r.engine.retained().activities).toBe(kept.length);
    for (const a of kept) expect(a.startTime).toBeGreaterThanOrEqual(now - bound - HOUR);
  });

  it('terminated instances: forgotten instanceHistoryHours after they end; running ones never', async () => {
    const r = await boundedRegion();
    const seen = await workload(r);
    const e = r.engine;
    // One more round, checked an hour in: its instances (launched ~3 min in, gone ~20 min later) are
    // within the bound.
    await invoke(r);
    e.runUntil(e.now + HOUR);
    const forgetBefore = e.now - bounds.instanceHistoryHours * HOUR;
    expect(seen.launches).toBeGreaterThanOrEqual(8 * DAYS);
    const launchedThisRound = r.ep.launches - seen.launches;
    expect(launchedThisRound).toBeGreaterThan(0);
    for (const inst of e.instances) {
      if (inst.state === INST_TERMINATED)
        expect(inst.terminatedAt).toBeGreaterThanOrEqual(forgetBefore - HOUR);
    }
    // This round's instances are still there; the 3 days before it are not.
    expect(e.instances).toHaveLength(launchedThisRound);
    expect(e.instanceById.size).toBe(e.instances.length);
    expect(r.ep.instances).toEqual(e.instances);
    // billedMs still covers what is kept: this round's instance time.
    expect(e.billedMs(r.ep, e.now - HOUR, e.now)).toBeGreaterThan(0);
  });

  it('an endpoint whose results are recorded (the trace runner) keeps every instance record', async () => {
    const r = await boundedRegion();
    r.engine.record(r.ep);
    const seen = await workload(r);
    expect(r.engine.instances).toHaveLength(seen.launches); // launches counts provisioning's too
  });

  it('result objects expire asyncOutputRetentionHours after the write; PutObject ones never', async () => {
    const r = await boundedRegion();
    const seen = await workload(r);
    const e = r.engine;
    const results = [...e.s3.entries()].filter(([, o]) => o.expiresAt !== undefined);
    // Each round's output is written ~10 min into its 3 hours and expires within 1 h (+1 h of trim
    // cadence): none of the 24 is left at the end of the last round.
    expect(seen.results.size).toBe(8 * DAYS);
    expect(results).toHaveLength(0);
    for (const key of seen.results.keys()) expect(await r.cloud.getObject(key)).toBeUndefined();
    // The inputs the client put are all still there.
    expect(e.s3.size).toBe(8 * DAYS);

    // A fresh output is readable until it expires; one overwritten by PutObject stays.
    const a = await invoke(r);
    const b = await invoke(r);
    e.runUntil(e.now + 30 * MIN);
    expect(await r.cloud.getObject(a.outputLocation)).toBeDefined();
    await r.cloud.putObject(b.outputLocation, 'kept by its owner');
    e.runUntil(e.now + 3 * HOUR);
    expect(await r.cloud.getObject(a.outputLocation)).toBeUndefined();
    expect(new TextDecoder().decode(await r.cloud.getObject(b.outputLocation))).toBe('kept by its owner');
  });

  it('metric series hold at most twice the metric retention, whatever the days run', async () => {
    const r = await boundedRegion();
    await workload(r);
    const retention = r.engine.metrics.retentionMinutes;
    let series = 0;
    for (const s of r.engine.metrics.all()) {
      series++;
      expect(s.length).toBeLessThanOrEqual(2 * retention);
      expect(s.count.length).toBeLessThanOrEqual(2 * retention);
    }
    expect(series).toBeGreaterThan(0);
    expect(r.engine.retained().seriesMinutes).toBeLessThanOrEqual(series * 2 * retention);
  });

  it('a saved region keeps the expiry of its result objects and does not reuse instance ids', async () => {
    const r = await boundedRegion();
    const out = await invoke(r);
    r.engine.runUntil(r.engine.now + 30 * MIN);
    const restored = restore(JSON.parse(JSON.stringify(snapshot(r.engine))));
    const obj = restored.s3.get(out.outputLocation);
    expect(obj?.expiresAt).toBe(r.engine.s3.get(out.outputLocation)?.expiresAt);
    expect(restored.nextInstanceId).toBe(r.engine.nextInstanceId);
    // Activities keep their cause text apart from its time prefix; a saved region reads them back whole.
    const acts = await r.cloud.listScalingActivities(r.ep.resourceId, 0);
    expect(acts.length).toBeGreaterThan(0);
    expect(acts[0]?.cause).toMatch(/^At \d{4}-\d\d-\d\dT[\d:.]+Z .+\.$/);
    expect(restored.aas.listActivities(r.ep.resourceId, 0)).toEqual(acts);
    restored.runUntil(restored.now + 3 * HOUR);
    expect(restored.s3.has(out.outputLocation)).toBe(false);
  });
});
