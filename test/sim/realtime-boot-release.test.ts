// A real-time endpoint whose scale-in cooldown (5 min, the least AWS allows) is shorter than its first
// instance's boot (480 s): IDLE_RELEASE must not take the instance that CreateEndpoint is still
// bringing up, or the endpoint never leaves Creating and no component can ever be placed.
//
// Timeline (fixed boot 480 s, model load 60 s; t in seconds from the region's creation):
//   t=0    CreateEndpoint launches instance 0 (InitialInstanceCount 1, MinInstanceCount 0).
//   t=300  0 + CooldownInMinutes 5 x 60: the first scale-in evaluation, while the endpoint is
//          Creating; it releases nothing.
//   t=480  instance 0 is ready: the endpoint is InService.
//   t=480  CreateInferenceComponent (1 copy) on instance 0; the copy serves at 480 + 60 = 540.
// The driving loop is bounded by times, not by statuses, so a regression fails instead of hanging.
import { describe, expect, it } from 'vitest';
import { createDrivenSimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { DAY } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';
const BOOT_S = 480;
const LOAD_S = 60;
const at = (seconds: number): number => DAY + seconds * 1000;

describe('real-time endpoint: scale-in cooldown shorter than the boot', () => {
  it('keeps the booting first instance, reaches InService, and the copy serves', async () => {
    const { engine, cloud } = createDrivenSimCloud({
      startTime: DAY,
      boot: { kind: 'fixed', seconds: BOOT_S },
      serviceSeconds: () => 2,
      realtime: { modelLoadSeconds: LOAD_S, maxConcurrentRequestsPerCopy: 1 },
    });
    await cloud.createModel({
      name: 'm',
      image: 'sagezero/simulated-model:latest',
      environment: {},
      executionRoleArn: ROLE,
      tags: {},
    });
    await cloud.createEndpointConfig({
      kind: 'realtime',
      name: 'c',
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.xlarge',
      initialInstanceCount: 1,
      executionRoleArn: ROLE,
      managedScaling: {
        minInstanceCount: 0,
        maxInstanceCount: 1,
        scaleIn: { strategy: 'IDLE_RELEASE', cooldownMinutes: 5 },
      },
      routingStrategy: 'LEAST_OUTSTANDING_REQUESTS',
      tags: {},
    });
    await cloud.createEndpoint('rt', 'c', {});
    const ep = engine.endpoint('rt');

    // Just past the first scale-in evaluation: the instance is still booting and still there.
    engine.runUntil(at(300) + 1);
    expect(ep.status).toBe('Creating');
    expect(ep.instances).toHaveLength(1);
    expect(Number.isNaN(ep.instances[0]?.terminatedAt)).toBe(true);

    engine.runUntil(at(BOOT_S));
    expect((await cloud.getEndpoint('rt'))?.status).toBe('InService');

    await cloud.createInferenceComponent({
      name: 'ic',
      endpointName: 'rt',
      variantName: 'AllTraffic',
      modelName: 'm',
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 8192,
      copyCount: 1,
      tags: {},
    });
    engine.runUntil(at(BOOT_S + LOAD_S));
    expect((await cloud.getInferenceComponent('ic'))?.status).toBe('InService');
    await expect(
      cloud.invokeEndpoint({ endpointName: 'rt', inferenceComponentName: 'ic', body: '{}' }),
    ).resolves.toBeDefined();
    // The copy went onto the instance CreateEndpoint launched: no second launch was needed.
    expect(ep.instances).toHaveLength(1);
    expect(Number.isNaN(ep.instances[0]?.terminatedAt)).toBe(true);
  });
});
