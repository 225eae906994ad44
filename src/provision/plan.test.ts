import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { CloudError, type Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { testConfig } from '../../test/support/configs.js';
import { applyEndpointPlan } from './apply.js';
import { explicitModel } from './desired.js';
import { executeDestroy, planDestroy } from './destroy.js';
import { buildPlan } from './plan.js';
import { planHasChanges, planRefusals, type Plan } from './types.js';

const resolver = async (e: Config['endpoints'][number]) => explicitModel(e)!;

async function plan(cloud: Cloud, config: Config): Promise<Plan> {
  return buildPlan(cloud, config, resolver);
}

async function apply(cloud: Cloud, config: Config): Promise<void> {
  const p = await plan(cloud, config);
  const ctx = {
    cloud,
    clock: new SkippingClock(0),
    progress: () => undefined,
    pollIntervalMs: 1000,
    timeoutMs: 600_000,
  };
  for (const ep of p.endpoints) await applyEndpointPlan(ctx, ep);
}

function kinds(p: Plan): string[] {
  return p.endpoints.flatMap((e) => e.changes.map((c) => `${c.action} ${c.kind}`));
}

describe('plan and apply against the fake cloud', () => {
  it('plans everything on an empty account, applies it, then plans nothing and mutates nothing', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    const first = await plan(cloud, config);
    expect(kinds(first)).toEqual([
      'create model',
      'create endpoint-config',
      'create endpoint',
      'create scalable-target',
      'create scaling-policy',
      'create scaling-policy',
      'create alarm',
    ]);
    await apply(cloud, config);
    const ep = cloud.endpoints.get('llm-async')!;
    expect(ep.tags).toMatchObject({
      'sagezero:managed-by': 'sagezero',
      'sagezero:project': 'test',
      'sagezero:endpoint': 'llm-async',
    });
    const wake = cloud.alarms.get('sagezero-llm-async-wake')!;
    const wakePolicy = [...cloud.policies.values()].find((p) => p.policyName === 'sagezero-llm-async-wake')!;
    expect(wake.alarmActions).toEqual([wakePolicy.policyArn]);

    const before = cloud.mutatingCalls().length;
    const second = await plan(cloud, config);
    expect(planHasChanges(second)).toBe(false);
    await apply(cloud, config);
    expect(cloud.mutatingCalls().length).toBe(before);
  });

  it('an instance type change replaces the config, moves the endpoint, and re-registers the target around it', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, testConfig());
    const oldConfig = cloud.endpoints.get('llm-async')!.configName;
    const changed = testConfig('', { instanceType: 'ml.g4dn.2xlarge' });
    const p = await plan(cloud, changed);
    const replace = p.endpoints[0]!.changes.find(
      (c) => c.kind === 'endpoint-config' && c.action === 'replace',
    )!;
    expect(replace.replaces).toBe(oldConfig);
    expect(replace.fields).toContainEqual({
      field: 'instanceType',
      expected: 'ml.g4dn.2xlarge',
      actual: 'ml.g4dn.xlarge',
    });
    expect(kinds(p)).toContain('update endpoint');
    expect(kinds(p)).toContain('delete endpoint-config');
    expect(kinds(p)).not.toContain('create model');

    // The fake, like AWS, rejects the update while the variant is a registered scalable target.
    await apply(cloud, changed);
    const ep = cloud.endpoints.get('llm-async')!;
    expect(ep.variants[0]!.instanceType).toBe('ml.g4dn.2xlarge');
    expect(cloud.configs.has(oldConfig)).toBe(false);
    expect(cloud.configs.size).toBe(1);
    expect(cloud.targets.size).toBe(1);
    expect(cloud.policies.size).toBe(2);
    expect(planHasChanges(await plan(cloud, changed))).toBe(false);
  });

  it('shows a policy edited behind its back as drift, field by field, and apply repairs it', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    await apply(cloud, config);
    const key = [...cloud.policies.keys()].find((k) => k.endsWith('backlog-target'))!;
    const policy = cloud.policies.get(key)!;
    if (policy.type !== 'TargetTracking') throw new Error('expected target tracking');
    cloud.policies.set(key, { ...policy, targetValue: 50 });
    cloud.alarms.get('sagezero-llm-async-wake')!.evaluationPeriods = 10;

    const p = await plan(cloud, config);
    const changes = p.endpoints[0]!.changes;
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: 'scaling-policy',
        action: 'update',
        drift: true,
        fields: [{ field: 'targetValue', expected: 5, actual: 50 }],
      }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: 'alarm',
        action: 'update',
        fields: [{ field: 'evaluationPeriods', expected: 2, actual: 10 }],
      }),
    );
    await apply(cloud, config);
    expect(planHasChanges(await plan(cloud, config))).toBe(false);
  });

  it('refuses an endpoint of the same name that sagezero did not create', async () => {
    const cloud = new FakeCloud();
    const config = testConfig();
    await cloud.createModel({
      name: 'someone-elses',
      image: 'x',
      environment: {},
      executionRoleArn: 'arn:aws:iam::123456789012:role/x',
      tags: {},
    });
    await cloud.createEndpointConfig({
      name: 'their-config',
      modelName: 'someone-elses',
      variantName: 'AllTraffic',
      instanceType: 'ml.g4dn.xlarge',
      initialInstanceCount: 1,
      async: { outputPath: 's3://b/o' },
      tags: {},
    });
    await cloud.createEndpoint('llm-async', 'their-config', { team: 'other' });
    const p = await plan(cloud, config);
    expect(planRefusals(p)).toHaveLength(1);
    expect(planRefusals(p)[0]).toMatch(/llm-async.*not created by sagezero/);
    const targets = await planDestroy(cloud, config);
    expect(targets[0]!.refused).toMatch(/refusing to destroy endpoint llm-async/);
    const ctx = {
      cloud,
      clock: new SkippingClock(0),
      progress: () => undefined,
      pollIntervalMs: 1000,
      timeoutMs: 1000,
    };
    await expect(executeDestroy(ctx, targets[0]!)).rejects.toThrow(/refusing/);
    expect(cloud.endpoints.has('llm-async')).toBe(true);
    expect(cloud.configs.has('their-config')).toBe(true);
  });

  it('converges after being killed midway, without duplicates', async () => {
    for (let failAfter = 1; failAfter <= 7; failAfter++) {
      const inner = new FakeCloud();
      const config = testConfig();
      const flaky = failingAfter(inner, failAfter);
      await expect(apply(flaky, config)).rejects.toThrow(/killed/);
      await apply(inner, config);
      expect(planHasChanges(await plan(inner, config))).toBe(false);
      expect(inner.models.size).toBe(1);
      expect(inner.configs.size).toBe(1);
      expect(inner.endpoints.size).toBe(1);
      expect(inner.policies.size).toBe(2);
      expect(inner.alarms.size).toBe(1);
    }
  });

  it('a create whose answer was lost (the retry says "already exists") counts as done when the resource is ours', async () => {
    const inner = new FakeCloud();
    const config = testConfig();
    const lossy = new Proxy(inner, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'createModel' && prop !== 'createEndpoint')
          return typeof v === 'function' ? v.bind(target) : v;
        return async (...args: unknown[]) => {
          await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          throw new CloudError(
            `Cannot create already existing ${String(prop).slice(6).toLowerCase()}`,
            'ValidationException',
            false,
          );
        };
      },
    });
    await apply(lossy, config);
    expect(planHasChanges(await plan(inner, config))).toBe(false);
    expect(inner.models.size).toBe(1);

    // Someone else's resource of that name is still an error.
    const other = new FakeCloud();
    const foreign = testConfig();
    const p = await plan(other, foreign);
    await other.createModel({ ...p.endpoints[0]!.desired.model, tags: { team: 'other' } });
    other.models.delete(p.endpoints[0]!.desired.model.name); // plan saw it missing...
    const racing = new Proxy(other, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'createModel') return typeof v === 'function' ? v.bind(target) : v;
        return async (spec: { name: string }) => {
          // ...and someone else created it in between.
          await target.createModel({ ...p.endpoints[0]!.desired.model, tags: { team: 'other' } });
          throw new CloudError(
            `Cannot create already existing model ${spec.name}`,
            'ValidationException',
            false,
          );
        };
      },
    });
    const ctx = {
      cloud: racing,
      clock: new SkippingClock(0),
      progress: () => undefined,
      pollIntervalMs: 1000,
      timeoutMs: 600_000,
    };
    await expect(applyEndpointPlan(ctx, p.endpoints[0]!)).rejects.toThrow(
      /exists and sagezero will not adopt it: it has no sagezero ownership tag/,
    );
  });

  it('destroy removes everything it created and nothing else', async () => {
    const cloud = new FakeCloud();
    const config = testConfig(`scaling:
  keepWarm:
    - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: UTC }`);
    await apply(cloud, config);
    await cloud.createModel({
      name: 'llm-async-unrelated',
      image: 'x',
      environment: {},
      executionRoleArn: 'arn:aws:iam::123456789012:role/x',
      tags: {},
    });
    const ctx = {
      cloud,
      clock: new SkippingClock(0),
      progress: () => undefined,
      pollIntervalMs: 1000,
      timeoutMs: 1000,
    };
    for (const t of await planDestroy(cloud, config)) await executeDestroy(ctx, t);
    expect(cloud.endpoints.size).toBe(0);
    expect(cloud.configs.size).toBe(0);
    expect([...cloud.models.keys()]).toEqual(['llm-async-unrelated']);
    expect(cloud.targets.size + cloud.policies.size + cloud.alarms.size + cloud.actions.size).toBe(0);
  });
});

/** A cloud whose process "dies" on its Nth mutating call. */
function failingAfter(inner: FakeCloud, n: number): Cloud {
  let count = 0;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        if (/^(create|update|delete|put|register|deregister|set)/.test(prop) && ++count >= n) {
          throw new CloudError('killed', 'Killed', false);
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
