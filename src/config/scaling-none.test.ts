import { describe, expect, it } from 'vitest';
import { ownerTags } from '../ownership.js';
import { buildScalingResources } from '../scaling/build.js';
import { planScaling } from '../scaling/plan.js';
import { parseConfig } from './load.js';

const config = (scaling: string, count = 3): string => `region: us-east-1
endpoints:
  - name: always-on
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/a:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/S
    instanceType: ml.g5.xlarge
    initialInstanceCount: ${count}
    scaling: ${scaling}
`;

describe('scaling preset: none', () => {
  it('is the endpoint as it runs, at its instance count, and plan compares no scaling resource', () => {
    const ep = parseConfig(config('{ preset: none }'), '/tmp/x.yaml', {}).endpoints[0]!;
    expect(ep.scaling).toMatchObject({ preset: 'none', minCapacity: 3, maxCapacity: 3, wake: false });
    const set = buildScalingResources(ep, ownerTags('x', 'always-on'));
    expect(set.unmanaged).toBe(true);
    expect([set.policies, set.alarms, set.scheduledActions]).toEqual([[], [], []]);
    // Whatever is registered (here a target sagezero would otherwise resize) is left as it is.
    const observed = {
      target: { resourceId: set.resourceId, minCapacity: 0, maxCapacity: 9, tags: {}, createdAt: 0 },
      policies: [],
      foreignPolicies: ['team-policy'],
      alarms: [],
      scheduledActions: [],
    };
    expect(planScaling(set, observed)).toEqual([]);
  });

  it('takes no other key, and says which', () => {
    expect(() => parseConfig(config('{ preset: none, maxCapacity: 2 }'), '/tmp/x.yaml', {})).toThrow(
      /endpoints\[0\]\.scaling\.maxCapacity: cannot be combined with preset: none/,
    );
  });
});
