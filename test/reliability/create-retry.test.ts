// A create whose response is lost after AWS applied it: the SDK retries, and AWS answers the retry with
// "Cannot create already existing ...". The AWS provider adopts what it finds only when it is sagezero's
// for this project and endpoint and is the same resource (same content for the content-addressed model
// and endpoint config, same config for the endpoint), so one network blip no longer fails an apply,
// and nothing someone else made is ever taken over. Runs against moto through the fault proxy with AWS
// semantics (moto itself silently overwrites an existing name).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { SkippingClock } from '../../src/clock.js';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { CloudError, type Cloud } from '../../src/cloud/types.js';
import type { Config } from '../../src/config/load.js';
import { TAG_ENDPOINT, TAG_MANAGED_BY, TAG_PROJECT } from '../../src/ownership.js';
import { applyEndpointPlan } from '../../src/provision/apply.js';
import { desiredEndpoint, explicitModel, type DesiredEndpoint } from '../../src/provision/desired.js';
import { buildPlan } from '../../src/provision/plan.js';
import { motoEnv, runCli } from '../support/cli.js';
import { testConfig } from '../support/configs.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { expectOneOfEach, inventory } from './inventory.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const region = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** Straight to moto, for planting resources that sagezero then meets. */
const direct = new SageMakerClient({ region, endpoint: moto, credentials, maxAttempts: 1 });
const CREATES = new Set([
  'CreateModel',
  'CreateEndpointConfig',
  'CreateEndpoint',
  'RegisterScalableTarget',
  'PutScalingPolicy',
  'PutMetricAlarm',
  'PutScheduledAction',
]);
const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
const scalableTargetTags = new Map<string, Record<string, string>>();

/** AWS semantics, no faults: the clean connection. */
let clean: FaultProxy;
/** AWS semantics, and every create's first attempt applied by moto, then its connection reset. */
let lost: FaultProxy;

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  clean = await startFaultProxy({ target: moto, seed: 0, rate: 0, awsSemantics: true, scalableTargetTags });
  lost = await startFaultProxy({
    target: moto,
    seed: 0,
    rate: 0,
    awsSemantics: true,
    scalableTargetTags,
    onRequest: (r) => (CREATES.has(r.operation) && r.attempt === 1 ? 'resetAfterForward' : 'pass'),
  });
  process.env.AWS_ENDPOINT_URL = clean.url;
});

afterAll(async () => {
  await lost?.close();
  await clean?.close();
});

const cloudThrough = (proxy: FaultProxy): Cloud =>
  createAwsCloud({ region, endpoint: proxy.url, credentials });

function desiredFor(config: Config): DesiredEndpoint {
  const ep = config.endpoints[0]!;
  return desiredEndpoint(ep, explicitModel(ep)!, {
    project: config.project,
    region,
    accountId: '123456789012',
  });
}

/** The CloudError a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error('expected a rejection');
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

describe('a create whose response was lost', () => {
  it('apply through the real CLI exits 0 in one run, with exactly one of each resource', async () => {
    const name = 'lostcreate-llm';
    const dir = tempDir('sagezero-create-retry-');
    const cfg = path.join(dir, `${name}.yaml`);
    writeFileSync(
      cfg,
      `region: us-east-1
cloud: aws
project: createretry
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-createretry/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-createretry/out/ }
    scaling:
      preset: aws-recommended
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels }
`,
    );
    const seen = lost.requests.length;
    const r = await runCli(['apply', '-c', cfg, '--yes', '--wait-timeout', '5'], { env: motoEnv(lost.url) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/already exist|error/i);

    // Every create-like call really lost its first answer, and the SageMaker creates' retries really
    // met "already existing" (the proxy's AWS semantics), so the adoption path ran.
    const mine = lost.requests.slice(seen);
    for (const op of CREATES) {
      expect(
        mine.some((q) => q.operation === op && q.fault === 'resetAfterForward'),
        op,
      ).toBe(true);
    }
    for (const op of ['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']) {
      expect(
        mine.filter((q) => q.operation === op).map((q) => q.attempt),
        op,
      ).toEqual([1, 2]);
    }

    expect(await runPlan({ config: cfg }, out)).toBe(0);
    expectOneOfEach(await inventory(moto, name), name);
    expect(await runDestroy({ config: cfg, yes: true, waitTimeout: '5' }, out)).toBe(0);
  });

  it('each SageMaker create of the AWS provider resolves with what the lost attempt made', async () => {
    const desired = desiredFor(testConfig('', { project: 'createretry', name: 'lostunit-llm' }));
    const cloud = cloudThrough(lost);
    const model = await cloud.createModel(desired.model);
    expect(model).toMatchObject({
      name: desired.model.name,
      image: desired.model.image,
      tags: desired.model.tags,
    });
    const config = await cloud.createEndpointConfig(desired.config);
    expect(config).toMatchObject({ name: desired.config.name, modelName: desired.model.name });
    const endpoint = await cloud.createEndpoint(desired.endpointName, desired.config.name, desired.tags);
    expect(endpoint).toMatchObject({ name: desired.endpointName, configName: desired.config.name });
    expect(endpoint.tags).toEqual(desired.tags);
    // Each went through: a first attempt reset after moto applied it, a retry told "already existing".
    for (const op of ['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']) {
      const name =
        op === 'CreateEndpoint'
          ? desired.endpointName
          : op === 'CreateModel'
            ? desired.model.name
            : desired.config.name;
      const calls = lost.requests.filter(
        (q) => q.operation === op && q.body.toString().includes(`"${name}"`),
      );
      expect(
        calls.map((q) => q.attempt),
        op,
      ).toEqual([1, 2]);
    }
    await cloud.deleteEndpoint(desired.endpointName);
    await cloud.deleteEndpointConfig(desired.config.name);
    await cloud.deleteModel(desired.model.name);
  });
});

describe('a create that meets a resource of the same name that is not its own', () => {
  const config = testConfig('', { project: 'createretry', name: 'squatted-llm' });
  const desired = desiredFor(config);
  const plantModel = (name: string, tags: Record<string, string>, image = desired.model.image) =>
    direct.send(
      new CreateModelCommand({
        ModelName: name,
        PrimaryContainer: { Image: image, ModelDataUrl: desired.model.modelDataUrl },
        ExecutionRoleArn: desired.model.executionRoleArn,
        Tags: tagList(tags).length > 0 ? tagList(tags) : undefined,
      }),
    );

  it('an untagged model is not adopted, and is left as it was', async () => {
    const spec = { ...desired.model, name: `${desired.model.name}u` };
    await plantModel(spec.name, {});
    const e = await rejection(cloudThrough(clean).createModel(spec));
    expect(e.code).toBe('ResourceExists');
    expect(e.operation).toBe('CreateModel');
    expect(e.message).toBe(
      `SageMaker CreateModel for model "${spec.name}": a model named "${spec.name}" exists and sagezero will not adopt it: it has no sagezero ownership tag. Delete or rename it, or rename the endpoint in the config`,
    );
    // Never phrased as the harmless "already exists" a caller could take for a retried create.
    expect(e.message).not.toMatch(/already exist/i);
    const arn = (await direct.send(new DescribeModelCommand({ ModelName: spec.name }))).ModelArn;
    expect((await direct.send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? []).toEqual([]);
  });

  it('a model of another project, or of another endpoint of this project, is not adopted', async () => {
    const other = { ...desired.model, name: `${desired.model.name}o` };
    await plantModel(other.name, { ...desired.model.tags, [TAG_PROJECT]: 'someone-else' });
    expect((await rejection(cloudThrough(clean).createModel(other))).message).toContain(
      'it belongs to sagezero project "someone-else", not "createretry". Delete',
    );
    const sibling = { ...desired.model, name: `${desired.model.name}s` };
    await plantModel(sibling.name, { ...desired.model.tags, [TAG_ENDPOINT]: 'another-llm' });
    expect((await rejection(cloudThrough(clean).createModel(sibling))).message).toContain(
      `it is sagezero's for endpoint "another-llm" of project "createretry", not "squatted-llm". Delete`,
    );
  });

  it('a model with our tags but other content (a hash collision, a hand-made copy) is not adopted', async () => {
    const spec = { ...desired.model, name: `${desired.model.name}c` };
    await plantModel(spec.name, desired.model.tags, 'someone/else:2');
    const e = await rejection(cloudThrough(clean).createModel(spec));
    expect(e.message).toContain("it has this project's tags but a different image");
  });

  it('an untagged endpoint config and an endpoint on another config are not adopted', async () => {
    const cloud = cloudThrough(clean);
    await cloud.createModel(desired.model);
    await direct.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: desired.config.name,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: desired.model.name,
            InstanceType: 'ml.g4dn.xlarge',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    expect((await rejection(cloud.createEndpointConfig(desired.config))).message).toContain(
      `an endpoint configuration named "${desired.config.name}" exists and sagezero will not adopt it: it has no sagezero ownership tag`,
    );
    await direct.send(
      new CreateEndpointCommand({
        EndpointName: desired.endpointName,
        EndpointConfigName: desired.config.name,
        Tags: tagList(desired.tags),
      }),
    );
    const e = await rejection(
      cloud.createEndpoint(desired.endpointName, `${desired.config.name}x`, desired.tags),
    );
    expect(e.message).toContain(
      `it has this project's tags but a different endpoint config ("${desired.config.name}")`,
    );
    // The same endpoint on the same config: adopted (a retried create, or an apply racing itself).
    expect(await cloud.createEndpoint(desired.endpointName, desired.config.name, desired.tags)).toMatchObject(
      {
        name: desired.endpointName,
        configName: desired.config.name,
      },
    );
    await cloud.deleteEndpoint(desired.endpointName);
    await cloud.deleteEndpointConfig(desired.config.name);
    await cloud.deleteModel(desired.model.name);
  });

  it("apply stops when another project's model of that name appears between plan and apply", async () => {
    const raced = testConfig('', { project: 'createretry', name: 'raced-llm' });
    const cloud = cloudThrough(clean);
    const plan = await buildPlan(cloud, raced, async (e) => explicitModel(e)!);
    const ep = plan.endpoints[0]!;
    expect(ep.changes.map((c) => `${c.action} ${c.kind}`)).toContain('create model');
    // Another sagezero project with the same endpoint name and model content: same hashed name.
    await plantModel(ep.desired.model.name, {
      [TAG_MANAGED_BY]: 'sagezero',
      [TAG_PROJECT]: 'someone-else',
      [TAG_ENDPOINT]: 'raced-llm',
    });
    const ctx = {
      cloud,
      clock: new SkippingClock(0),
      progress: () => undefined,
      pollIntervalMs: 1000,
      timeoutMs: 60_000,
    };
    const e = await rejection(applyEndpointPlan(ctx, ep));
    expect(e.message).toContain('it belongs to sagezero project "someone-else"');
    // Nothing was built on it.
    const inv = await inventory(moto, 'raced-llm');
    expect(inv.endpointConfigs).toEqual([]);
    expect(inv.endpoints).toEqual([]);
    const arn = (await direct.send(new DescribeModelCommand({ ModelName: ep.desired.model.name }))).ModelArn;
    const tags = (await direct.send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? [];
    expect(tags).toContainEqual({ Key: TAG_PROJECT, Value: 'someone-else' });
  });
});
