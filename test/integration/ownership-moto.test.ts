// The real CLI and SDK against moto: a model or endpoint config that someone else made under the exact
// content-addressed name sagezero's config needs is never used. plan refuses the endpoint, naming the
// resource and why (exit 1); apply refuses the same way and changes nothing. Plain moto (no fault
// proxy) silently overwrites a create of an existing name, so without plan's check apply would "succeed"
// on top of the foreign resource: this is what these tests catch.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteModelCommand,
  DescribeModelCommand,
  ListTagsCommand,
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListModels,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { motoEnv, runCli, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const env = motoEnv(moto);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const sagemaker = new SageMakerClient({ region: 'us-east-1', endpoint: moto, credentials, maxAttempts: 1 });
const PROJECT = 'ownership';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu';
const MODEL_DATA = 's3://sagezero-ownership-models/falcon/model.tar.gz';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';
let dir: string;

beforeAll(() => {
  dir = tempDir('sagezero-ownership-');
});

function writeConfig(name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
cloud: aws
project: ${PROJECT}
endpoints:
  - name: ${name}
    model: { image: ${IMAGE}, modelDataUrl: ${MODEL_DATA} }
    executionRoleArn: ${ROLE}
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-ownership-out/out/ }
    scaling: { preset: aws-recommended }
`,
  );
  return file;
}

interface JsonPlan {
  summary: { total: number };
  endpoints: {
    endpoint: string;
    refused?: string;
    changes: { kind: string; action: string; name: string }[];
  }[];
}

/** The content-addressed names plan wants to create for a fresh endpoint. */
async function desiredNames(cfg: string): Promise<{ model: string; config: string }> {
  const r = await runCli(['plan', '-c', cfg, '--json'], { env });
  expect(r.code, r.stderr).toBe(2);
  const changes = (JSON.parse(r.stdout) as JsonPlan).endpoints[0]!.changes;
  const named = (kind: string) => changes.find((c) => c.kind === kind && c.action === 'create')!.name;
  return { model: named('model'), config: named('endpoint-config') };
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Someone else's model, with the very content (and so the very name) sagezero would create. */
async function plantModel(name: string, tags: Record<string, string>): Promise<void> {
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: name,
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: MODEL_DATA, Environment: {} },
      ExecutionRoleArn: ROLE,
      Tags: Object.keys(tags).length > 0 ? tagList(tags) : undefined,
    }),
  );
}

async function tagsOfModel(name: string): Promise<Record<string, string>> {
  const arn = (await sagemaker.send(new DescribeModelCommand({ ModelName: name }))).ModelArn;
  const tags = (await sagemaker.send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

/** This endpoint's SageMaker resources in moto (filtered here: moto ignores NameContains on ListModels). */
async function held(name: string): Promise<{ endpoints: string[]; configs: string[]; models: string[] }> {
  const mine = (n: string | undefined): n is string => n === name || (n ?? '').startsWith(`${name}-`);
  const endpoints: string[] = [];
  for await (const p of paginateListEndpoints({ client: sagemaker }, {}))
    endpoints.push(...(p.Endpoints ?? []).map((e) => e.EndpointName).filter(mine));
  const configs: string[] = [];
  for await (const p of paginateListEndpointConfigs({ client: sagemaker }, {}))
    configs.push(...(p.EndpointConfigs ?? []).map((c) => c.EndpointConfigName).filter(mine));
  const models: string[] = [];
  for await (const p of paginateListModels({ client: sagemaker }, {}))
    models.push(...(p.Models ?? []).map((m) => m.ModelName).filter(mine));
  return { endpoints, configs: configs.sort(), models: models.sort() };
}

function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  expect(r.stderr).not.toMatch(/looks like a bug/);
}

/** plan and apply both refuse, naming `resource` and `why`, and moto holds afterwards what it held before. */
async function expectRefused(name: string, cfg: string, resource: string, why: RegExp): Promise<void> {
  const before = await held(name);

  const plan = await runCli(['plan', '-c', cfg], { env });
  expectNoStackTrace(plan);
  expect(plan.code, plan.stdout + plan.stderr).toBe(1);
  expect(plan.stdout).toContain(`endpoint ${name}: REFUSED: ${resource} (the content-addressed name`);
  expect(plan.stdout).toMatch(why);

  const json = await runCli(['plan', '-c', cfg, '--json'], { env });
  expect(json.code).toBe(1);
  const ep = (JSON.parse(json.stdout) as JsonPlan).endpoints[0]!;
  expect(ep.refused).toContain(resource);
  expect(ep.refused).toMatch(why);
  expect(ep.changes).toEqual([]);

  const apply = await runCli(['apply', '-c', cfg, '--yes', '--wait-timeout', '2'], { env });
  expectNoStackTrace(apply);
  expect(apply.code, apply.stdout + apply.stderr).toBe(1);
  expect(apply.stdout).toContain(resource);
  expect(apply.stdout).toMatch(why);
  expect(apply.stderr).toMatch(/nothing was changed/);
  expect(apply.stderr).not.toMatch(/apply complete|creat(ed|ing) /);
  expect(await held(name)).toEqual(before);
}

describe('a resource someone else made under the name sagezero needs', () => {
  it('an untagged model: plan names it, apply exits 1 and changes nothing; once it is gone apply works', async () => {
    const name = 'own-untagged-llm';
    const cfg = writeConfig(name);
    const want = await desiredNames(cfg);
    await plantModel(want.model, {});

    await expectRefused(name, cfg, `model ${want.model}`, /it has no sagezero ownership tag/);
    expect(await held(name)).toEqual({ endpoints: [], configs: [], models: [want.model] });
    expect(await tagsOfModel(want.model)).toEqual({});

    // The refusal is about that model only: without it the same config applies and converges.
    await sagemaker.send(new DeleteModelCommand({ ModelName: want.model }));
    const apply = await runCli(['apply', '-c', cfg, '--yes', '--wait-timeout', '2'], { env });
    expect(apply.code, apply.stderr).toBe(0);
    const replan = await runCli(['plan', '-c', cfg], { env });
    expect(replan.code, replan.stdout + replan.stderr).toBe(0);
    expect(await tagsOfModel(want.model)).toEqual({
      'sagezero:managed-by': 'sagezero',
      'sagezero:project': PROJECT,
      'sagezero:endpoint': name,
    });
    expect((await runCli(['destroy', '-c', cfg, '--yes'], { env })).code).toBe(0);
    expect(await held(name)).toEqual({ endpoints: [], configs: [], models: [] });
  });

  it("another sagezero project's model: refused, and left with its owner's tags", async () => {
    const name = 'own-otherproject-llm';
    const cfg = writeConfig(name);
    const want = await desiredNames(cfg);
    const theirs = {
      'sagezero:managed-by': 'sagezero',
      'sagezero:project': 'someone-else',
      'sagezero:endpoint': name,
    };
    await plantModel(want.model, theirs);

    await expectRefused(
      name,
      cfg,
      `model ${want.model}`,
      /it belongs to sagezero project "someone-else", not "ownership"/,
    );
    expect(await held(name)).toEqual({ endpoints: [], configs: [], models: [want.model] });
    expect(await tagsOfModel(want.model)).toEqual(theirs);
    // destroy leaves it alone too.
    expect((await runCli(['destroy', '-c', cfg, '--yes'], { env })).code).toBe(0);
    expect(await held(name)).toEqual({ endpoints: [], configs: [], models: [want.model] });
    await sagemaker.send(new DeleteModelCommand({ ModelName: want.model }));
  });

  it('an untagged endpoint config under the desired name: refused even though the model would be ours', async () => {
    const name = 'own-config-llm';
    const cfg = writeConfig(name);
    const want = await desiredNames(cfg);
    // The model as an earlier, interrupted run of this config made it; the config is someone else's.
    await plantModel(want.model, {
      'sagezero:managed-by': 'sagezero',
      'sagezero:project': PROJECT,
      'sagezero:endpoint': name,
    });
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: want.config,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: want.model,
            InstanceType: 'ml.g4dn.xlarge',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );

    await expectRefused(name, cfg, `endpoint config ${want.config}`, /it has no sagezero ownership tag/);
    expect(await held(name)).toEqual({ endpoints: [], configs: [want.config], models: [want.model] });
  });
});
