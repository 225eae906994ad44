// The real CLI and the real AWS SDK clients against moto: the whole provisioning life cycle.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  ListEndpointsCommand,
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListModels,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { motoEnv, runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const endpoint = inject('motoEndpoint');
const env = motoEnv(endpoint);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const sagemaker = new SageMakerClient({ region: 'us-east-1', endpoint, credentials });
const aas = new ApplicationAutoScalingClient({ region: 'us-east-1', endpoint, credentials });
const cloudwatch = new CloudWatchClient({ region: 'us-east-1', endpoint, credentials });

const NAME = 'clitest-llm';
let dir: string;

function writeConfig(file: string, instanceType: string, extra = ''): string {
  const p = path.join(dir, file);
  writeFileSync(
    p,
    `region: us-east-1
cloud: aws
project: clitest
store: ./var/store.db
endpoints:
  - name: ${NAME}
    model:
      image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu
      modelDataUrl: s3://sagezero-clitest-models/falcon/model.tar.gz
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ${instanceType}
    async:
      outputPath: s3://sagezero-clitest-out/out/
    scaling:
      preset: aws-recommended
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels }
${extra}`,
  );
  return p;
}

/**
 * This test's SageMaker resources. Filtered here by name, because moto 5.2 ignores NameContains on
 * ListModels and other test files share the same moto.
 */
async function ours(): Promise<{ endpoints: string[]; configs: string[]; models: string[] }> {
  const mine = (n: string | undefined): n is string => n === NAME || (n ?? '').startsWith(`${NAME}-`);
  const endpoints = [];
  for await (const page of paginateListEndpoints({ client: sagemaker }, {}))
    endpoints.push(...(page.Endpoints ?? []));
  const configs = [];
  for await (const page of paginateListEndpointConfigs({ client: sagemaker }, {}))
    configs.push(...(page.EndpointConfigs ?? []));
  const models = [];
  for await (const page of paginateListModels({ client: sagemaker }, {})) models.push(...(page.Models ?? []));
  return {
    endpoints: endpoints.map((e) => e.EndpointName).filter(mine),
    configs: configs.map((c) => c.EndpointConfigName).filter(mine),
    models: models.map((m) => m.ModelName).filter(mine),
  };
}

beforeAll(() => {
  dir = tempDir('sagezero-cli-moto-');
});

describe('sagezero plan/apply/destroy against moto', () => {
  it('plan -> apply -> plan shows nothing -> instance type change plans a replace -> apply -> destroy leaves nothing', async () => {
    const cfg = writeConfig('sagezero.yaml', 'ml.g4dn.xlarge');

    const plan1 = await runCli(['plan', '-c', cfg], { env });
    expect(plan1.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack traces
    expect(plan1.code).toBe(2);
    expect(plan1.stdout).toMatch(/\+\s+endpoint clitest-llm/);
    expect(plan1.stdout).toMatch(/\+\s+alarm sagezero-clitest-llm-wake/);

    const noYes = await runCli(['apply', '-c', cfg], { env });
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toMatch(/--yes/);

    const apply1 = await runCli(['apply', '-c', cfg, '--yes'], { env });
    expect(apply1.stderr).toMatch(/InService/);
    expect(apply1.code).toBe(0);

    const plan2 = await runCli(['plan', '-c', cfg, '--json'], { env });
    expect(plan2.code).toBe(0);
    const json2 = JSON.parse(plan2.stdout) as { summary: { total: number }; endpoints: { status: string }[] };
    expect(json2.summary.total).toBe(0);
    expect(json2.endpoints[0]!.status).toBe('InService');

    const cfg2 = writeConfig('sagezero.yaml', 'ml.g4dn.2xlarge');
    const plan3 = await runCli(['plan', '-c', cfg2, '--json'], { env });
    expect(plan3.code).toBe(2);
    const json3 = JSON.parse(plan3.stdout) as {
      endpoints: {
        changes: {
          kind: string;
          action: string;
          fields: { field: string; expected: unknown; actual: unknown }[];
        }[];
      }[];
    };
    const replace = json3.endpoints[0]!.changes.find(
      (c) => c.kind === 'endpoint-config' && c.action === 'replace',
    );
    expect(replace?.fields).toContainEqual({
      field: 'instanceType',
      expected: 'ml.g4dn.2xlarge',
      actual: 'ml.g4dn.xlarge',
    });

    const apply2 = await runCli(['apply', '-c', cfg2, '--yes'], { env });
    expect(apply2.code).toBe(0);
    expect(apply2.stderr).toMatch(/deregistered scalable target/);
    expect((await runCli(['plan', '-c', cfg2], { env })).code).toBe(0);

    expect(await ours()).toEqual({
      endpoints: [NAME],
      configs: [expect.stringMatching(new RegExp(`^${NAME}-`))],
      models: [expect.stringMatching(new RegExp(`^${NAME}-`))],
    });

    const destroy = await runCli(['destroy', '-c', cfg2, '--yes'], { env });
    expect(destroy.code).toBe(0);
    expect(await ours()).toEqual({ endpoints: [], configs: [], models: [] });
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `sagezero-${NAME}` }));
    expect(alarms.MetricAlarms ?? []).toHaveLength(0);
  });

  it('destroy refuses an endpoint of the same name that sagezero did not create', async () => {
    const name = 'clitest-foreign';
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: 'foreign-model',
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
        PrimaryContainer: { Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1' },
      }),
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'foreign-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'foreign-model',
            InstanceType: 'ml.g4dn.xlarge',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await sagemaker.send(
      new CreateEndpointCommand({
        EndpointName: name,
        EndpointConfigName: 'foreign-config',
        Tags: [{ Key: 'team', Value: 'other' }],
      }),
    );
    const cfg = path.join(dir, 'foreign.yaml');
    writeFileSync(
      cfg,
      `region: us-east-1
project: clitest
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-clitest-out/out/ }
`,
    );
    const destroy = await runCli(['destroy', '-c', cfg, '--yes'], { env });
    expect(destroy.code).toBe(1);
    expect(destroy.stdout + destroy.stderr).toMatch(/refusing to destroy endpoint clitest-foreign/);
    const still = await sagemaker.send(new ListEndpointsCommand({ NameContains: name }));
    expect(still.Endpoints).toHaveLength(1);
    const apply = await runCli(['apply', '-c', cfg, '--yes'], { env });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toMatch(/REFUSED/);
  });

  it('shows a policy changed behind its back as drift and repairs it', async () => {
    const name = 'clitest-drift';
    const cfg = path.join(dir, 'drift.yaml');
    writeFileSync(
      cfg,
      `region: us-east-1
project: clitest
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-clitest-out/out/ }
`,
    );
    expect((await runCli(['apply', '-c', cfg, '--yes'], { env })).code).toBe(0);
    await aas.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${name}/variant/AllTraffic`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        PolicyName: `sagezero-${name}-backlog-target`,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 42,
          CustomizedMetricSpecification: {
            MetricName: 'ApproximateBacklogSizePerInstance',
            Namespace: 'AWS/SageMaker',
            Dimensions: [{ Name: 'EndpointName', Value: name }],
            Statistic: 'Average',
          },
          ScaleInCooldown: 600,
          // What the config derives (default boot prior 480 s: p90 581.7 s + 120 s -> 720), so only
          // targetValue drifts.
          ScaleOutCooldown: 720,
        },
      }),
    );
    const plan = await runCli(['plan', '-c', cfg], { env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/~\s+scaling-policy sagezero-clitest-drift-backlog-target \[drift\]/);
    expect(plan.stdout).toMatch(/targetValue: 42 -> 5/);
    expect((await runCli(['apply', '-c', cfg, '--yes'], { env })).code).toBe(0);
    expect((await runCli(['plan', '-c', cfg], { env })).code).toBe(0);
    expect((await runCli(['destroy', '-c', cfg, '--yes'], { env })).code).toBe(0);
  });

  it('warns when measured cold starts outlast the wake cooldown, without changing the exit code or the policy', async () => {
    const name = 'clitest-boot';
    const cfg = path.join(dir, 'boot.yaml');
    const write = (extra: string) =>
      writeFileSync(
        cfg,
        `region: us-east-1
project: clitest
store: ./boot-var/store.db
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-clitest-out/out/ }
${extra}`,
      );
    write('');
    expect((await runCli(['apply', '-c', cfg, '--yes'], { env })).code).toBe(0);
    const quiet = await runCli(['plan', '-c', cfg], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/scaleOutCooldownSeconds/);

    // Five cold probes whose scale-out took 780-860 s: median 820 s, p90 820 * e^(1.2816 * 0.05) = 874 s.
    mkdirSync(path.join(dir, 'boot-var'), { recursive: true });
    const store = await openStore(path.join(dir, 'boot-var', 'store.db'));
    // Ten days ago: inside the tuner's 35-day window that plan reads measured boots from.
    const t0 = Date.now() - 10 * 86_400_000;
    for (const [i, s] of [780, 800, 820, 840, 860].entries())
      await store.probes.save({
        id: `boot-${i}`,
        endpoint: name,
        startedAt: t0 + i * 3_600_000,
        finishedAt: t0 + i * 3_600_000 + (s + 150) * 1000,
        instancesAtStart: 0,
        cold: true,
        scaleOutS: s,
        totalS: s + 150,
        outcome: 'success',
      });
    await store.close();

    const warned = await runCli(['plan', '-c', cfg], { env });
    expect(warned.code).toBe(0); // still "no changes": a warning is not a change
    expect(warned.stdout).toContain(
      `warning: ${name}: scaling.scaleOutCooldownSeconds (the wake policy's cooldown) is 720 s, shorter than the measured boot p90 of 874 s`,
    );
    // 874.3 + 60 + 60 = 994.3 -> 1020
    expect(warned.stdout).toContain('Set scaling.scaleOutCooldownSeconds: 1020');
    const json = JSON.parse((await runCli(['plan', '-c', cfg, '--json'], { env })).stdout) as {
      warnings: string[];
    };
    expect(json.warnings).toEqual([expect.stringContaining('measured boot p90 of 874 s')]);
    // apply with the measurements in the store still has nothing to do
    const again = await runCli(['apply', '-c', cfg, '--yes'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/apply complete/);

    // The suggested cooldown covers it: one policy update, then silence.
    write('    scaling: { scaleOutCooldownSeconds: 1020 }\n');
    const fix = await runCli(['plan', '-c', cfg], { env });
    expect(fix.code).toBe(2);
    expect(fix.stdout).not.toMatch(/warning: .*scaleOutCooldownSeconds/);
    expect((await runCli(['apply', '-c', cfg, '--yes'], { env })).code).toBe(0);
    expect((await runCli(['plan', '-c', cfg], { env })).code).toBe(0);
    expect((await runCli(['destroy', '-c', cfg, '--yes'], { env })).code).toBe(0);
  });
});
