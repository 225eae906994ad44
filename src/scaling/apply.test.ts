import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import { SkippingClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import type { ScalingPolicySpec } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { applyEndpointPlan } from '../provision/apply.js';
import { explicitModel } from '../provision/desired.js';
import { buildPlan } from '../provision/plan.js';
import { planHasChanges } from '../provision/types.js';

/** Gives an updated policy a new ARN, as moto does. */
class NewArnOnUpdate extends FakeCloud {
  private n = 0;
  override async putScalingPolicy(spec: ScalingPolicySpec): Promise<string> {
    await super.putScalingPolicy(spec);
    const key = `${spec.resourceId}|${spec.policyName}`;
    const p = this.policies.get(key)!;
    const arn = `${p.policyArn.split('#')[0]}#${this.n++}`;
    this.policies.set(key, { ...p, policyArn: arn });
    return arn;
  }
}

const resolver = async (e: Config['endpoints'][number]) => explicitModel(e)!;

async function apply(cloud: FakeCloud, config: Config): Promise<void> {
  const plan = await buildPlan(cloud, config, resolver);
  const ctx = {
    cloud,
    clock: new SkippingClock(0),
    progress: () => undefined,
    pollIntervalMs: 1000,
    timeoutMs: 600_000,
  };
  for (const ep of plan.endpoints) await applyEndpointPlan(ctx, ep);
}

describe('applyScalingChanges', () => {
  it('re-wires the alarm of a policy that an update gave a new ARN', async () => {
    const cloud = new NewArnOnUpdate();
    await apply(cloud, testConfig());
    const changed = testConfig('scaling: { scaleOutCooldownSeconds: 1020 }');
    await apply(cloud, changed);
    const wakePolicy = [...cloud.policies.values()].find((p) => p.policyName === 'sagezero-llm-async-wake')!;
    expect(wakePolicy).toMatchObject({ cooldownSeconds: 1020 });
    expect(cloud.alarms.get('sagezero-llm-async-wake')!.alarmActions).toEqual([wakePolicy.policyArn]);
    expect(planHasChanges(await buildPlan(cloud, changed, resolver))).toBe(false);
  });
});
