// The report against figures computed by hand (in the comments), not taken from the code's output.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { buildReport } from '../../src/cost/report.js';
import { parseWindow } from '../../src/cost/window.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { InstanceSource } from '../../src/store/index.js';
import { addSteps, config, endpoint, tablePrices } from './helpers.js';

const MIN = 60_000;
const HOUR = 3600_000;
const DAY0 = Date.UTC(2026, 2, 10); // 2026-03-10T00:00Z
const at = (h: number, m = 0): number => DAY0 + h * HOUR + m * MIN;
const isoAt = (h: number, m = 0): string => new Date(at(h, m)).toISOString();

let store: Store;
let clock: VirtualClock;
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(DAY0 + 2 * 24 * HOUR);
});
afterEach(() => store.close());

describe('instance-hours, spend, baseline and savings', () => {
  it('clips transitions at the window edges and carries the count from before the window', async () => {
    // ml.g5.12xlarge (4 GPUs) at an override of $2/h; window 10:00-14:00.
    // 09:30 -> 1 (before the window: 1 instance at 10:00), 10:30 -> 0, 12:00 -> 2, 13:15 -> 0, 14:30 -> 1 (after).
    await addSteps(store, 'a', [
      [at(9, 30), 1],
      [at(10, 30), 0],
      [at(12), 2],
      [at(13, 15), 0],
      [at(14, 30), 1],
    ]);
    const cfg = config([endpoint('a', { instanceType: 'ml.g5.12xlarge', pricePerHourUsd: 2 })]);
    const w = parseWindow({ start: isoAt(10), end: isoAt(14), step: '1h' }, clock.now());
    const r = await buildReport({ store, config: cfg, prices: tablePrices(store, clock), clock }, w);
    const a = r.endpoints[0]!;

    // 10:00-10:30 1 x 0.5 h + 12:00-13:15 2 x 1.25 h = 3.0 instance-hours; x 4 GPUs = 12 GPU-hours.
    expect(a.instanceHours).toBeCloseTo(3.0, 9);
    expect(a.gpuHours).toBeCloseTo(12.0, 9);
    expect(a.spendUsd).toBeCloseTo(6.0, 9); // 3 h x $2
    // minCapacity 0 -> baseline max(1, 0) = 1 instance for 4 h x $2 = $8.
    expect(a.baselineInstances).toBe(1);
    expect(a.baseline).toEqual({ instanceHours: 4, spendUsd: 8 });
    expect(a.savingsUsd).toBeCloseTo(2.0, 9);
    expect(a.savingsPercent).toBeCloseTo(25.0, 9);
    expect(a.price).toMatchObject({ usdPerHour: 2, source: 'override' });
    // One wake (0 -> 2 at 12:00) inside the window; the 14:30 one is outside.
    expect(a.coldStarts.count).toBe(1);

    // Hourly buckets: [0.5, 0, 2.0, 0.5] instance-hours; peaks [1, 0, 2, 2].
    expect(a.series!.map((p) => p.instanceHours)).toEqual([0.5, 0, 2, 0.5]);
    expect(a.series!.map((p) => p.maxInstances)).toEqual([1, 0, 2, 2]);
    expect(a.series!.map((p) => p.cumulativeSpendUsd)).toEqual([1, 1, 5, 6]);
    expect(a.series!.map((p) => p.cumulativeBaselineUsd)).toEqual([2, 4, 6, 8]);
    expect(a.series![0]!.start).toBe(isoAt(10));
    expect(r.total.spendUsd).toBeCloseTo(6, 9);
    expect(r.total.series!.map((p) => p.spendUsd)).toEqual([1, 0, 4, 1]);
  });

  it('applies a price change from its time', async () => {
    // API prices seen: $1.00 (fetched the day before, so it covers everything before), then $1.50
    // from 05:00. One instance all along, window 00:00-10:00: 5 h x $1 + 5 h x $1.5 = $12.50.
    // baselineInstances 2: 2 x ($5 + $7.5) = $25 -> savings $12.50 = 50 %.
    await addSteps(store, 'b', [[at(-30), 1]]);
    await store.prices.insert({
      region: 'us-east-1',
      instanceType: 'ml.g5.xlarge',
      usdPerHour: 1,
      source: 'api',
      detail: 'USE1-AsyncInf:ml.g5.xlarge',
      fetchedAt: at(-22),
    });
    await store.prices.insert({
      region: 'us-east-1',
      instanceType: 'ml.g5.xlarge',
      usdPerHour: 1.5,
      source: 'api',
      detail: 'USE1-AsyncInf:ml.g5.xlarge',
      fetchedAt: at(5),
    });
    clock = new VirtualClock(at(12)); // within the 24 h TTL of the last fetch: no API call
    const prices = new PriceResolver({
      store,
      clock,
      pricing: { source: 'api', cacheTtlHours: 24 },
      api: () => Promise.reject(new Error('the API must not be called while the cache is fresh')),
    });
    const cfg = config([endpoint('b', { baselineInstances: 2 })]);
    const r = await buildReport(
      { store, config: cfg, prices, clock },
      parseWindow({ start: isoAt(0), end: isoAt(10) }, clock.now()),
    );
    const b = r.endpoints[0]!;
    expect(b.instanceHours).toBeCloseTo(10, 9);
    expect(b.spendUsd).toBeCloseTo(12.5, 9);
    expect(b.baseline.spendUsd).toBeCloseTo(25, 9);
    expect(b.savingsUsd).toBeCloseTo(12.5, 9);
    expect(b.savingsPercent).toBeCloseTo(50, 9);
    expect(b.price.source).toBe('cache');
    expect(b.price.changes).toEqual([
      { from: null, usdPerHour: 1, source: 'api' },
      { from: isoAt(5), usdPerHour: 1.5, source: 'api' },
    ]);
  });

  it('counts nothing before the first record, reports telemetry gaps, and totals endpoints', async () => {
    // 'c' has no history at all; 'd' starts at 12:00 with 1 instance (table price ml.g5.xlarge $1.4084).
    await addSteps(store, 'd', [[at(12), 1]]);
    await store.gaps.record({ endpoint: 'd', start: at(8), end: at(13), backfilledTransitions: 3 });
    const cfg = config([endpoint('c'), endpoint('d')]);
    const w = parseWindow({ start: isoAt(10), end: isoAt(14) }, clock.now());
    const r = await buildReport({ store, config: cfg, prices: tablePrices(store, clock), clock }, w);
    const [c, d] = r.endpoints;
    expect(c!.instanceHours).toBe(0);
    expect(c!.spendUsd).toBe(0);
    expect(d!.instanceHours).toBeCloseTo(2, 9); // 12:00-14:00
    expect(d!.spendUsd).toBeCloseTo(2 * 1.4084, 9);
    expect(d!.price).toMatchObject({ usdPerHour: 1.4084, source: 'table' });
    // Baselines cover each endpoint's life inside the window: 'c' has none (no history) -> 0;
    // 'd' from its first record, 12:00-14:00 = 2 h x 1 x $1.4084. (The whole window would have
    // been 2 x 4 h x $1.4084 and "75 % saved" for an endpoint that ran every hour it existed.)
    expect(c!.baseline).toEqual({ instanceHours: 0, spendUsd: 0 });
    expect(c!.savingsUsd).toBe(0);
    expect(c!.savingsPercent).toBeNull();
    expect(c!.life).toBeNull();
    expect(d!.baseline.instanceHours).toBeCloseTo(2, 9);
    expect(d!.life).toEqual({
      start: isoAt(12),
      startSource: 'first-record',
      end: null,
      endSource: null,
      absent: [],
    });
    expect(r.total.baseline.spendUsd).toBeCloseTo(2 * 1.4084, 9);
    expect(r.total.spendUsd).toBeCloseTo(2 * 1.4084, 9);
    expect(r.total.savingsPercent).toBe(0); // 1 - 2.8168 / 2.8168
    expect(r.gaps).toEqual([{ endpoint: 'd', start: isoAt(10), end: isoAt(13), backfilledTransitions: 3 }]);
    expect(r.warnings.join('\n')).toMatch(
      /c: no instance history recorded yet; instance-hours and the always-on baseline are 0/,
    );
    expect(r.warnings.join('\n')).toMatch(
      /d: instance history starts at 2026-03-10T12:00:00.000Z, after the window start; earlier time counts as 0 instances and is left out of the always-on baseline/,
    );
  });

  it('reports spend as unknown (not zero) when no price is known', async () => {
    await addSteps(store, 'e', [[at(0), 1]]);
    const cfg = config([endpoint('e', { instanceType: 'ml.zz9.large' }), endpoint('f')]);
    const r = await buildReport(
      { store, config: cfg, prices: tablePrices(store, clock), clock },
      parseWindow({ start: isoAt(0), end: isoAt(2) }, clock.now()),
    );
    expect(r.endpoints[0]!.spendUsd).toBeNull();
    expect(r.endpoints[0]!.gpuHours).toBeNull();
    expect(r.endpoints[0]!.instanceHours).toBeCloseTo(2, 9);
    expect(r.total.spendUsd).toBeNull();
    expect(r.total.savingsUsd).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/e: no price known for ml.zz9.large/);
  });
});

describe('cold starts and probe spend', () => {
  it('charges each probe the wake it caused alone, until scale-in or the next real request', async () => {
    // Override $4/h, window 00:00-06:00, endpoint at 0 since the day before.
    await addSteps(store, 'p', [
      [at(-10), 0],
      [at(1, 8), 1], // woken by probe P1 (01:00-01:10)
      [at(1, 40), 0],
      [at(2, 0), 1], // a real request woke it (no probe)
      [at(2, 30), 0],
      [at(3, 7), 1], // woken by probe P2 (03:00-03:09); real requests processed at 03:20
      [at(4, 0), 0],
      [at(5, 10), 1], // P3 (05:00-05:12) waited with two real requests: shared wake
    ]);
    const probe = (id: string, s: [number, number], f: [number, number], total: number) =>
      store.probes.save({
        id,
        endpoint: 'p',
        startedAt: at(...s),
        finishedAt: at(...f),
        instancesAtStart: 0,
        cold: true,
        totalS: total,
        outcome: 'success',
      });
    await probe('P1', [1, 0], [1, 10], 600);
    await probe('P2', [3, 0], [3, 9], 540);
    await probe('P3', [5, 0], [5, 12], 720);
    // A warm probe is neither a cold start sample nor charged.
    await store.probes.save({
      id: 'W',
      endpoint: 'p',
      startedAt: at(1, 20),
      finishedAt: at(1, 21),
      instancesAtStart: 1,
      cold: false,
      totalS: 30,
      outcome: 'success',
    });
    const m = (metric: string, h: number, mi: number, value: number) => ({
      endpoint: 'p',
      metric,
      minute: at(h, mi),
      value,
    });
    await store.metrics.upsert([
      m('InvocationsProcessed', 1, 9, 1),
      m('InvocationsProcessed', 3, 8, 1),
      m('InvocationsProcessed', 3, 20, 3),
      m('InvocationsProcessed', 5, 5, 2),
      m('InvocationsProcessed', 5, 11, 1),
      m('ApproximateAgeOfOldestRequest', 1, 58, 60),
      m('ApproximateAgeOfOldestRequest', 1, 59, 120),
      m('ApproximateAgeOfOldestRequest', 2, 0, 180),
      m('ApproximateAgeOfOldestRequest', 2, 2, 5),
    ]);
    const cfg = config([endpoint('p', { pricePerHourUsd: 4 })]);
    const r = await buildReport(
      { store, config: cfg, prices: tablePrices(store, clock), clock },
      parseWindow({ start: isoAt(0), end: isoAt(6) }, clock.now()),
    );
    const p = r.endpoints[0]!;

    // Running: 32 + 30 + 53 + 50 min = 165 min = 2.75 h -> $11; baseline 6 h x $4 = $24.
    expect(p.instanceHours).toBeCloseTo(2.75, 9);
    expect(p.spendUsd).toBeCloseTo(11, 9);
    expect(p.savingsPercent).toBe(54.17); // 13 / 24, percent rounded to two decimals
    // P1: 01:08-01:40 = 32 min; P2: 03:07-03:20 = 13 min; P3 shared -> 45 min = 0.75 h = $3.
    expect(p.probes.wakes).toBe(2);
    expect(p.probes.instanceHours).toBeCloseTo(0.75, 9);
    expect(p.probes.spendUsd).toBeCloseTo(3, 9);
    // Four wakes, two caused by probes.
    expect(p.coldStarts.count).toBe(4);
    expect(p.coldStarts.byProbes).toBe(2);
    // Samples: measured 600, 540, 720 (cold probes) + estimated 180 (oldest request age at the 02:00 wake).
    // Sorted 180, 540, 600, 720: p50 = (540 + 600) / 2 = 570; p95 at rank 2.85 = 600 + 0.85 x 120 = 702.
    expect(p.coldStarts.timeToFirstResultSeconds).toEqual({
      p50: 570,
      p95: 702,
      samples: 4,
      measured: 3,
      estimated: 1,
    });
    const hist = Object.fromEntries(
      p.coldStarts.histogram.filter((b) => b.count > 0).map((b) => [String(b.upToSeconds), b.count]),
    );
    expect(hist).toEqual({ '180': 1, '600': 2, '900': 1 });
  });

  it('charges a probe that started before the window only for the time inside it', async () => {
    await addSteps(store, 'q', [
      [at(-10), 0],
      [at(0, -10), 1], // woken at 23:50 the day before by a probe started 23:45
      [at(0, 30), 0],
    ]);
    await store.probes.save({
      id: 'Q',
      endpoint: 'q',
      startedAt: at(0, -15),
      finishedAt: at(0, -5),
      instancesAtStart: 0,
      cold: true,
      totalS: 600,
      outcome: 'success',
    });
    const cfg = config([endpoint('q', { pricePerHourUsd: 6 })]);
    const r = await buildReport(
      { store, config: cfg, prices: tablePrices(store, clock), clock },
      parseWindow({ start: isoAt(0), end: isoAt(1) }, clock.now()),
    );
    const q = r.endpoints[0]!;
    // 00:00-00:30 inside the window: 0.5 h x $6 = $3, all of it the probe's.
    expect(q.probes.instanceHours).toBeCloseTo(0.5, 9);
    expect(q.probes.spendUsd).toBeCloseTo(3, 9);
    // The wake and the probe were before the window: no cold start in it.
    expect(q.coldStarts.count).toBe(0);
    expect(q.coldStarts.timeToFirstResultSeconds).toBeNull();
  });
});

describe("the always-on baseline covers only the endpoint's life (docs/COST-METHOD.md)", () => {
  /** Transitions with their sources, as telemetry records them. */
  const record = async (name: string, steps: [number, number, InstanceSource][]): Promise<void> => {
    for (const [t, count, source] of steps)
      await store.instances.insert({ endpoint: name, variant: 'AllTraffic', at: t, count, source });
  };
  const report = async (
    names: string[],
    window: { since?: string; start?: string; end?: string; step?: string },
    price = 2,
  ) =>
    buildReport(
      {
        store,
        config: config(names.map((n) => endpoint(n, { pricePerHourUsd: price }))),
        prices: tablePrices(store, clock),
        clock,
      },
      parseWindow(window, clock.now()),
    );

  it('(a) a brand-new endpoint: 3 h of life in a 7-day window, always 1 instance -> 0 % saved', async () => {
    // Created 3 h before the window's end (its CreationTime, recorded by telemetry as 'created')
    // with 1 instance ever since; $7.09/h (ml.g5.12xlarge), baseline 1 instance.
    // Baseline = 3 h x 1 x $7.09 = $21.27 (the whole window would be 168 h x $7.09 = $1,191.12);
    // spend = 3 h x 1 x $7.09 = $21.27; savings $0 = 0 %.
    const now = clock.now();
    await record('new', [[now - 3 * HOUR, 1, 'created']]);
    const r = await report(['new'], { since: '7d' }, 7.09);
    const e = r.endpoints[0]!;
    expect(r.window.hours).toBe(168);
    expect(e.baseline.instanceHours).toBeCloseTo(3, 9);
    expect(e.baseline.spendUsd).toBeCloseTo(21.27, 9);
    expect(e.spendUsd).toBeCloseTo(21.27, 9);
    expect(e.savingsUsd).toBe(0);
    expect(e.savingsPercent).toBe(0);
    expect(e.life).toEqual({
      start: new Date(now - 3 * HOUR).toISOString(),
      startSource: 'created',
      end: null,
      endSource: null,
      absent: [],
    });
    expect(r.total.savingsPercent).toBe(0);
    // Created inside the window is not missing history: no warning about it.
    expect(r.warnings).toEqual([]);
  });

  it('(b) an endpoint adopted later starts at the first record sagezero has, and says so', async () => {
    // No 'created' record (created more than six weeks before sagezero first saw it): the first
    // record is a poll at 04:00 (1 instance), scaled to 0 at 06:00 (activity). Window 00:00-10:00,
    // $2/h. Spend = 2 h x $2 = $4; baseline = 04:00-10:00 = 6 h x 1 x $2 = $12; saved $8 = 66.67 %.
    await record('adopted', [
      [at(4), 1, 'poll'],
      [at(6), 0, 'activity'],
    ]);
    const r = await report(['adopted'], { start: isoAt(0), end: isoAt(10) });
    const e = r.endpoints[0]!;
    expect(e.spendUsd).toBeCloseTo(4, 9);
    expect(e.baseline).toEqual({ instanceHours: 6, spendUsd: 12 });
    expect(e.savingsUsd).toBeCloseTo(8, 9);
    expect(e.savingsPercent).toBe(66.67);
    expect(e.life).toMatchObject({ start: isoAt(4), startSource: 'first-record', end: null });
    expect(r.warnings.join('\n')).toContain('adopted: instance history starts at 2026-03-10T04:00:00.000Z');
  });

  it('(c) a deleted endpoint: the baseline stops at the deletion; a re-created one leaves the gap out', async () => {
    // Created 02:00 with 1 instance, scaled to 0 at 04:00, found deleted by the 06:00 poll.
    // Window 00:00-10:00, $2/h. Spend = 02:00-04:00 = 2 h x $2 = $4; baseline = 02:00-06:00 =
    // 4 h x $2 = $8; saved $4 = 50 %.
    await record('gone', [
      [at(2), 1, 'created'],
      [at(4), 0, 'activity'],
      [at(6), 0, 'deleted'],
    ]);
    let r = await report(['gone'], { start: isoAt(0), end: isoAt(10) });
    let e = r.endpoints[0]!;
    expect(e.spendUsd).toBeCloseTo(4, 9);
    expect(e.baseline).toEqual({ instanceHours: 4, spendUsd: 8 });
    expect(e.savingsPercent).toBe(50);
    expect(e.life).toEqual({
      start: isoAt(2),
      startSource: 'created',
      end: isoAt(6),
      endSource: 'deleted',
      absent: [],
    });

    // Re-created under the same name at 08:00 with 1 instance: a second life, 08:00-10:00.
    // Spend = (2 h + 2 h) x $2 = $8; baseline = (4 h + 2 h) x $2 = $12 (06:00-08:00, when no
    // endpoint existed, is left out); saved $4 = 33.33 %.
    await record('gone', [[at(8), 1, 'created']]);
    r = await report(['gone'], { start: isoAt(0), end: isoAt(10) });
    e = r.endpoints[0]!;
    expect(e.spendUsd).toBeCloseTo(8, 9);
    expect(e.baseline).toEqual({ instanceHours: 6, spendUsd: 12 });
    expect(e.savingsPercent).toBe(33.33);
    expect(e.life).toEqual({
      start: isoAt(2),
      startSource: 'created',
      end: null,
      endSource: null,
      absent: [{ start: isoAt(6), end: isoAt(8) }],
    });
    expect(r.warnings.join('\n')).toContain(
      `gone: deleted at ${isoAt(6)} and re-created at ${isoAt(8)}; the always-on baseline leaves that time out`,
    );
  });

  it('(d) a window entirely before the endpoint existed: baseline 0, savings $0 and no percentage', async () => {
    // Created at 20:00; window 00:00-10:00. Nothing existed: spend 0, baseline 0, savings $0, and
    // the percentage is null ("—"), never "100 % saved" nor 0 / 0.
    await record('later', [[at(20), 1, 'created']]);
    const r = await report(['later'], { start: isoAt(0), end: isoAt(10) });
    const e = r.endpoints[0]!;
    expect(e.spendUsd).toBe(0);
    expect(e.baseline).toEqual({ instanceHours: 0, spendUsd: 0 });
    expect(e.savingsUsd).toBe(0);
    expect(e.savingsPercent).toBeNull();
    expect(r.total.savingsPercent).toBeNull();
    expect(e.life).toMatchObject({ start: isoAt(20), startSource: 'created' });
  });

  it('(e) series: the baseline is 0 in buckets before creation and partial in the creation bucket', async () => {
    // Window 00:00-04:00, step 1h, $2/h. Created 01:30 with 1 instance, scaled to 0 at 03:00.
    // Baseline per bucket: [0, 0.5 h, 1 h, 1 h] x $2 = [0, 1, 2, 2], cumulative [0, 1, 3, 5].
    // Spend per bucket:    [0, 0.5 h, 1 h, 0]   x $2 = [0, 1, 2, 0], cumulative [0, 1, 3, 3].
    await record('s', [
      [at(1, 30), 1, 'created'],
      [at(3), 0, 'activity'],
    ]);
    const r = await report(['s'], { start: isoAt(0), end: isoAt(4), step: '1h' });
    const e = r.endpoints[0]!;
    expect(e.series!.map((p) => p.baselineUsd)).toEqual([0, 1, 2, 2]);
    expect(e.series!.map((p) => p.cumulativeBaselineUsd)).toEqual([0, 1, 3, 5]);
    expect(e.series!.map((p) => p.spendUsd)).toEqual([0, 1, 2, 0]);
    expect(e.series!.map((p) => p.cumulativeSpendUsd)).toEqual([0, 1, 3, 3]);
    expect(e.baseline.spendUsd).toBe(5);
    expect(r.total.series!.map((p) => p.cumulativeBaselineUsd)).toEqual([0, 1, 3, 5]);
  });

  it('(f) the total adds endpoints of different ages, each over its own life', async () => {
    // Window 00:00-10:00, $2/h, baseline 1 instance each.
    // 'old': recorded since the day before at 0, 1 instance 01:00-02:00: spend 1 h x $2 = $2,
    //        baseline 10 h x $2 = $20.
    // 'young': created 08:00 with 1 instance: spend 2 h x $2 = $4, baseline 2 h x $2 = $4.
    // Total: spend $6, baseline $24, saved $18 = 75 % (the whole window for both: $40 and 85 %).
    await record('old', [
      [at(-20), 0, 'poll'],
      [at(1), 1, 'activity'],
      [at(2), 0, 'activity'],
    ]);
    await record('young', [[at(8), 1, 'created']]);
    const r = await report(['old', 'young'], { start: isoAt(0), end: isoAt(10) });
    expect(r.endpoints.map((e) => e.baseline.spendUsd)).toEqual([20, 4]);
    expect(r.endpoints.map((e) => e.spendUsd)).toEqual([2, 4]);
    expect(r.total.baseline).toEqual({ instanceHours: 12, spendUsd: 24 });
    expect(r.total.spendUsd).toBe(6);
    expect(r.total.savingsUsd).toBe(18);
    expect(r.total.savingsPercent).toBe(75);
  });
});
