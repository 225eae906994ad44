import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { bootSamplesFromStore, describeBoot, estimateBoot } from './coldstart.js';

describe('estimateBoot', () => {
  it('uses the prior when nothing was measured', async () => {
    const e = estimateBoot([], 600);
    expect(e.source).toBe('prior');
    expect(e.medianSeconds).toBe(600);
    expect(e.p90Seconds).toBeGreaterThan(600);
  });

  it('centres on the measured boots and widens with their spread', async () => {
    const tight = estimateBoot([400, 410, 420, 405, 415], 900);
    const wide = estimateBoot([250, 400, 700, 330, 550], 900);
    expect(tight.source).toBe('measured');
    expect(tight.samples).toBe(5);
    expect(tight.medianSeconds).toBeCloseTo(410, 0);
    expect(wide.p90Seconds / wide.medianSeconds).toBeGreaterThan(tight.p90Seconds / tight.medianSeconds);
  });

  it('ignores durations that cannot be boots', async () => {
    const e = estimateBoot([0, 3, 1e6, 480], 900);
    expect(e.samples).toBe(1);
    expect(e.medianSeconds).toBeCloseTo(480, 6);
  });

  it('describes a fixed distribution as itself', async () => {
    expect(describeBoot({ kind: 'fixed', seconds: 300 })).toMatchObject({
      medianSeconds: 300,
      p90Seconds: 300,
    });
  });
});

describe('bootSamplesFromStore', () => {
  const T = Date.UTC(2026, 2, 10, 8, 50);
  const EP = 'llm';
  const VARIANT = 'AllTraffic';
  let store: Store;
  beforeEach(async () => {
    store = await openStore(':memory:');
    await store.instances.insert({
      endpoint: EP,
      variant: VARIANT,
      at: T - 600_000,
      count: 0,
      source: 'poll',
    });
  });
  afterEach(() => store.close());

  const probe = (
    id: string,
    startedAt: number,
    queuedS: number,
    scaleOutS: number,
    toOutputS: number,
  ): Promise<void> => {
    const totalS = queuedS + scaleOutS + toOutputS;
    return store.probes.save({
      id,
      endpoint: EP,
      startedAt,
      finishedAt: startedAt + totalS * 1000,
      instancesAtStart: 0,
      cold: true,
      queuedS,
      scaleOutS,
      inServiceToOutputS: toOutputS,
      totalS,
      outcome: 'success',
    });
  };
  const wake = async (id: string, startTime: number, endTime: number): Promise<void> => {
    await store.activities.upsert({
      activityId: id,
      endpoint: EP,
      variant: VARIANT,
      startTime,
      endTime,
      status: 'Successful',
      description: 'Setting desired instance count to 1.',
      cause: `monitor alarm sagezero-${EP}-wake in state ALARM`,
      desiredCount: 1,
    });
  };
  const all = (): Promise<{ probes: number[]; scaleOuts: number[] }> =>
    bootSamplesFromStore(store, EP, VARIANT, 0, Number.MAX_SAFE_INTEGER);

  it('counts a probe that woke the endpoint from zero and the scale-out it caused as one cold start', async () => {
    // The probe at 08:50 waited 210 s for the wake alarm; the activity it caused ran 08:53:30 ->
    // InService 537.878 s later, and the probe timed its scale-out phase from that activity
    // (src/probe/phases.ts): one boot of 537.878 s, not two.
    await probe('p1', T, 210, 537.878, 53.297);
    await wake('a1', T + 210_000, T + 210_000 + 537_878);
    expect(await all()).toEqual({ probes: [], scaleOuts: [537.878] });
    const e = estimateBoot([...(await all()).probes, ...(await all()).scaleOuts], 600);
    expect(e).toMatchObject({ source: 'measured', samples: 1 });
    expect(e.medianSeconds).toBeCloseTo(537.878, 6);
  });

  it('keeps the whole boot when the probe arrived while the endpoint was already waking', async () => {
    // The activity from zero began 100 s before the probe, so the probe's scale-out phase is clamped
    // to its own start (queued 0, scale-out 400 s of the activity's 500 s): the activity is the boot.
    await wake('a1', T - 100_000, T + 400_000);
    await probe('p1', T, 0, 400, 30);
    expect(await all()).toEqual({ probes: [], scaleOuts: [500] });
  });

  it('counts a probe on its own when no scale-out from zero in the store overlaps it', async () => {
    // p1's activity was never polled; a1 is a wake an hour later that no probe watched: two boots.
    await probe('p1', T, 210, 450, 40);
    await wake('a1', T + 3_600_000, T + 3_600_000 + 480_000);
    expect(await all()).toEqual({ probes: [450], scaleOuts: [480] });
  });
});
