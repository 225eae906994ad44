// plan / apply / plan-unchanged / drift / destroy of a `kind: realtime` endpoint on the fake cloud.
import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../../clock.js';
import { FakeCloud } from '../../cloud/fake.js';
import type { AlarmState, TargetTrackingPolicySpec } from '../../cloud/types.js';
import { parseConfig, type Config } from '../../config/load.js';
import { executeDestroy, planDestroy } from '../destroy.js';
import { buildPlan } from '../plan.js';
import { renderPlan } from '../render.js';
import { planHasChanges, planRefusals, type Plan } from '../types.js';
import { applyRealtimePlans } from './apply.js';
import { explicitComponentModel } from './resolve.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

function config(opts: { image?: string; memoryMb?: number; second?: boolean } = {}): Config {
  const second = opts.second
    ? `      - name: embed
        model: { image: embed:1 }
        acceleratorsPerCopy: 1
        memoryMb: 4096
`
    : '';
  return parseConfig(
    `project: test
region: us-east-1
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: ${ROLE}
    managedScaling: { maxInstances: 2 }
    components:
      - name: llama
        model:
          image: ${opts.image ?? 'tgi:1'}
          modelDataUrl: s3://models/llama/
        acceleratorsPerCopy: 2
        memoryMb: ${opts.memoryMb ?? 32768}
${second}`,
    'test.yaml',
    {},
  );
}

const resolver = async () => {
  throw new Error('async endpoints are not in these configs');
};
const componentModel = async (_e: unknown, c: Config['realtimeEndpoints'][number]['components'][number]) =>
  explicitComponentModel(c)!;

function plan(cloud: FakeCloud, c: Config): Promise<Plan> {
  return buildPlan(cloud, c, resolver, undefined, { componentModel });
}

function ctx(cloud: FakeCloud) {
  return {
    cloud,
    clock: new SkippingClock(0),
    progress: () => undefined,
    pollIntervalMs: 1000,
    timeoutMs: 600_000,
  };
}

async function apply(cloud: FakeCloud, c: Config): Promise<void> {
  const p = await plan(cloud, c);
  const outcomes = await applyRealtimePlans(ctx(cloud), p.realtime ?? [], async (x) => x);
  for (const o of outcomes) if (o.error) throw o.error;
}

function lines(p: Plan): string[] {
  return (p.realtime ?? []).flatMap((e) => e.changes.map((c) => `${c.action} ${c.kind} ${c.name}`));
}

describe('kind: realtime on the fake cloud', () => {
  it('plans every resource, applies them, then plans nothing and mutates nothing', async () => {
    const cloud = new FakeCloud();
    const c = config();
    const first = await plan(cloud, c);
    expect(first.endpoints).toEqual([]);
    expect(planHasChanges(first)).toBe(true);
    const l = lines(first);
    expect(l.map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual([
      'create model',
      'create endpoint-config',
      'create endpoint',
      'create inference-component',
      'create scalable-target',
      'create scaling-policy',
      'create scaling-policy',
      'create alarm',
    ]);
    expect(l).toContain('create inference-component chat-llama');
    expect(l).toContain('create scalable-target inference-component/chat-llama');
    const text = renderPlan(first);
    expect(text).toContain('sagemaker:inference-component:DesiredCopyCount, min 0, max 4 copies');
    expect(text).toContain(
      'NoCapacityInvocationFailures Sum over 60 s >= 1, 1 of 1 -> sagezero-chat-llama-wake',
    );
    expect(text).toContain('created with 1 copy (AWS refuses 0), the scaling policy takes it to 0');

    await apply(cloud, c);
    // Created with one copy (AWS refuses 0); the policy's minimum is 0.
    const comp = cloud.components.get('chat-llama')!;
    expect(comp).toMatchObject({
      copyCount: 1,
      acceleratorsPerCopy: 2,
      memoryMbPerCopy: 32768,
      endpointName: 'chat',
    });
    expect(comp.tags).toMatchObject({ 'sagezero:project': 'test', 'sagezero:endpoint': 'chat' });
    const cfg = cloud.configs.get(cloud.endpoints.get('chat')!.configName)!;
    expect(cfg).toMatchObject({
      kind: 'realtime',
      executionRoleArn: ROLE,
      managedScaling: {
        minInstanceCount: 0,
        maxInstanceCount: 2,
        scaleIn: { strategy: 'IDLE_RELEASE', cooldownMinutes: 20, maximumStepSize: 1 },
      },
      routingStrategy: 'LEAST_OUTSTANDING_REQUESTS',
    });
    expect(cfg.modelName).toBeUndefined();
    // 4 GPUs / 2 per copy = 2 copies per instance, times maxInstances 2.
    expect(cloud.targets.get('inference-component/chat-llama')).toMatchObject({
      minCapacity: 0,
      maxCapacity: 4,
    });
    const policies = [...cloud.policies.values()];
    const target = policies.find((p) => p.type === 'TargetTracking') as TargetTrackingPolicySpec;
    expect(target).toMatchObject({
      metricName: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
      namespace: '',
      targetValue: 5,
    });
    const wake = policies.find((p) => p.type === 'StepScaling')!;
    expect(wake).toMatchObject({
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: 720,
    });
    const alarm = cloud.alarms.get('sagezero-inference-component/chat-llama-wake') as AlarmState;
    expect(alarm).toMatchObject({
      metric: {
        namespace: 'AWS/SageMaker',
        metricName: 'NoCapacityInvocationFailures',
        dimensions: [{ name: 'InferenceComponentName', value: 'chat-llama' }],
        statistic: 'Sum',
        periodSeconds: 60,
      },
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      alarmActions: [wake.policyArn],
    });

    const before = cloud.mutatingCalls().length;
    const second = await plan(cloud, c);
    expect(lines(second)).toEqual([]);
    expect(planHasChanges(second)).toBe(false);
    await apply(cloud, c);
    expect(cloud.mutatingCalls().length).toBe(before);
  });

  it('shows a component resized behind its back as drift and updates it in place', async () => {
    const cloud = new FakeCloud();
    const c = config();
    await apply(cloud, c);
    cloud.components.get('chat-llama')!.memoryMbPerCopy = 1024;
    const p = await plan(cloud, c);
    expect(p.realtime![0]!.changes).toEqual([
      expect.objectContaining({
        kind: 'inference-component',
        action: 'update',
        drift: true,
        fields: [{ field: 'memoryMbPerCopy', expected: 32768, actual: 1024 }],
      }),
    ]);
    cloud.calls.length = 0;
    await apply(cloud, c);
    expect(cloud.mutatingCalls()).toEqual(['UpdateInferenceComponent']);
    expect(planHasChanges(await plan(cloud, c))).toBe(false);
  });

  it('a new model image creates a model, updates the component to it and deletes the old model', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, config());
    const oldModel = cloud.components.get('chat-llama')!.modelName;
    const changed = config({ image: 'tgi:2' });
    const l = lines(await plan(cloud, changed));
    expect(l.map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual([
      'create model',
      'update inference-component',
      'delete model',
    ]);
    expect(l).toContain(`delete model ${oldModel}`);
    await apply(cloud, changed);
    expect(cloud.components.get('chat-llama')!.modelName).not.toBe(oldModel);
    expect(cloud.models.has(oldModel)).toBe(false);
    expect(cloud.endpoints.size).toBe(1);
    expect(planHasChanges(await plan(cloud, changed))).toBe(false);
  });

  it('a component removed from the config goes with its scaling, before its model', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, config({ second: true }));
    expect(cloud.components.size).toBe(2);
    const p = await plan(cloud, config());
    expect(lines(p).map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual([
      'delete alarm',
      'delete scaling-policy',
      'delete scaling-policy',
      'delete scalable-target',
      'delete inference-component',
      'delete model',
    ]);
    cloud.calls.length = 0;
    await apply(cloud, config());
    const m = cloud.mutatingCalls();
    expect(m.indexOf('DeregisterScalableTarget')).toBeLessThan(m.indexOf('DeleteInferenceComponent'));
    expect(m.indexOf('DeleteInferenceComponent')).toBeLessThan(m.indexOf('DeleteModel'));
    expect([...cloud.components.keys()]).toEqual(['chat-llama']);
    expect(planHasChanges(await plan(cloud, config()))).toBe(false);
  });

  it('destroy deletes scaling, then components, then the endpoint, its config and models', async () => {
    const cloud = new FakeCloud();
    const c = config({ second: true });
    await apply(cloud, c);
    const targets = await planDestroy(cloud, c);
    expect(targets).toHaveLength(1);
    expect(targets[0]!.refused).toBeUndefined();
    cloud.calls.length = 0;
    await executeDestroy(ctx(cloud), targets[0]!);
    const m = cloud.mutatingCalls();
    const lastComponentDelete = m.lastIndexOf('DeleteInferenceComponent');
    expect(m.filter((x) => x === 'DeleteInferenceComponent')).toHaveLength(2);
    expect(m.indexOf('DeregisterScalableTarget')).toBeLessThan(m.indexOf('DeleteInferenceComponent'));
    expect(lastComponentDelete).toBeLessThan(m.indexOf('DeleteEndpoint'));
    expect(m.indexOf('DeleteEndpoint')).toBeLessThan(m.indexOf('DeleteEndpointConfig'));
    for (const store of [
      cloud.components,
      cloud.endpoints,
      cloud.configs,
      cloud.models,
      cloud.targets,
      cloud.policies,
      cloud.alarms,
    ])
      expect(store.size).toBe(0);
    // Nothing left: a second destroy plans nothing.
    expect((await planDestroy(cloud, c))[0]!.changes).toEqual([]);
  });

  it('destroy refuses the endpoint, deleting nothing, while a component on it is not sagezero-tagged', async () => {
    const cloud = new FakeCloud();
    const c = config();
    await apply(cloud, c);
    const model = cloud.components.get('chat-llama')!.modelName;
    await cloud.createInferenceComponent({
      name: 'handmade',
      endpointName: 'chat',
      variantName: 'AllTraffic',
      modelName: model,
      acceleratorsPerCopy: 1,
      memoryMbPerCopy: 1024,
      copyCount: 1,
      tags: {},
    });
    const targets = await planDestroy(cloud, c);
    expect(targets[0]!.refused).toMatch(
      /refusing to destroy endpoint chat: its inference component handmade is not sagezero project "test"'s \(it has no sagezero ownership tag\)/,
    );
    expect(targets[0]!.changes).toEqual([]);
    cloud.calls.length = 0;
    await expect(executeDestroy(ctx(cloud), targets[0]!)).rejects.toThrow(/refusing to destroy/);
    expect(cloud.mutatingCalls()).toEqual([]);
    // plan leaves it alone too, and says so.
    const p = await plan(cloud, c);
    expect(lines(p)).toEqual([]);
    expect(p.warnings.join('\n')).toMatch(/inference component handmade on this endpoint is not sagezero's/);
  });

  it('plan refuses a component of the wanted name that sagezero did not tag', async () => {
    const cloud = new FakeCloud();
    const c = config();
    await apply(cloud, c);
    cloud.components.get('chat-llama')!.tags = {};
    const p = await plan(cloud, c);
    expect(planRefusals(p)).toEqual([
      expect.stringMatching(/^inference component chat-llama exists, but it has no sagezero ownership tag/),
    ]);
    expect(lines(p)).toEqual([]);
  });
});
