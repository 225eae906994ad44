// `apply` on an unchanged config makes no mutating AWS call: counted on the real SDK clients against moto.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runApply, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { ApiCallCounter } from '../../src/cloud/types.js';
import { motoEnv } from '../support/cli.js';

const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
let cfg: string;

beforeAll(() => {
  Object.assign(process.env, motoEnv(inject('motoEndpoint')));
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-idem-'));
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
});
