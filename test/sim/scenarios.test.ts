// Behaviours of the simulated region that sagezero's policies depend on, each pinned end to end:
// policy built by src/scaling/build.ts, installed through the Cloud port, then time run forward.
import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../src/cloud/sim/metrics.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { capacityChanges, customPolicy, DAY, invoke, MIN, region, runUntilTrue } from './helpers.js';

describe('preset blog (target tracking alone)', () => {
  it('never serves a lone request at zero instances; it expires at its TTL', async () => {
    const r = await region(presetPolicy('blog'));
    r.engine.runUntil(r.engine.now + 60 * MIN);
    expect(r.ep.desired).toBe(0);
    expect(r.ep.live).toHaveLength(0);
    const launches = r.ep.launches;

    const req = await invoke(r, 3600);
    r.engine.runUntil(req.at + 3600_000 - 1);
    expect(r.ep.expired).toBe(0);
    expect(r.ep.queue.size).toBe(1);
    r.engine.runUntil(req.at + 3600_000);
    expect(r.ep.expired).toBe(1);
    expect(r.ep.completed).toBe(0);
    expect(await r.cloud.getObject(req.outputLocation)).toBeUndefined();
    const failure = await r.cloud.getObject(req.failureLocation as string);
    expect(new TextDecoder().decode(failure)).toContain('expired');

    r.engine.runUntil(r.engine.now + 120 * MIN);
    expect(r.ep.launches).toBe(launches);
  });

  it('wakes once the backlog exceeds the target (3 datapoints above it)', async () => {
    const r = await region(presetPolicy('blog'));
    r.engine.runUntil(r.engine.now + 60 * MIN);
    const first = await invoke(r);
    for (let i = 0; i < 5; i++) await invoke(r);
    const launchedAt = runUntilTrue(r.engine, () => r.ep.live.length > 0, 30 * MIN);
    // Backlog 6 > target 5 is published for the minute of the arrivals and two more: 3 of 3. The third
    // of those minutes ends at firstMinuteEnd + 2 min; its datapoint is visible 60 s later
    // (metricDelaySeconds) and the next evaluation is 30 s into that minute (alarmEvaluationOffsetSeconds):
    // firstMinuteEnd + 3 min + 30 s. (Was + 2 min 30 s with the old, unsourced 10 s delivery delay,
    // which made the third datapoint visible at the first evaluation after its minute.)
    const firstMinuteEnd = Math.floor(first.at / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    expect(launchedAt).toBe(firstMinuteEnd + 3 * MINUTE_MS + 30_000);
    expect(r.ep.desired).toBe(2);
  });
});

describe('preset aws-recommended', () => {
  it('wakes within the wake alarm window and completes after boot + service time', async () => {
    const r = await region(presetPolicy('aws-recommended'), { bootSeconds: 480, serviceSeconds: 20 });
    r.engine.runUntil(r.engine.now + 60 * MIN + 10_000);
    expect(r.ep.desired).toBe(0);
    const req = await invoke(r);

    const launchedAt = runUntilTrue(r.engine, () => r.ep.live.length > 0, 30 * MIN);
    // Wake alarm: HasBacklogWithoutCapacity >= 1 for 2 of 2 one-minute periods, evaluated 30 s after
    // each minute: the launch comes at most (2 + 1) minutes + 30 s after the arrival.
    expect(launchedAt - req.at).toBeGreaterThanOrEqual(MIN);
    expect(launchedAt - req.at).toBeLessThanOrEqual(3 * MIN + 30_000);

    const done = launchedAt + 480_000 + 20_000;
    r.engine.runUntil(done - 1);
    expect(await r.cloud.getObject(req.outputLocation)).toBeUndefined();
    r.engine.runUntil(done);
    const out = await r.cloud.getObject(req.outputLocation);
    expect(JSON.parse(new TextDecoder().decode(out))).toMatchObject({
      simulated: true,
      processingSeconds: 20,
    });

    const acts = await r.cloud.listScalingActivities(r.ep.resourceId, req.at);
    const wake = acts.filter((a) => a.statusCode === 'Successful').at(-1);
    expect(wake?.description).toBe('Setting desired instance count to 1.');
    expect(wake?.cause).toContain('sagezero-sim-endpoint-wake');
    expect(wake?.startTime).toBe(launchedAt);
    expect(wake?.endTime).toBe(launchedAt + 480_000);
    // Newest first, as DescribeScalingActivities returns them.
    expect(acts.map((a) => a.startTime)).toEqual([...acts.map((a) => a.startTime)].sort((x, y) => y - x));
  });

  const drain = async (
    scaleInDamping: 'none' | 'ten-percent',
  ): Promise<{ lastHigh: number; downs: { at: number; to: number }[] }> => {
    const r = await region(presetPolicy('aws-recommended'), { serviceSeconds: 60, sim: { scaleInDamping } });
    r.engine.runUntil(r.engine.now + 60 * MIN);
    for (let i = 0; i < 30; i++) await invoke(r);
    runUntilTrue(r.engine, () => r.ep.completed === 30, 120 * MIN);
    runUntilTrue(r.engine, () => r.ep.desired === 0, 120 * MIN);

    const series = r.engine.metrics.get('AWS/SageMaker', 'ApproximateBacklogSizePerInstance', [
      { name: 'EndpointName', value: r.ep.name },
    ]);
    expect(series).toBeDefined();
    let lastHigh = -1;
    for (let i = 0; i < (series?.length ?? 0); i++) {
      if ((series?.max[i] as number) >= 0.9 * 5) lastHigh = (series?.firstMinute as number) + i;
    }
    expect(lastHigh).toBeGreaterThan(0);

    const changes = (await capacityChanges(r)).filter((c) => c.at > DAY + 7 * 3_600_000);
    const downs = changes.filter((c, i) => i > 0 && c.to < (changes[i - 1]?.to ?? 0));
    const toZero = downs[downs.length - 1];
    expect(toZero?.to).toBe(0);
    expect(toZero?.at).toBeGreaterThanOrEqual((lastHigh + 1) * MINUTE_MS + 15 * MIN);
    return { lastHigh, downs };
  };

  it('keeps the last instance until 15 low-backlog minutes have passed, then scales in to the proportional capacity', async () => {
    // Default scaleInDamping 'none' (documented computation): once the 30 requests are done the newest
    // per-instance backlog is 0, ceil(0 x serving / 5) = 0, so 2 -> 0 in one activity. (The old
    // expectation [1, 0] came from the unsourced 10%-or-one-instance rule.)
    const { downs } = await drain('none');
    expect(downs.map((d) => d.to)).toEqual([0]);
  });

  it("with 'ten-percent' damping, steps 2 -> 1 -> 0 and holds the scale-in cooldown between", async () => {
    // 10% of 2 rounds down to 0, so at least one instance per activity: 2 -> 1, then 1 -> 0 no sooner
    // than the 600 s scale-in cooldown after the first scale-in completed (it completes at once: no
    // instance was booting).
    const { downs } = await drain('ten-percent');
    expect(downs.map((d) => d.to)).toEqual([1, 0]);
    expect((downs[1]?.at as number) - (downs[0]?.at as number)).toBeGreaterThanOrEqual(600_000);
  });
});

describe('idle rule in step mode', () => {
  it('removes the last instance after N idle minutes, not sooner', async () => {
    const r = await region(customPolicy({ preset: 'aws-recommended', idle: { mode: 'step', minutes: 5 } }), {
      serviceSeconds: 30,
    });
    r.engine.runUntil(r.engine.now + 60 * MIN);
    expect(r.ep.desired).toBe(0);
    await invoke(r);
    const completedAt = runUntilTrue(r.engine, () => r.ep.completed === 1, 30 * MIN);
    const zeroAt = runUntilTrue(r.engine, () => r.ep.desired === 0, 30 * MIN);
    expect(zeroAt - completedAt).toBeGreaterThanOrEqual(5 * MIN);
    expect(zeroAt - completedAt).toBeLessThanOrEqual(7 * MIN + 30_000);
    const alarms = await r.cloud.listAlarms('TargetTracking-');
    expect(alarms.map((a) => a.name).some((n) => n.includes('AlarmLow'))).toBe(false);
  });
});

describe('step scaling cooldown', () => {
  // Boot (60 s) is shorter than a minute: when the instance is ready, the wake alarm still sees the
  // minute it was booting in (backlog, no capacity) and invokes the wake policy once more.
  const wakeAgain = async (cooldown: number): Promise<number> => {
    const policy = customPolicy({
      preset: 'aws-recommended',
      maxCapacity: 3,
      scaleOutCooldownSeconds: cooldown,
      wake: { periodSeconds: 60, evaluationPeriods: 1 },
    });
    const r = await region(policy, { bootSeconds: 60, serviceSeconds: 600 });
    r.engine.runUntil(r.engine.now + 60 * MIN + 10_000);
    await invoke(r);
    r.engine.runUntil(r.engine.now + 6 * MIN);
    return Math.max(...(await capacityChanges(r)).filter((c) => c.cause.includes('-wake')).map((c) => c.to));
  };

  it('does not add a second instance while the cooldown runs', async () => {
    expect(await wakeAgain(600)).toBe(1);
  });

  it('(control) without a cooldown the same alarm adds a second instance', async () => {
    expect(await wakeAgain(0)).toBe(2);
  });
});

describe('scheduled keep-warm', () => {
  it('raises min capacity when the window opens and restores it when it closes', async () => {
    const policy = customPolicy({
      preset: 'aws-recommended',
      keepWarm: [{ from: '0 9 * * 1-5', to: '0 17 * * 1-5', timezone: 'Europe/Brussels', minCapacity: 1 }],
    });
    const r = await region(policy, { startTime: DAY + 5 * 3_600_000 });
    const opens = DAY + 8 * 3_600_000; // 09:00 in Brussels (UTC+1 in January)
    r.engine.runUntil(opens - 1);
    expect(r.ep.desired).toBe(0);
    expect((await r.cloud.getScalableTarget(r.ep.resourceId))?.minCapacity).toBe(0);
    r.engine.runUntil(opens);
    expect((await r.cloud.getScalableTarget(r.ep.resourceId))?.minCapacity).toBe(1);
    expect(r.ep.desired).toBe(1);
    expect(r.ep.live[0]?.launchedAt).toBe(opens);
    // Idle all day, yet the instance stays: the low alarm cannot go below min capacity.
    r.engine.runUntil(opens + 8 * 3_600_000 - 1);
    expect(r.ep.desired).toBe(1);
    r.engine.runUntil(opens + 8 * 3_600_000);
    expect((await r.cloud.getScalableTarget(r.ep.resourceId))?.minCapacity).toBe(0);
    const zeroAt = runUntilTrue(r.engine, () => r.ep.desired === 0, 30 * MIN);
    expect(zeroAt - (opens + 8 * 3_600_000)).toBeLessThanOrEqual(MIN);
    const acts = await r.cloud.listScalingActivities(r.ep.resourceId, opens);
    expect(acts.some((a) => a.description === 'Setting min capacity to 1 and max capacity to 2')).toBe(true);
  });
});
