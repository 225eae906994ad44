import { describe, expect, it } from 'vitest';
import { FakeCloud } from '../cloud/fake.js';
import {
  CloudError,
  componentResourceId,
  scalableResourceId,
  type EndpointConfigState,
  type ScalingPolicyState,
} from '../cloud/types.js';
import { ownerTags } from '../ownership.js';
import { addEndpoint } from '../../test/support/audit-fixtures.js';
import { readInventory } from './inventory.js';

const T0 = Date.UTC(2026, 11, 1);
const H = 3_600_000;

function wake(resourceId: string): ScalingPolicyState {
  return {
    type: 'StepScaling',
    policyName: 'wake',
    resourceId,
    adjustmentType: 'ChangeInCapacity',
    stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
    cooldownSeconds: 300,
    metricAggregationType: 'Average',
    policyArn: `arn:${resourceId}:wake`,
    alarmNames: ['wake-alarm'],
  };
}

describe('readInventory', () => {
  it('tells the kinds apart, reads ownership, scaling and the activities since the window start', async () => {
    const cloud = new FakeCloud();
    addEndpoint(cloud, {
      name: 'mine',
      kind: 'async',
      instanceType: 'ml.g5.xlarge',
      count: 0,
      createdAt: T0,
      tags: ownerTags('p', 'mine'),
    });
    addEndpoint(cloud, {
      name: 'rt',
      kind: 'realtime',
      instanceType: 'ml.c5.xlarge',
      count: 2,
      createdAt: T0,
    });
    addEndpoint(cloud, {
      name: 'ic',
      kind: 'realtime',
      instanceType: 'ml.g5.12xlarge',
      count: 1,
      createdAt: T0,
    });
    // A real-time config without a model: its models are inference components, released to 0.
    const { modelName: _model, ...ic } = cloud.configs.get('ic-config') as EndpointConfigState;
    cloud.configs.set('ic-config', {
      ...ic,
      kind: 'realtime',
      managedScaling: { minInstanceCount: 0, maxInstanceCount: 2 },
    });
    cloud.components.set('ic-llm', {
      name: 'ic-llm',
      arn: 'arn:ic-llm',
      endpointName: 'ic',
      variantName: 'AllTraffic',
      modelName: 'llm',
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 1024,
      copyCount: 1,
      tags: {},
      status: 'InService',
      currentCopyCount: 1,
      desiredCopyCount: 1,
      createdAt: T0,
      lastModifiedAt: T0,
    });
    const icId = componentResourceId('ic-llm');
    cloud.targets.set(icId, { resourceId: icId, minCapacity: 0, maxCapacity: 2, tags: {}, createdAt: T0 });
    cloud.policies.set('ic-wake', wake(icId));

    const rid = scalableResourceId('mine', 'AllTraffic');
    cloud.targets.set(rid, { resourceId: rid, minCapacity: 0, maxCapacity: 2, tags: {}, createdAt: T0 });
    cloud.policies.set('mine-wake', wake(rid));
    cloud.activities.push(
      {
        activityId: 'old',
        resourceId: rid,
        description: '',
        cause: '',
        startTime: T0 + H,
        statusCode: 'Successful',
        desiredCapacity: 1,
      },
      {
        activityId: 'new',
        resourceId: rid,
        description: '',
        cause: '',
        startTime: T0 + 5 * H,
        statusCode: 'Successful',
        desiredCapacity: 0,
      },
    );

    const progress: string[] = [];
    const inv = await readInventory(cloud, T0 + 2 * H, (d, n) => progress.push(`${d}/${n}`));
    const by = Object.fromEntries(inv.map((e) => [e.name, e]));
    expect(progress).toEqual(['1/3', '2/3', '3/3']);
    expect(by.mine).toMatchObject({ kind: 'async', managedBySagezero: true, instanceCount: 0 });
    expect(by.mine?.scaling).toMatchObject({ reachesZero: true, minCapacity: 0, policies: ['wake'] });
    // Only the activity after the window start was asked for.
    expect(by.mine?.activities.map((a) => a.activityId)).toEqual(['new']);
    expect(by.rt).toMatchObject({
      kind: 'realtime',
      managedBySagezero: false,
      instanceCount: 2,
      instanceType: 'ml.c5.xlarge',
    });
    expect(by.rt?.scaling).toMatchObject({ target: false, reachesZero: false });
    expect(by.ic).toMatchObject({ kind: 'realtime-components' });
    expect(by.ic?.scaling).toMatchObject({ reachesZero: true, policies: ['wake'] });
    expect(cloud.mutatingCalls()).toEqual([]);
  });

  it('a build that cannot list inference components says so instead of failing the audit', async () => {
    const cloud = new FakeCloud();
    addEndpoint(cloud, {
      name: 'ic',
      kind: 'realtime',
      instanceType: 'ml.g5.12xlarge',
      count: 1,
      createdAt: T0,
    });
    delete (cloud.configs.get('ic-config') as { modelName?: string }).modelName;
    cloud.failAlways('ListInferenceComponents', new CloudError('not supported here', 'NotSupported', false));
    const [e] = await readInventory(cloud, T0);
    expect(e?.kind).toBe('realtime-components');
    expect(e?.scaling.reachesZero).toBe(false);
    expect(e?.notes.join('\n')).toMatch(/inference components could not be read \(not supported here\)/);
  });
});
