// import and apply --adopt on moto, with the real CLI and the real AWS SDK: an always-on async endpoint
// made by hand (SDK calls, no sagezero) is described into an existing config, refused by plan until it
// is adopted, tagged exactly as listed, and then planned as unchanged without replacing anything.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  paginateListEndpointConfigs,
  paginateListModels,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { motoEnv, runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const endpoint = inject('motoEndpoint');
const env = motoEnv(endpoint);
const sagemaker = new SageMakerClient({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

const NAME = 'impadopt-llm';
const MODEL = 'handmade-llm-model';
const CONFIG = 'handmade-llm-config';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu';
// A value with a literal ${...}: the config file would interpolate it unless import escapes it.
const ENVIRONMENT = { MAX_INPUT_LENGTH: '1024', PROMPT_PREFIX: 'say ${name}' };

const EXISTING = `# Our team's endpoints. This comment must survive the import.
region: us-east-1
cloud: aws
project: impadopt
store: ./var/store.db
endpoints:
  # planned, not created in this test
  - name: impadopt-other
    model: { image: ${IMAGE} }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.xlarge
`;

let dir: string;
// Each CLI run is a child process that loads TypeScript through tsx (seconds each, more on a busy
// machine); these tests make up to nine, so they get more than the suite's 120 s default.
const CLI_TIMEOUT_MS = 360_000;

async function tagsOf(arn: string | undefined): Promise<Record<string, string>> {
  const out = await sagemaker.send(new ListTagsCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** Names of every model and endpoint config that mention this test's endpoint or hand-made names. */
async function hostingNames(): Promise<string[]> {
  const mine = (n: string | undefined): n is string =>
    !!n && (n.startsWith(NAME) || n === MODEL || n === CONFIG);
  const names: string[] = [];
  for await (const p of paginateListModels({ client: sagemaker }, {}))
    names.push(...(p.Models ?? []).map((m) => m.ModelName).filter(mine));
  for await (const p of paginateListEndpointConfigs({ client: sagemaker }, {}))
    names.push(...(p.EndpointConfigs ?? []).map((c) => c.EndpointConfigName).filter(mine));
  return names.sort();
}

beforeAll(async () => {
  dir = tempDir('sagezero-import-moto-');
  // Outside sagezero: plain SDK calls, as a team's own script or console clicks would make them.
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: MODEL,
      PrimaryContainer: {
        Image: IMAGE,
        ModelDataUrl: 's3://impadopt-models/llm/model.tar.gz',
        Environment: ENVIRONMENT,
      },
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: CONFIG,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: MODEL,
          InstanceType: 'ml.g4dn.xlarge',
          InitialInstanceCount: 1,
        },
      ],
      AsyncInferenceConfig: {
        OutputConfig: {
          S3OutputPath: 's3://impadopt-out/out/',
          S3FailurePath: 's3://impadopt-out/failed/',
          NotificationConfig: { SuccessTopic: 'arn:aws:sns:us-east-1:123456789012:impadopt-done' },
        },
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 2 },
      },
    }),
  );
  await sagemaker.send(
    new CreateEndpointCommand({
      EndpointName: NAME,
      EndpointConfigName: CONFIG,
      Tags: [{ Key: 'team', Value: 'nlp' }],
    }),
  );
});

describe('sagezero import and apply --adopt against moto', () => {
  it(
    'import appends the endpoint as it is; plan refuses until --adopt tags exactly what it lists; then plan shows no change and nothing was replaced',
    async () => {
      const cfg = path.join(dir, 'impadopt.yaml');
      writeFileSync(cfg, EXISTING);

      const imp = await runCli(['import', '--endpoint', NAME, '-c', cfg], { env });
      expect(imp.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(imp.code, imp.stderr).toBe(0);
      const text = readFileSync(cfg, 'utf8');
      // What was there stays, comments included, ahead of the new entry.
      expect(text.startsWith("# Our team's endpoints. This comment must survive the import.\n")).toBe(true);
      expect(text).toContain('# planned, not created in this test');
      expect(text.indexOf('- name: impadopt-other')).toBeLessThan(text.indexOf(`- name: ${NAME}`));
      // No scalable target: sagezero is told to manage no scaling, with the recommended block as a comment.
      expect(text).toMatch(/# +scaling:\n +# +preset: aws-recommended\n +scaling:\n +preset: none/);

      // The file loads, and says what the endpoint is.
      const loaded = loadConfig(cfg).endpoints.find((e) => e.name === NAME);
      expect(loaded).toMatchObject({
        model: {
          image: IMAGE,
          modelDataUrl: 's3://impadopt-models/llm/model.tar.gz',
          environment: ENVIRONMENT,
        },
        executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
        instanceType: 'ml.g4dn.xlarge',
        initialInstanceCount: 1,
        async: {
          outputPath: 's3://impadopt-out/out/',
          failurePath: 's3://impadopt-out/failed/',
          maxConcurrentInvocationsPerInstance: 2,
          notifications: { successTopic: 'arn:aws:sns:us-east-1:123456789012:impadopt-done' },
        },
        tags: { team: 'nlp' },
        scaling: { preset: 'none' },
      });

      // Import is read-only; plan refuses the endpoint as today, since nothing is tagged yet.
      const before = await hostingNames();
      const refused = await runCli(['plan', '-c', cfg, '--endpoint', NAME], { env });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(new RegExp(`endpoint ${NAME}: REFUSED: .*not created by sagezero`));

      const ep0 = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: NAME }));
      const adopt = await runCli(['apply', '-c', cfg, '--adopt', NAME, '--yes'], { env });
      expect(adopt.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(adopt.code, adopt.stderr).toBe(0);
      const listed = [...adopt.stdout.matchAll(/^ {2}\+ (\S+) (\S+): tag /gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(listed.sort()).toEqual(
        [`endpoint ${NAME}`, `endpoint-config ${CONFIG}`, `model ${MODEL}`].sort(),
      );

      const owner = {
        'sagezero:managed-by': 'sagezero',
        'sagezero:project': 'impadopt',
        'sagezero:endpoint': NAME,
      };
      const model = await sagemaker.send(new DescribeModelCommand({ ModelName: MODEL }));
      const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: CONFIG }));
      expect(await tagsOf(model.ModelArn)).toEqual(owner);
      expect(await tagsOf(config.EndpointConfigArn)).toEqual(owner);
      // The endpoint keeps the team's own tag beside sagezero's.
      expect(await tagsOf(ep0.EndpointArn)).toEqual({ team: 'nlp', ...owner });

      const plan = await runCli(['plan', '-c', cfg, '--endpoint', NAME, '--json'], { env });
      expect(plan.code, plan.stdout).toBe(0);
      expect((JSON.parse(plan.stdout) as { summary: { total: number } }).summary.total).toBe(0);

      // An apply now changes nothing either, and nothing was replaced: same config, same names.
      const apply = await runCli(['apply', '-c', cfg, '--endpoint', NAME, '--yes'], { env });
      expect(apply.code).toBe(0);
      const ep1 = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: NAME }));
      expect(ep1.EndpointConfigName).toBe(CONFIG);
      expect(ep1.CreationTime).toEqual(ep0.CreationTime);
      expect(await hostingNames()).toEqual(before);

      // Adopting again lists everything as tagged already and changes nothing.
      const again = await runCli(['apply', '-c', cfg, '--adopt', NAME, '--yes'], { env });
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/already sagezero's/);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'apply --adopt of a name not in the config, or of an endpoint that does not exist, fails clearly',
    async () => {
      const cfg = path.join(dir, 'impadopt2.yaml');
      writeFileSync(cfg, EXISTING);
      const notInConfig = await runCli(['apply', '-c', cfg, '--adopt', 'impadopt-nope', '--yes'], { env });
      expect(notInConfig.code).toBe(1);
      expect(notInConfig.stderr).toMatch(/--adopt impadopt-nope: no such endpoint in .*impadopt2\.yaml/);
      expect(notInConfig.stderr).not.toMatch(/at .*\.ts:\d+/);

      const missing = await runCli(['apply', '-c', cfg, '--adopt', 'impadopt-other', '--yes'], { env });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /--adopt impadopt-other: there is no endpoint impadopt-other in us-east-1/,
      );

      // Without --config the YAML goes to stdout, as a whole config that loads.
      const printed = await runCli(['import', '--endpoint', NAME], { env });
      expect(printed.code, printed.stderr).toBe(0);
      expect(parseConfig(printed.stdout, 'printed.yaml', {}).endpoints.map((e) => e.name)).toEqual([NAME]);

      const noSuch = await runCli(['import', '--endpoint', 'impadopt-absent', '-c', cfg], { env });
      expect(noSuch.code).toBe(1);
      expect(noSuch.stderr).toMatch(/endpoint impadopt-absent does not exist in us-east-1/);
      expect(readFileSync(cfg, 'utf8')).toBe(EXISTING);
    },
    CLI_TIMEOUT_MS,
  );
});
