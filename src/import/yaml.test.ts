import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import type { Cloud } from '../cloud/types.js';
import { parseConfig, type Config } from '../config/load.js';
import { ownerTags } from '../ownership.js';
import { executeAdoption, planAdoption } from '../provision/adopt.js';
import { applyEndpointPlan } from '../provision/apply.js';
import { planDestroy } from '../provision/destroy.js';
import { explicitModel } from '../provision/desired.js';
import { buildPlan } from '../provision/plan.js';
import { planHasChanges, planRefusals, type Plan } from '../provision/types.js';
import { buildScalingResources } from '../scaling/build.js';
import { installScalingResources } from '../scaling/install.js';
import { describeForImport } from './describe.js';
import { appendToConfigYaml, newConfigYaml } from './yaml.js';

const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

const resolver = async (e: Config['endpoints'][number]) => explicitModel(e)!;
const plan = (cloud: Cloud, config: Config, only?: string): Promise<Plan> =>
  buildPlan(cloud, config, resolver, only);

/** An async endpoint made by hand: its own names, a team tag, every async setting, a literal ${...}. */
async function handMade(cloud: FakeCloud, name = 'hand-llm'): Promise<void> {
  await cloud.createModel({
    name: 'my-model',
    image: IMAGE,
    modelDataUrl: 's3://team-models/llm/model.tar.gz',
    environment: { MAX_INPUT_LENGTH: '1024', PREFIX: 'say ${user}' },
    executionRoleArn: ROLE,
    tags: { team: 'nlp' },
  });
  await cloud.createEndpointConfig({
    name: 'my-config',
    modelName: 'my-model',
    variantName: 'Primary',
    instanceType: 'ml.g5.2xlarge',
    initialInstanceCount: 2,
    async: {
      outputPath: 's3://team-out/out/',
      failurePath: 's3://team-out/failed/',
      kmsKeyId: 'alias/team',
      maxConcurrentInvocationsPerInstance: 4,
      successTopic: 'arn:aws:sns:us-east-1:123456789012:done',
      errorTopic: 'arn:aws:sns:us-east-1:123456789012:failed',
    },
    tags: {},
  });
  await cloud.createEndpoint(name, 'my-config', { team: 'nlp', 'aws:cloudformation:stack-name': 's' });
}

describe('sagezero import: the YAML writer', () => {
  it('round trip: the written YAML loads, and once adopted plan finds the same endpoint (no change, no new name)', async () => {
    const cloud = new FakeCloud();
    await handMade(cloud);
    cloud.calls.length = 0;
    const text = newConfigYaml('us-east-1', await describeForImport(cloud, 'hand-llm'));
    // Import only reads.
    expect(cloud.mutatingCalls()).toEqual([]);
    const config = parseConfig(text, '/tmp/team.yaml', {});
    const ep = config.endpoints[0]!;
    expect(ep).toMatchObject({
      name: 'hand-llm',
      variantName: 'Primary',
      model: {
        image: IMAGE,
        modelDataUrl: 's3://team-models/llm/model.tar.gz',
        environment: { MAX_INPUT_LENGTH: '1024', PREFIX: 'say ${user}' },
      },
      executionRoleArn: ROLE,
      instanceType: 'ml.g5.2xlarge',
      initialInstanceCount: 2,
      async: {
        outputPath: 's3://team-out/out/',
        failurePath: 's3://team-out/failed/',
        kmsKeyId: 'alias/team',
        maxConcurrentInvocationsPerInstance: 4,
        notifications: {
          successTopic: 'arn:aws:sns:us-east-1:123456789012:done',
          errorTopic: 'arn:aws:sns:us-east-1:123456789012:failed',
        },
      },
      // AWS's reserved aws: tags are not the user's to write.
      tags: { team: 'nlp' },
      scaling: { preset: 'none', minCapacity: 2, maxCapacity: 2 },
    });

    // Before adoption: refused, as any endpoint sagezero did not make.
    expect(planRefusals(await plan(cloud, config))).toHaveLength(1);
    const adoption = await planAdoption(cloud, config.project, ep);
    expect(adoption.resources.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'model my-model',
      'endpoint-config my-config',
      'endpoint hand-llm',
    ]);
    await executeAdoption(cloud, adoption, () => undefined);
    expect(cloud.models.get('my-model')!.tags).toEqual({ team: 'nlp', ...ownerTags('team', 'hand-llm') });

    const after = await plan(cloud, config);
    expect(planRefusals(after)).toEqual([]);
    expect(after.endpoints[0]!.changes).toEqual([]);
    expect(planHasChanges(after)).toBe(false);
    expect(after.endpoints[0]!.desired.config.name).toBe('my-config');
    // destroy finds them under their own names too.
    const [target] = await planDestroy(cloud, config);
    expect([target!.configs, target!.models]).toEqual([['my-config'], ['my-model']]);
  });

  it('once adopted, a changed config moves the endpoint to content-addressed names and deletes the adopted ones as replaced', async () => {
    const cloud = new FakeCloud();
    await handMade(cloud);
    const text = newConfigYaml('us-east-1', await describeForImport(cloud, 'hand-llm'));
    const config = parseConfig(text, '/tmp/team.yaml', {});
    await executeAdoption(cloud, await planAdoption(cloud, config.project, config.endpoints[0]!), () => {});

    // Only the instance count changes: the model keeps its adopted name, the config gets a new one.
    const changed = parseConfig(
      text.replace('initialInstanceCount: 2', 'initialInstanceCount: 1'),
      '/tmp/team.yaml',
      {},
    );
    const p = await plan(cloud, changed);
    const ep = p.endpoints[0]!;
    expect(ep.desired.model.name).toBe('my-model');
    expect(ep.desired.config.modelName).toBe('my-model');
    expect(ep.desired.config.name).toMatch(/^hand-llm-[0-9a-f]{10}$/);
    expect(ep.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      `replace endpoint-config ${ep.desired.config.name}`,
      `update endpoint hand-llm`,
      'delete endpoint-config my-config',
    ]);
    const ctx = {
      cloud,
      clock: new SkippingClock(0),
      progress: () => {},
      pollIntervalMs: 1000,
      timeoutMs: 60_000,
    };
    await applyEndpointPlan(ctx, ep);
    expect([...cloud.configs.keys()]).toEqual([ep.desired.config.name]);
    expect(planHasChanges(await plan(cloud, changed))).toBe(false);
  });

  it('appending keeps the existing endpoints and comments, and refuses a name already there', async () => {
    const cloud = new FakeCloud();
    await handMade(cloud);
    const existing = `# team config: keep this comment
region: us-east-1 # where we run
project: team
endpoints:
  # the first endpoint
  - name: first-llm
    model: { image: ${IMAGE} }  # flow style stays flow
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    scaling: { preset: blog }
# trailing comment
`;
    const imported = await describeForImport(cloud, 'hand-llm');
    const text = appendToConfigYaml(existing, 'team.yaml', imported);
    for (const kept of [
      '# team config: keep this comment',
      'region: us-east-1 # where we run',
      '# the first endpoint',
      `model: { image: ${IMAGE} } # flow style stays flow`,
      '# trailing comment',
    ])
      expect(text).toContain(kept);
    const before = parseConfig(existing, '/tmp/team.yaml', {});
    const after = parseConfig(text, '/tmp/team.yaml', {});
    expect(after.endpoints.map((e) => e.name)).toEqual(['first-llm', 'hand-llm']);
    expect(after.endpoints[0]).toEqual(before.endpoints[0]);
    expect(() => appendToConfigYaml(text, 'team.yaml', imported)).toThrow(
      /team\.yaml: endpoint hand-llm is already in endpoints/,
    );
  });

  it("writes the scaling block sagezero's own policy set rebuilds exactly, and none (with the recommendation as a comment) otherwise", async () => {
    const cloud = new FakeCloud();
    await handMade(cloud);
    const blog = parseConfig(
      // The block itself (the comment above it mentions preset: none too).
      newConfigYaml('us-east-1', await describeForImport(cloud, 'hand-llm')).replace(
        /preset: none$/m,
        'preset: blog\n      maxCapacity: 3',
      ),
      '/tmp/team.yaml',
      {},
    ).endpoints[0]!;
    await installScalingResources(cloud, buildScalingResources(blog, ownerTags('team', 'hand-llm')));
    const mapped = await describeForImport(cloud, 'hand-llm');
    expect(mapped.entry.scaling).toEqual({ preset: 'blog', maxCapacity: 3 });

    // A policy sagezero did not make: no preset says what it does, so sagezero is told to leave it.
    await cloud.putScalingPolicy({
      type: 'StepScaling',
      policyName: 'team-own-policy',
      resourceId: 'endpoint/hand-llm/variant/Primary',
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: 60,
      metricAggregationType: 'Average',
    });
    const foreign = await describeForImport(cloud, 'hand-llm');
    expect(foreign.entry.scaling).toEqual({ preset: 'none' });
    expect(foreign.scalingComment).toMatch(/policies team-own-policy/);
    expect(newConfigYaml('us-east-1', foreign)).toMatch(/# +scaling:\n +# +preset: aws-recommended\n/);
  });

  it('refuses clearly, naming the endpoint, when it does not exist or is real-time', async () => {
    const cloud = new FakeCloud();
    await expect(describeForImport(cloud, 'nope')).rejects.toThrow(
      /endpoint nope does not exist in us-east-1/,
    );
    await cloud.createEndpointConfig({
      kind: 'realtime',
      name: 'rt-config',
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.xlarge',
      initialInstanceCount: 1,
      executionRoleArn: ROLE,
      tags: {},
    });
    await cloud.createEndpoint('rt', 'rt-config', {});
    await expect(describeForImport(cloud, 'rt')).rejects.toThrow(/endpoint rt is a real-time endpoint/);
  });
});
