// The simulator's AWS behaviours that docs/SIMULATOR.md tags as documented or assumed, each pinned
// against a timeline derived by hand in the comments. Conventions for every timeline below:
// - the region starts Monday 06:00 UTC and runs 60 idle minutes, so M0 = 07:00:00 is a minute boundary;
// - each minute's gauge datapoint is sampled at the minute's end (metricSamplesPerMinute 1) and becomes
//   visible 60 s later (metricDelaySeconds); alarms are evaluated at 30 s past every minute
//   (alarmEvaluationOffsetSeconds). So the evaluation at M0 + k min + 30 s sees minutes up to the one
//   that ended at M0 + (k - 1) min: its window of N one-minute periods ends there.
import { describe, expect, it } from 'vitest';
import type { SimOptions } from '../../src/cloud/sim/engine.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import {
  capacityChanges,
  customPolicy,
  DAY,
  invoke,
  MIN,
  region,
  runUntilTrue,
  type Region,
} from './helpers.js';

const M0 = DAY + 7 * 3_600_000;
const S = 1000;

async function idleHour(r: Region): Promise<void> {
  r.engine.runUntil(M0);
  expect(r.engine.now).toBe(M0);
  expect(r.ep.desired).toBe(0);
}

/** Times (ms) at which the desired count changed, with the new count. */
async function changes(r: Region): Promise<{ at: number; to: number }[]> {
  return (await capacityChanges(r)).filter((c) => c.at >= M0).map(({ at, to }) => ({ at, to }));
}

function iso(t: number): string {
  return new Date(t).toISOString().slice(0, 19);
}

/**
 * A +1 step policy on an alarm on HasBacklogWithoutCapacity (Average, 60 s, >= 1, M of N), added next
 * to the blog preset (target tracking alone, target 5, max 2), which never wakes a lone request itself.
 */
async function addWake(
  r: Region,
  o: { aggregation: 'Average' | 'Maximum'; cooldownSeconds: number; of: number; datapoints: number },
): Promise<void> {
  const arn = await r.cloud.putScalingPolicy({
    type: 'StepScaling',
    policyName: 'test-wake',
    resourceId: r.ep.resourceId,
    adjustmentType: 'ChangeInCapacity',
    stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
    cooldownSeconds: o.cooldownSeconds,
    metricAggregationType: o.aggregation,
  });
  await r.cloud.putAlarm({
    name: 'test-wake-alarm',
    description: 'test',
    metric: {
      namespace: 'AWS/SageMaker',
      metricName: 'HasBacklogWithoutCapacity',
      dimensions: [{ name: 'EndpointName', value: r.ep.name }],
      statistic: 'Average',
      periodSeconds: 60,
    },
    evaluationPeriods: o.of,
    datapointsToAlarm: o.datapoints,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'missing',
    alarmActions: [arn],
    tags: {},
  });
}

describe('alarm timing (metricDelaySeconds 60, evaluation at :30, one sample per minute)', () => {
  it('wakes a lone request 3 min 20 s after it arrives and scales the last instance in 100 s after it completes', async () => {
    const r = await region(presetPolicy('aws-recommended'), { bootSeconds: 480, serviceSeconds: 20 });
    await idleHour(r);
    r.engine.runUntil(M0 + 10 * S);
    await invoke(r); // arrives at M0 + 10 s
    // HasBacklogWithoutCapacity (Average, 60 s, 2 of 2, >= 1): minute M0 (sampled at M0+60) = 1, minute
    // M0+1 (sampled at M0+120) = 1; the earlier minutes are 0.
    // Evaluation at M0+150 sees [M0-1, M0] = [0, 1]: OK. At M0+210 it sees [M0, M0+1] = [1, 1]: ALARM,
    // the wake step policy sets desired 1. Launch at M0 + 210 s = arrival + 200 s.
    const launchedAt = runUntilTrue(r.engine, () => r.ep.live.length > 0, 30 * MIN);
    expect(launchedAt).toBe(M0 + 210 * S);
    // Boot 480 s: ready at M0+690; service 20 s: done at M0+710.
    const doneAt = runUntilTrue(r.engine, () => r.ep.completed === 1, 30 * MIN);
    expect(doneAt).toBe(M0 + 710 * S);
    // Target tracking's low alarm (15 of 15 below 4.5) has been in ALARM all along (per-instance backlog
    // <= 1). At M0+750 it sees minutes up to M0+10 (sampled at M0+660: 1 request, booting instance, per
    // instance 1/max(1, 0) = 1): proportional ceil(1 x 1 / 5) = 1, no scale-in. At M0+810 the newest is
    // minute M0+11 (sampled at M0+720, backlog 0): ceil(0) = 0 -> desired 0 at M0 + 810 s, 100 s after the
    // request completed. (With the old 10 s delay it was M0+750, 40 s after.)
    const zeroAt = runUntilTrue(r.engine, () => r.ep.desired === 0, 30 * MIN);
    expect(zeroAt).toBe(M0 + 810 * S);
    expect((await changes(r)).map((c) => [iso(c.at), c.to])).toEqual([
      [iso(M0 + 210 * S), 1],
      [iso(M0 + 810 * S), 0],
    ]);
  });

  it('with six samples a minute, an Average alarm counts the arrival minute as a fraction and wakes one minute later', async () => {
    const r = await region(presetPolicy('aws-recommended'), {
      bootSeconds: 480,
      serviceSeconds: 20,
      sim: { metricSamplesPerMinute: 6 },
    });
    await idleHour(r);
    r.engine.runUntil(M0 + 10 * S); // the M0+10 s sample is taken before the request arrives
    await invoke(r);
    // Minute M0: samples at +10 (0), +20, +30, +40, +50, +60 (1 each): Average 5/6 < 1. Minutes M0+1 and
    // M0+2: 1. Evaluation at M0+210 sees [5/6, 1]: not 2 of 2. At M0+270: [1, 1] -> launch at M0 + 270 s.
    const launchedAt = runUntilTrue(r.engine, () => r.ep.live.length > 0, 30 * MIN);
    expect(launchedAt).toBe(M0 + 270 * S);
    const series = r.engine.metrics.get('AWS/SageMaker', 'HasBacklogWithoutCapacity', [
      { name: 'EndpointName', value: r.ep.name },
    ]);
    const i = M0 / MIN - (series?.firstMinute as number);
    expect(series?.count[i]).toBe(6);
    expect(series?.sum[i]).toBe(5);
  });
});

describe('the second instance of a lone cold start (backlogWithoutCapacityWhileBooting)', () => {
  // A wake policy (2 of 2) whose 300 s cooldown is shorter than the 480 s boot; max capacity 2. (The
  // presets now cover the boot with their cooldown, so the policy is installed by hand.)
  const run = async (whileBooting: boolean): Promise<{ at: number; to: number }[]> => {
    const r = await region(presetPolicy('blog'), {
      bootSeconds: 480,
      serviceSeconds: 20,
      sim: { backlogWithoutCapacityWhileBooting: whileBooting },
    });
    await addWake(r, { aggregation: 'Average', cooldownSeconds: 300, of: 2, datapoints: 2 });
    await idleHour(r);
    r.engine.runUntil(M0 + 10 * S);
    await invoke(r);
    r.engine.runUntil(M0 + 12 * MIN);
    return changes(r);
  };

  it('by default (unverified) the wake alarm stays in ALARM during the boot and adds a second instance after its cooldown', async () => {
    // First wake at M0+210 (as above): cooldown until M0+510, measured from 0 instances. While the
    // instance boots (M0+210 .. M0+690) every minute samples backlog 1, no serving instance -> 1. The
    // evaluations at M0+270 .. M0+450 are in the cooldown: 0 + 1 = 1 is not more than 1, nothing. From
    // M0+510 the cooldown is over and the policy asks for 1 + 1 = 2, but SageMaker refuses capacity
    // changes while the endpoint is Updating (the boot): failed activities until M0+690, when the
    // instance is up (the boot event comes before that second's evaluation) and the evaluation at
    // M0+690 ([M0+9, M0+10] = [1, 1]) sets 2: a second boot for one request.
    expect((await run(true)).map((c) => [iso(c.at), c.to])).toEqual([
      [iso(M0 + 210 * S), 1],
      [iso(M0 + 690 * S), 2],
    ]);
  });

  it('when a booting instance counts as capacity, one instance serves the lone request', async () => {
    // From the sample at M0+240 on (instance booting) the metric is 0: the alarm sees [1, 0] at M0+270
    // and is OK from then on. The only change in the first 12 minutes is the wake at M0+210.
    expect((await run(false)).map((c) => [iso(c.at), c.to])).toEqual([[iso(M0 + 210 * S), 1]]);
  });
});

describe('target tracking scale-in', () => {
  // Ten instances held by a scheduled minimum from 07:00 to 08:00, idle throughout (max capacity 10).
  const tenThenRelease = async (sim: Partial<SimOptions> | undefined): Promise<Region> => {
    const r = await region(customPolicy({ preset: 'aws-recommended', maxCapacity: 10 }), {
      bootSeconds: 60,
      ...(sim ? { sim } : {}),
    });
    const put = (name: string, at: number, min: number): Promise<void> =>
      r.cloud.putScheduledAction({
        name,
        resourceId: r.ep.resourceId,
        schedule: `at(${iso(at)})`,
        minCapacity: min,
        maxCapacity: 10,
      });
    await put('hold', M0, 10);
    await put('release', M0 + 60 * MIN, 0);
    return r;
  };

  it('removes every idle instance in one activity (proportional capacity, the documented computation)', async () => {
    const r = await tenThenRelease(undefined);
    // 07:00 min 10 -> desired 10. Idle, so the low alarm is in ALARM every minute, but the proportional
    // capacity ceil(0 x 10 / 5) = 0 is clamped to min 10: no scale-in. 08:00 min 0. At 08:00:30 the low
    // alarm (minutes 07:44 .. 07:58, all 0 < 4.5) invokes the policy: 10 -> 0.
    r.engine.runUntil(M0 + 3 * 60 * MIN);
    expect((await changes(r)).map((c) => [iso(c.at), c.to])).toEqual([
      [iso(M0), 10],
      [iso(M0 + 60 * MIN + 30 * S), 0],
    ]);
  });

  it("with 'ten-percent' damping drains one instance per scale-in cooldown (600 s from each completion)", async () => {
    const r = await tenThenRelease({ scaleInDamping: 'ten-percent' });
    // 10% of 10 = 1 per activity: 10 -> 9 at 08:00:30; each scale-in completes at once (nothing boots),
    // so the next may start 600 s later, at 08:10:30, 08:20:30, ... : 10 - k at 08:00:30 + (k - 1) x 10 min,
    // the last (-> 0) at 09:30:30.
    r.engine.runUntil(M0 + 3 * 60 * MIN);
    const expected: [string, number][] = [[iso(M0), 10]];
    for (let k = 1; k <= 10; k++) expected.push([iso(M0 + 60 * MIN + 30 * S + (k - 1) * 10 * MIN), 10 - k]);
    expect((await changes(r)).map((c) => [iso(c.at), c.to])).toEqual(expected);
  });

  it('a scale-out ends the scale-in cooldown: the next scale-in does not wait 600 s from the previous one', async () => {
    const r = await tenThenRelease({ scaleInDamping: 'ten-percent' });
    // As above, 10 -> 9 at 08:00:30 (cooldown would hold the next scale-in until 08:10:30). A scheduled
    // minimum of 10 at 08:03 scales out 9 -> 10 (one instance boots 60 s: Updating until 08:04); min 0
    // again at 08:04:10. The scale-out ended the cooldown, so the evaluation at 08:04:30 scales in
    // 10 -> 9, and the next one waits 600 s from that: 08:14:30.
    const put = (name: string, at: number, min: number): Promise<void> =>
      r.cloud.putScheduledAction({
        name,
        resourceId: r.ep.resourceId,
        schedule: `at(${iso(at)})`,
        minCapacity: min,
        maxCapacity: 10,
      });
    r.engine.runUntil(M0 + 62 * MIN);
    await put('again', M0 + 63 * MIN, 10);
    await put('again-release', M0 + 64 * MIN + 10 * S, 0);
    r.engine.runUntil(M0 + 75 * MIN);
    expect((await changes(r)).map((c) => [iso(c.at), c.to])).toEqual([
      [iso(M0), 10],
      [iso(M0 + 60 * MIN + 30 * S), 9],
      [iso(M0 + 63 * MIN), 10],
      [iso(M0 + 64 * MIN + 30 * S), 9],
      [iso(M0 + 74 * MIN + 30 * S), 8],
    ]);
  });
});

describe('step scaling aggregates the alarm datapoints with MetricAggregationType', () => {
  // A +1 step policy on a 1-of-2 alarm on HasBacklogWithoutCapacity >= 1, next to the blog preset.
  const run = async (aggregation: 'Average' | 'Maximum'): Promise<number> => {
    const r = await region(presetPolicy('blog'), { bootSeconds: 480, serviceSeconds: 20 });
    await addWake(r, { aggregation, cooldownSeconds: 600, of: 2, datapoints: 1 });
    await idleHour(r);
    r.engine.runUntil(M0 + 10 * S);
    await invoke(r);
    return runUntilTrue(r.engine, () => r.ep.live.length > 0, 30 * MIN);
  };

  it('Average over [0, 1] is 0.5, below the step: the first ALARM evaluation does not scale', async () => {
    // At M0+150 the alarm sees [M0-1, M0] = [0, 1]: 1 of 2 breaching, ALARM. Average 0.5 - 1 < 0: no step
    // contains it. At M0+210, [1, 1]: 1 - 1 = 0 is in [0, inf): +1 at M0 + 210 s.
    expect(await run('Average')).toBe(M0 + 210 * S);
  });

  it('Maximum over [0, 1] is 1: +1 at the first ALARM evaluation', async () => {
    expect(await run('Maximum')).toBe(M0 + 150 * S);
  });
});

describe('a scheduled action refused while the endpoint is Updating is retried', () => {
  const run = async (retrySeconds: number): Promise<{ at: number; to: number }[]> => {
    const r = await region(presetPolicy('aws-recommended'), {
      bootSeconds: 480,
      serviceSeconds: 20,
      // A booting instance counts as capacity here, so the wake alarm is OK once the instance launched:
      // with it in ALARM, its every invocation would clamp the capacity to the new minimum by itself.
      sim: { scheduledActionRetrySeconds: retrySeconds, backlogWithoutCapacityWhileBooting: false },
    });
    await idleHour(r);
    r.engine.runUntil(M0 + 10 * S);
    await invoke(r);
    // The wake launches at M0+210; the endpoint is Updating until the instance is up at M0+690.
    await r.cloud.putScheduledAction({
      name: 'warm-two',
      resourceId: r.ep.resourceId,
      schedule: `at(${iso(M0 + 300 * S)})`,
      minCapacity: 2,
      maxCapacity: 2,
    });
    r.engine.runUntil(M0 + 20 * MIN);
    return changes(r);
  };

  it('every 60 s by default: the capacity reaches the new minimum at the first try after the update', async () => {
    // M0+300: min 2, 1 -> 2 refused (Updating). Retries at M0+360, +420, ..., +660 are refused too; at
    // M0+690 the instance is up (InService); the retry at M0+720 sets 2.
    expect((await run(60)).map((c) => [iso(c.at), c.to])).toEqual([
      [iso(M0 + 210 * S), 1],
      [iso(M0 + 720 * S), 2],
    ]);
  });

  it('(control) without retries the capacity stays below the minimum', async () => {
    // Nothing else raises it: the wake alarm is OK, target tracking's high alarm too (backlog <= 1 per
    // instance), and its low alarm only ever lowers the capacity.
    expect((await run(0)).map((c) => [iso(c.at), c.to])).toEqual([[iso(M0 + 210 * S), 1]]);
  });
});
