// `apply` on an unchanged config makes no mutating AWS call: counted on the real SDK clients against moto.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { ApiCallCounter } from '../../src/cloud/types.js';
import { motoEnv } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
let cfg: string;

beforeAll(() => {
  Object.assign(process.env, motoEnv(inject('motoEndpoint')));
  const dir = tempDir('sagezero-idem-');
  cfg = path.join(dir, 'idem.yaml');
  writeFileSync(
    cfg,
    `region: us-east-1
project: idem
endpoints:
  - name: idem-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-idem/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-idem/out/, maxConcurrentInvocationsPerInstance: 2 }
    scaling:
      preset: custom
      minCapacity: 0
      maxCapacity: 3
      targetBacklogPerInstance: 2
      wake: { periodSeconds: 60, evaluationPeriods: 2 }
      idle: { mode: step, minutes: 10 }
      keepWarm:
        - { from: "30 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels, minCapacity: 1 }
`,
  );
});

describe('apply against moto, counted', () => {
  it('creates everything once, then an unchanged apply makes no mutating call', async () => {
    const first = new ApiCallCounter();
    expect(await runApply({ config: cfg, yes: true, waitTimeout: '5' }, out, first)).toBe(0);
    expect(first.mutating()).toEqual(
      expect.arrayContaining([
        'sagemaker:CreateModel',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateEndpoint',
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'cloudwatch:PutMetricAlarm',
        'application-autoscaling:PutScheduledAction',
      ]),
    );

    const second = new ApiCallCounter();
    expect(await runApply({ config: cfg, yes: true, waitTimeout: '5' }, out, second)).toBe(0);
    expect(second.calls.length).toBeGreaterThan(0);
    expect(second.mutating()).toEqual([]);
    expect(await runPlan({ config: cfg }, out)).toBe(0);
  });

  it('AWS holds exactly the configured policy set, wired together, and destroy leaves none of it', async () => {
    const endpoint = inject('motoEndpoint');
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const aas = new ApplicationAutoScalingClient({ region: 'us-east-1', endpoint, credentials });
    const cw = new CloudWatchClient({ region: 'us-east-1', endpoint, credentials });
    const resourceId = 'endpoint/idem-llm/variant/AllTraffic';
    const q = { ServiceNamespace: 'sagemaker' as const, ResourceIds: [resourceId] };

    const targets = (await aas.send(new DescribeScalableTargetsCommand(q))).ScalableTargets ?? [];
    expect(targets.map((t) => [t.ResourceId, t.ScalableDimension, t.MinCapacity, t.MaxCapacity])).toEqual([
      [resourceId, 'sagemaker:variant:DesiredInstanceCount', 0, 3],
    ]);
    const policies =
      (
        await aas.send(
          new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }),
        )
      ).ScalingPolicies ?? [];
    expect(policies.map((p) => `${p.PolicyType}:${p.PolicyName}`).sort()).toEqual([
      'StepScaling:sagezero-idem-llm-idle',
      'StepScaling:sagezero-idem-llm-wake',
      'TargetTrackingScaling:sagezero-idem-llm-backlog-target',
    ]);
    const tt = policies.find(
      (p) => p.PolicyType === 'TargetTrackingScaling',
    )!.TargetTrackingScalingPolicyConfiguration!;
    expect(tt.TargetValue).toBe(2);
    expect(tt.DisableScaleIn).toBe(true);
    expect(tt.CustomizedMetricSpecification?.MetricName).toBe('ApproximateBacklogSizePerInstance');

    const alarms =
      (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'sagezero-idem-llm-' }))).MetricAlarms ??
      [];
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual([
      'sagezero-idem-llm-idle',
      'sagezero-idem-llm-wake',
    ]);
    const wakeArn = policies.find((p) => p.PolicyName === 'sagezero-idem-llm-wake')!.PolicyARN;
    const idleArn = policies.find((p) => p.PolicyName === 'sagezero-idem-llm-idle')!.PolicyARN;
    const wake = alarms.find((a) => a.AlarmName === 'sagezero-idem-llm-wake')!;
    expect(wake.AlarmActions).toEqual([wakeArn]);
    expect(wake.MetricName).toBe('HasBacklogWithoutCapacity');
    expect(wake.EvaluationPeriods).toBe(2);
    const idle = alarms.find((a) => a.AlarmName === 'sagezero-idem-llm-idle')!;
    expect(idle.AlarmActions).toEqual([idleArn]);
    expect(idle.Metrics?.find((m) => m.ReturnData)?.Expression).toMatch(/backlog.*processed/);

    const actions =
      (
        await aas.send(
          new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }),
        )
      ).ScheduledActions ?? [];
    expect(
      actions
        .map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone, a.ScalableTargetAction?.MinCapacity])
        .sort(),
    ).toEqual([
      ['sagezero-idem-llm-keepwarm-0-close', 'cron(0 18 ? * MON-FRI *)', 'Europe/Brussels', 0],
      ['sagezero-idem-llm-keepwarm-0-open', 'cron(30 8 ? * MON-FRI *)', 'Europe/Brussels', 1],
    ]);

    expect(await runDestroy({ config: cfg, yes: true, waitTimeout: '5' }, out)).toBe(0);
    expect((await aas.send(new DescribeScalableTargetsCommand(q))).ScalableTargets ?? []).toEqual([]);
    expect(
      (
        await aas.send(
          new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }),
        )
      ).ScalingPolicies ?? [],
    ).toEqual([]);
    expect(
      (
        await aas.send(
          new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId }),
        )
      ).ScheduledActions ?? [],
    ).toEqual([]);
    expect(
      (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'sagezero-idem-llm-' }))).MetricAlarms ??
        [],
    ).toEqual([]);
  });
});
