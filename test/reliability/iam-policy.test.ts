// Least privilege, checked against what sagezero really does: an end-to-end run against moto (plan,
// apply, instance-type change, telemetry reads, a probe's S3 put/get/delete and InvokeEndpointAsync,
// destroy) goes through a recording proxy; every request on the wire becomes the IAM authorization AWS
// would evaluate (action, resource ARNs, condition keys), and the policy `sagezero iam-policy` prints
// for the config must allow each one, and name no action with a wildcard. The ApiCallObserver's list
// of calls cross-checks that the wire recording missed nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runIamPolicy } from '../../src/cli/commands/iam-policy.js';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { ApiCallCounter, parseS3Uri } from '../../src/cloud/types.js';
import { deniedResources, isAllowed, wildcardActions } from '../../src/iam/evaluate.js';
import type { PolicyDocument } from '../../src/iam/types.js';
import { resolveInputPrefix } from '../../src/probe/target.js';
import { motoEnv } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { derive, iamActionOfObserved, type DerivedRequest } from './authz.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
// Upper case on purpose: SageMaker ARNs carry names in lower case, alarm names keep their case.
const NAME = 'IamTest-LLM';
const BUCKET = 'sagezero-iam-test';
const OUTPUT = `s3://${BUCKET}/async-out/`;
const FAILURE = `s3://${BUCKET}/async-fail/`;
const scope = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };
const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
let dir: string;
let proxy: FaultProxy;

function writeConfig(instanceType: string): string {
  const file = path.join(dir, 'iam.yaml');
  writeFileSync(
    file,
    `region: us-east-1
project: iamtest
endpoints:
  - name: ${NAME}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-iam-models/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ${instanceType}
    async:
      outputPath: ${OUTPUT}
      failurePath: ${FAILURE}
      notifications: { successTopic: "arn:aws:sns:us-east-1:123456789012:iam-ok" }
    scaling:
      preset: custom
      minCapacity: 0
      maxCapacity: 2
      targetBacklogPerInstance: 3
      wake: { periodSeconds: 60, evaluationPeriods: 2 }
      idle: { mode: step, minutes: 10 }
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels }
`,
  );
  return file;
}

function policyFor(config: string): PolicyDocument {
  const printed: string[] = [];
  const code = runIamPolicy(
    { config },
    { out: (l) => printed.push(l), err: () => undefined, interactive: false },
  );
  expect(code).toBe(0);
  return JSON.parse(printed.join('\n')) as PolicyDocument;
}

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  // This file builds an SDK client before sagezero does, so it silences the SDK's Node 20 notice itself.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  dir = tempDir('sagezero-iam-');
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  // AWS semantics: Application Auto Scaling tagging answered (moto lacks it), creates of existing names refused.
  proxy = await startFaultProxy({ target: moto, seed: 1, rate: 0, awsSemantics: true });
});

afterAll(async () => {
  await proxy?.close();
});

describe('sagezero iam-policy against every call of an end-to-end run', () => {
  it('allows each recorded action on its resources, and names no wildcard action', async () => {
    const counter = new ApiCallCounter();
    const yes = { yes: true, waitTimeout: '5' };
    const cfg1 = writeConfig('ml.g4dn.xlarge');
    const cfg2 = writeConfig.bind(null, 'ml.g4dn.2xlarge');
    const policy = policyFor(cfg1);

    process.env.AWS_ENDPOINT_URL = proxy.url;
    try {
      expect(await runPlan({ config: cfg1 }, out, counter)).toBe(2);
      expect(await runApply({ config: cfg1, ...yes }, out, counter)).toBe(0);
      expect(await runPlan({ config: cfg1 }, out, counter)).toBe(0);
      const cfg = cfg2();
      expect(await runApply({ config: cfg, ...yes }, out, counter)).toBe(0);

      // A probe's S3 life cycle and invocation, and telemetry's reads, through the same provider.
      const cloud = createAwsCloud({ region: 'us-east-1', observer: counter });
      const input = `${await resolveInputPrefix(cloud, { name: NAME, async: { outputPath: OUTPUT } }, undefined)}req-1.in`;
      await cloud.putObject(input, '{"inputs":"hi"}', 'application/json');
      await cloud.invokeEndpointAsync({ endpointName: NAME, inputLocation: input, inferenceId: 'req-1' });
      // moto writes results to a bucket of its own; AWS writes to the configured output path, as here.
      const result = `${OUTPUT}req-1.out`;
      const direct = new S3Client({ region: 'us-east-1', endpoint: moto, forcePathStyle: true });
      await direct.send(new PutObjectCommand({ ...bucketKey(result), Body: 'ok' }));
      direct.destroy();
      expect(await cloud.getObject(`${FAILURE}req-1.error`)).toBeUndefined();
      expect(new TextDecoder().decode(await cloud.getObject(result))).toBe('ok');
      await cloud.deleteObject(result);
      await cloud.deleteObject(input);
      const now = Date.UTC(2026, 0, 1);
      await cloud.getMetricData(
        [
          {
            id: 'backlog',
            namespace: 'AWS/SageMaker',
            metricName: 'ApproximateBacklogSize',
            dimensions: [{ name: 'EndpointName', value: NAME }],
            stat: 'Average',
            periodSeconds: 60,
          },
        ],
        now - 3_600_000,
        now,
      );
      await cloud.listScalingActivities(`endpoint/${NAME}/variant/AllTraffic`, now - 86_400_000);

      expect(await runDestroy({ config: cfg, ...yes }, out, counter)).toBe(0);
    } finally {
      process.env.AWS_ENDPOINT_URL = moto;
    }

    const derived: DerivedRequest[] = proxy.requests.flatMap((r) => derive(r, scope));
    const denied = derived
      .map((d) => ({ d, missing: deniedResources(policy, d) }))
      .filter((x) => x.missing.length > 0)
      .map(
        ({ d, missing }) =>
          `${d.source} #${d.seq} ${d.action} on ${missing.join(', ')} ${JSON.stringify(d.context ?? {})}`,
      );
    expect(denied).toEqual([]);
    expect(wildcardActions(policy)).toEqual([]);

    // The wire recording saw every call the SDK middleware reported, and nothing else.
    const observed = new Set(counter.calls.map((c) => iamActionOfObserved(c.service, c.operation)));
    const onWire = new Set(derived.filter((d) => d.source === 'wire').map((d) => d.action));
    expect([...onWire].sort()).toEqual([...observed].sort());
    // The run covered what the issue asks for.
    for (const a of [
      'sagemaker:CreateModel',
      'sagemaker:CreateEndpointConfig',
      'sagemaker:CreateEndpoint',
      'sagemaker:UpdateEndpoint',
      'sagemaker:DeleteEndpoint',
      'sagemaker:InvokeEndpointAsync',
      'application-autoscaling:RegisterScalableTarget',
      'application-autoscaling:DeregisterScalableTarget',
      'application-autoscaling:PutScalingPolicy',
      'application-autoscaling:PutScheduledAction',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:GetMetricData',
      's3:PutObject',
      's3:GetObject',
      's3:DeleteObject',
      'sts:GetCallerIdentity',
    ]) {
      expect(observed.has(a), a).toBe(true);
    }
    console.log(
      `iam-policy: ${proxy.requests.length} requests, ${observed.size} distinct actions, ` +
        `${derived.length} authorizations (${derived.filter((d) => d.source === 'documented').length} documented side requirements) all allowed by ${policy.Statement.length} statements`,
    );
  });

  it('is not vacuous: the same calls for another endpoint, bucket, owner or service are denied', () => {
    const policy = policyFor(writeConfig('ml.g4dn.xlarge'));
    const sm = (t: string, n: string): string => `arn:aws:sagemaker:us-east-1:123456789012:${t}/${n}`;
    const owner = {
      'aws:RequestTag/sagezero:managed-by': 'sagezero',
      'aws:RequestTag/sagezero:project': 'iamtest',
    };
    const allowed = (action: string, resource: string, context?: Record<string, string>): boolean =>
      isAllowed(policy, { action, resources: [resource], ...(context ? { context } : {}) });

    expect(allowed('sagemaker:DeleteEndpoint', sm('endpoint', 'iamtest-llm'))).toBe(true);
    expect(allowed('sagemaker:DeleteEndpoint', sm('endpoint', 'prod-llm'))).toBe(false);
    expect(allowed('sagemaker:DeleteEndpoint', sm('endpoint', 'IamTest-LLM'))).toBe(false); // ARNs are lower case
    expect(allowed('sagemaker:DeleteModel', sm('model', 'iamtest-llm-0123456789'))).toBe(true);
    expect(allowed('sagemaker:DeleteModel', sm('model', 'iamtest-llm-other-0123456789'))).toBe(false);
    expect(allowed('sagemaker:CreateModel', sm('model', 'iamtest-llm-0123456789'), owner)).toBe(true);
    expect(allowed('sagemaker:CreateModel', sm('model', 'iamtest-llm-0123456789'))).toBe(false);
    expect(
      allowed('sagemaker:CreateModel', sm('model', 'iamtest-llm-0123456789'), {
        ...owner,
        'aws:RequestTag/sagezero:project': 'someone-else',
      }),
    ).toBe(false);
    expect(
      allowed('iam:PassRole', 'arn:aws:iam::123456789012:role/SageMakerExecution', {
        'iam:PassedToService': 'sagemaker.amazonaws.com',
      }),
    ).toBe(true);
    expect(
      allowed('iam:PassRole', 'arn:aws:iam::123456789012:role/SageMakerExecution', {
        'iam:PassedToService': 'ec2.amazonaws.com',
      }),
    ).toBe(false);
    expect(
      allowed('iam:PassRole', 'arn:aws:iam::123456789012:role/Admin', {
        'iam:PassedToService': 'sagemaker.amazonaws.com',
      }),
    ).toBe(false);
    expect(allowed('s3:GetObject', `arn:aws:s3:::${BUCKET}/async-out/x.out`)).toBe(true);
    expect(allowed('s3:GetObject', `arn:aws:s3:::${BUCKET}/secrets/x`)).toBe(false);
    expect(allowed('s3:PutObject', `arn:aws:s3:::${BUCKET}/async-out/x.out`)).toBe(false);
    expect(
      allowed(
        'cloudwatch:DeleteAlarms',
        'arn:aws:cloudwatch:us-east-1:123456789012:alarm:sagezero-IamTest-LLM-wake',
      ),
    ).toBe(true);
    expect(
      allowed('cloudwatch:DeleteAlarms', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:billing'),
    ).toBe(false);
    expect(
      isAllowed(policy, {
        action: 'application-autoscaling:RegisterScalableTarget',
        resources: ['*'],
        context: {
          'application-autoscaling:service-namespace': 'dynamodb',
          'application-autoscaling:scalable-dimension': 'dynamodb:table:ReadCapacityUnits',
        },
      }),
    ).toBe(false);
    expect(allowed('sagemaker:CreateTrainingJob', '*')).toBe(false);
  });
});

describe('sagezero iam-policy for a kind: realtime endpoint (issue 15)', () => {
  // moto lacks inference components: test/support/moto_server.py stubs them with AWS's shapes.
  const CHAT = 'IamTest-Chat';
  function writeRealtimeConfig(): string {
    const file = path.join(dir, 'iam-realtime.yaml');
    writeFileSync(
      file,
      `region: us-east-1
project: iamtest
endpoints:
  - name: ${CHAT}
    kind: realtime
    instanceType: ml.g4dn.12xlarge
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    managedScaling: { minInstances: 0, maxInstances: 2 }
    components:
      - name: Llama
        model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-iam-models/model.tar.gz }
        acceleratorsPerCopy: 2
        memoryMb: 16384
`,
    );
    return file;
  }

  it('allows each recorded action of plan, apply, invoke and destroy, and names no wildcard action', async () => {
    const counter = new ApiCallCounter();
    const yes = { yes: true, waitTimeout: '5' };
    const cfg = writeRealtimeConfig();
    const policy = policyFor(cfg);
    const first = proxy.requests.length;

    process.env.AWS_ENDPOINT_URL = proxy.url;
    try {
      expect(await runPlan({ config: cfg }, out, counter)).toBe(2);
      expect(await runApply({ config: cfg, ...yes }, out, counter)).toBe(0);
      expect(await runPlan({ config: cfg }, out, counter)).toBe(0);
      const cloud = createAwsCloud({ region: 'us-east-1', observer: counter });
      const answer = await cloud.invokeEndpoint({
        endpointName: CHAT,
        inferenceComponentName: `${CHAT}-Llama`,
        body: '{"inputs":"hi"}',
        contentType: 'application/json',
      });
      expect(answer.body.length).toBeGreaterThan(0);
      await cloud.listScalingActivities(`inference-component/${CHAT}-Llama`, 0);
      expect(await runDestroy({ config: cfg, ...yes }, out, counter)).toBe(0);
    } finally {
      process.env.AWS_ENDPOINT_URL = moto;
    }

    const derived = proxy.requests.slice(first).flatMap((r) => derive(r, scope));
    const denied = derived
      .map((d) => ({ d, missing: deniedResources(policy, d) }))
      .filter((x) => x.missing.length > 0)
      .map(
        ({ d, missing }) =>
          `${d.source} #${d.seq} ${d.action} on ${missing.join(', ')} ${JSON.stringify(d.context ?? {})}`,
      );
    expect(denied).toEqual([]);
    expect(wildcardActions(policy)).toEqual([]);
    const observed = new Set(counter.calls.map((c) => iamActionOfObserved(c.service, c.operation)));
    const onWire = new Set(derived.filter((d) => d.source === 'wire').map((d) => d.action));
    expect([...onWire].sort()).toEqual([...observed].sort());
    for (const a of [
      'sagemaker:CreateEndpointConfig',
      'sagemaker:CreateInferenceComponent',
      'sagemaker:DescribeInferenceComponent',
      'sagemaker:ListInferenceComponents',
      'sagemaker:DeleteInferenceComponent',
      'sagemaker:InvokeEndpoint',
      'application-autoscaling:RegisterScalableTarget',
      'application-autoscaling:PutScalingPolicy',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
    ]) {
      expect(observed.has(a), a).toBe(true);
    }
    // An async endpoint's permissions are not granted for a config of real-time endpoints only.
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('SageMakerInvokeAsync');
    const sm = (t: string, n: string): string => `arn:aws:sagemaker:us-east-1:123456789012:${t}/${n}`;
    expect(
      isAllowed(policy, {
        action: 'sagemaker:DeleteInferenceComponent',
        resources: [sm('inference-component', 'iamtest-chat-llama')],
      }),
    ).toBe(true);
    expect(
      isAllowed(policy, {
        action: 'sagemaker:DeleteInferenceComponent',
        resources: [sm('inference-component', 'prod-chat-llama')],
      }),
    ).toBe(false);
    expect(
      isAllowed(policy, {
        action: 'sagemaker:CreateInferenceComponent',
        resources: [sm('inference-component', 'iamtest-chat-llama')],
      }),
    ).toBe(false); // without the ownership tags
  });
});

function bucketKey(uri: string): { Bucket: string; Key: string } {
  const { bucket, key } = parseS3Uri(uri);
  return { Bucket: bucket, Key: key };
}
