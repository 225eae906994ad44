// Real-time endpoints in the simulated region, through the Cloud port: an inference component scales
// to zero copies and its instance is released after the scale-in cooldown; an invocation at zero fails
// with NoCapacity and is counted; the wake alarm brings a copy back after boot + model load; a client
// that retries is then served.
//
// Timeline shared by the tests (fixed timings, realtime-helpers.ts; t in seconds from the region's
// creation, alarms evaluated at hh:mm:30 on datapoints published 60 s after their minute ends):
//   t=0     CreateEndpoint launches instance 0 (InitialInstanceCount 1); it is ready at t=300.
//   t=300   CreateInferenceComponent (1 copy) on the ready instance; the model loads for 60 s.
//   t=360   the copy serves; the policy is installed.
//   t=510   minute 6 (360-420: a copy, no request) is published at 480; its ConcurrentRequestsPerCopy 0
//           is below 0.9 x 0.7, the only present datapoint of target tracking's 15-of-15 low alarm,
//           which alarms (fewer present points than DatapointsToAlarm, all breaching): proportional
//           capacity ceil(0 x 1 / 0.7) = 0 copies. The copy goes: the endpoint's last operation.
//   t=1710  510 + CooldownInMinutes 20 x 60: IDLE_RELEASE terminates instance 0, which has no copy.
import { describe, expect, it } from 'vitest';
import { engineClock, SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { restore, snapshot } from '../../src/cloud/sim/state.js';
import { CloudError, NO_CAPACITY_ERROR } from '../../src/cloud/types.js';
import { componentAlarmName } from '../../src/scaling/realtime.js';
import { RT_COMPONENT, RT_ENDPOINT } from '../../src/simulate/realtime-runner.js';
import { DAY } from './helpers.js';
import { BOOT_S, LOAD_S, realtimeRegion, SERVICE_S } from './realtime-helpers.js';

const RESOURCE = `inference-component/${RT_COMPONENT}`;
const invocation = { endpointName: RT_ENDPOINT, inferenceComponentName: RT_COMPONENT, body: '{"x":1}' };

async function activities(cloud: Awaited<ReturnType<typeof realtimeRegion>>['cloud']) {
  return (await cloud.listScalingActivities(RESOURCE, 0)).reverse();
}

describe('real-time endpoint in the simulated region', () => {
  it('scales an idle component to 0 copies, then releases its instance after the cooldown', async () => {
    const { engine, cloud, ep, at } = await realtimeRegion();
    expect(engine.now).toBe(at(BOOT_S + LOAD_S));
    engine.runUntil(at(1710) - 1);
    const [scaleIn] = await activities(cloud);
    expect(scaleIn).toMatchObject({
      startTime: at(510),
      description: 'Setting desired copy count to 0.',
      statusCode: 'Successful',
    });
    expect(scaleIn?.cause).toContain('AlarmLow');
    expect((await cloud.getInferenceComponent(RT_COMPONENT))?.currentCopyCount).toBe(0);
    // No copy since t=510, but the instance waits for the cooldown since that last operation.
    expect((await cloud.getEndpoint(RT_ENDPOINT))?.variants[0]?.currentInstanceCount).toBe(1);
    engine.runUntil(at(1710));
    expect(ep.instances[0]?.terminatedAt).toBe(at(1710));
    expect((await cloud.getEndpoint(RT_ENDPOINT))?.variants[0]).toMatchObject({
      currentInstanceCount: 0,
      desiredInstanceCount: 0,
    });
  });

  it('fails an invocation at zero with NoCapacity and counts it in NoCapacityInvocationFailures', async () => {
    const { engine, cloud, at } = await realtimeRegion();
    engine.runUntil(at(3600));
    const err = await cloud.invokeEndpoint(invocation).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect((err as CloudError).code).toBe(NO_CAPACITY_ERROR);
    expect((err as CloudError).retryable).toBe(true);
    // The failure returned at once: no simulated time passed.
    expect(engine.now).toBe(at(3600));
    // Minute 60 (3600-3660) is published at 3720.
    engine.runUntil(at(3720));
    const [series] = await cloud.getMetricData(
      [
        {
          id: 'f',
          namespace: 'AWS/SageMaker',
          metricName: 'NoCapacityInvocationFailures',
          dimensions: [{ name: 'InferenceComponentName', value: RT_COMPONENT }],
          stat: 'Sum',
          periodSeconds: 60,
        },
      ],
      DAY,
      at(3720),
    );
    expect(series?.timestamps).toEqual([at(3600)]);
    expect(series?.values).toEqual([1]);
  });

  it('wakes on the alarm: one copy, an instance launched, serving after boot + load; retries then succeed', async () => {
    // t=3600 first attempt fails (minute 60); published at 3720, the wake alarm (Sum >= 1, 1 of 1)
    // is in ALARM at the 3750 evaluation: +1 copy. No instance has room (there is none), so managed
    // instance scaling launches one at 3750: ready at 3750 + 300 = 4050, the copy serves at 4110.
    // A client retrying every 30 s fails at 3630, 3660, ..., 4080 ((4080 - 3630) / 30 + 1 = 16
    // retries, 17 failures with the first attempt) and is served at 4110, answered 2 s later.
    const { engine, cloud, ep, at } = await realtimeRegion();
    engine.runUntil(at(3600));
    let failures = 0;
    let answer: Uint8Array | undefined;
    while (!answer) {
      try {
        answer = (await cloud.invokeEndpoint(invocation)).body;
      } catch (e) {
        expect((e as CloudError).code).toBe(NO_CAPACITY_ERROR);
        failures++;
        engine.runUntil(engine.now + 30_000);
      }
    }
    expect(failures).toBe(17);
    expect(engine.now).toBe(at(4110 + SERVICE_S));
    expect(JSON.parse(new TextDecoder().decode(answer))).toMatchObject({ inferenceComponent: RT_COMPONENT });

    const wake = (await activities(cloud)).find((a) => a.description === 'Setting desired copy count to 1.');
    expect(wake).toMatchObject({ startTime: at(3750), endTime: at(4110), statusCode: 'Successful' });
    expect(wake?.cause).toContain(`monitor alarm ${componentAlarmName(RT_COMPONENT)} in state ALARM`);
    const launched = ep.instances[1];
    expect(launched?.launchedAt).toBe(at(3750));
    expect(launched?.readyAt).toBe(at(3750 + BOOT_S));
    expect(at(3750 + BOOT_S + LOAD_S)).toBe(at(4110));
  });

  it('bills a lone request the instance-seconds from its wake to the release, never nothing', async () => {
    // After the wake above (instance launched at 3750, copy serving at 4110, request served
    // 4110-4112): minute 68 (4080-4140) has the copy 30 s with 2 s of work, 2/30 = 0.067 requests
    // per copy, proportional capacity ceil(0.067 / 0.7) = 1: no scale-in at 4230. Minute 69 (idle,
    // 0) is seen at 4290: 0 copies, the endpoint's last operation. The instance goes at
    // 4290 + 1200 = 5490. Billed: 5490 - 3750 = 1740 s, at ml.g5.xlarge's $1.4084/h (bundled
    // us-east-1 list price) $0.6807.
    const { engine, cloud, ep, at } = await realtimeRegion();
    engine.runUntil(at(3600));
    for (;;) {
      const ok = await cloud.invokeEndpoint(invocation).then(
        () => true,
        () => false,
      );
      if (ok) break;
      engine.runUntil(engine.now + 30_000);
    }
    engine.runUntil(at(8000));
    const wakeInstance = ep.instances[1];
    expect(wakeInstance?.terminatedAt).toBe(at(5490));
    const billed = engine.billedMs(ep, at(3600), at(8000)) / 1000;
    expect(billed).toBe(1740);
    expect(((billed / 3600) * 1.4084).toFixed(4)).toBe('0.6807');
  });

  it('refuses a component with 0 copies or more accelerators than the instance has, and deleting the endpoint before its components', async () => {
    const { engine, cloud, at } = await realtimeRegion();
    const spec = {
      name: 'other',
      endpointName: RT_ENDPOINT,
      variantName: 'AllTraffic',
      modelName: 'sim-rt-model',
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 1024,
      copyCount: 0,
      tags: {},
    };
    await expect(cloud.createInferenceComponent(spec)).rejects.toThrow(/CopyCount must be at least 1/);
    await expect(
      cloud.createInferenceComponent({ ...spec, copyCount: 1, acceleratorsPerCopy: 2 }),
    ).rejects.toThrow(/needs 2 accelerators; ml\.g5\.xlarge has 1/);
    await expect(cloud.deleteEndpoint(RT_ENDPOINT)).rejects.toThrow(/delete them first/);
    // Deleting the component frees its copy; the endpoint can go then.
    await cloud.deleteInferenceComponent(RT_COMPONENT);
    expect(await cloud.listInferenceComponents(RT_ENDPOINT)).toEqual([]);
    await cloud.deleteEndpoint(RT_ENDPOINT);
    engine.runUntil(at(4000));
    expect(await cloud.getEndpoint(RT_ENDPOINT)).toBeUndefined();
  });

  it('places copies by accelerators: a second copy on a 1-GPU instance needs a second instance', async () => {
    const { engine, cloud, ep, at } = await realtimeRegion();
    // Scale the component to 2 copies through Application Auto Scaling's range while the first copy
    // still serves (t=360): the instance has 1 GPU, so the second copy launches instance 1.
    await cloud.registerScalableTarget({ resourceId: RESOURCE, minCapacity: 2, maxCapacity: 2, tags: {} });
    expect(ep.instances).toHaveLength(2);
    expect(ep.instances[1]?.launchedAt).toBe(at(360));
    engine.runUntil(at(360 + BOOT_S + LOAD_S));
    expect((await cloud.getInferenceComponent(RT_COMPONENT))?.currentCopyCount).toBe(2);
    expect((await cloud.getEndpoint(RT_ENDPOINT))?.variants[0]?.currentInstanceCount).toBe(2);
  });

  it('keeps components, copies and the pending release across a saved region (CLI runs)', async () => {
    // Saved at 3800 (the wake's instance booting, its copy placed on it) and at 4080 (the copy
    // loading): the restored region serves at 4110 as the original does. Nobody retries here, so
    // minute 68 (4080-4140) is idle: 0 copies at 4230, the instance released at 4230 + 1200 = 5430,
    // as in the region that was never saved.
    for (const savedAt of [3800, 4080]) {
      const { engine, cloud, at } = await realtimeRegion();
      engine.runUntil(at(3600));
      await cloud.invokeEndpoint(invocation).catch(() => undefined);
      engine.runUntil(at(savedAt));
      const restored = restore(JSON.parse(JSON.stringify(snapshot(engine))) as ReturnType<typeof snapshot>);
      const again = new SimCloud(restored, engineClock(restored));
      expect((await again.getInferenceComponent(RT_COMPONENT))?.desiredCopyCount).toBe(1);
      restored.runUntil(at(4110) - 1);
      expect((await again.getInferenceComponent(RT_COMPONENT))?.currentCopyCount).toBe(0);
      restored.runUntil(at(4110));
      expect((await again.getInferenceComponent(RT_COMPONENT))?.currentCopyCount).toBe(1);
      restored.runUntil(at(8000));
      engine.runUntil(at(8000));
      const released = (e: typeof engine): number[] =>
        e.endpoint(RT_ENDPOINT).instances.map((i) => i.terminatedAt);
      expect(released(restored)).toEqual([at(1710), at(5430)]);
      expect(released(engine)).toEqual(released(restored));
    }
  });

  it('refuses a request when every copy is busy, without counting it as a component at zero', async () => {
    // t=360: one copy serving one request at a time (2 s each). The second request at the same moment
    // finds it busy; 2 s later the copy is free again.
    const { engine, cloud, component, at } = await realtimeRegion();
    const first = cloud.invokeEndpoint(invocation);
    const err = await cloud.invokeEndpoint(invocation).catch((e: unknown) => e);
    expect((err as CloudError).code).toBe(NO_CAPACITY_ERROR);
    expect((err as CloudError).message).toContain('every copy busy');
    await first;
    expect(engine.now).toBe(at(360 + SERVICE_S));
    expect(component.busyRejects).toBe(1);
    expect(component.noCapacityFailures).toBe(0);
    await cloud.invokeEndpoint(invocation);
    expect(engine.now).toBe(at(360 + 2 * SERVICE_S));
  });
});
