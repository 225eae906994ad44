// Contract test of the AWS provider against moto: every port method, through the real SDK clients
// and wire protocols. Where moto differs from AWS the test says so next to the assertion.
import { randomUUID } from 'node:crypto';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import {
  ApiCallCounter,
  CloudError,
  scalableResourceId,
  type AlarmSpec,
  type Cloud,
  type EndpointConfigSpec,
  type ModelSpec,
  type StepScalingPolicySpec,
  type TargetTrackingPolicySpec,
} from '../../src/cloud/types.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'us-east-1';
const run = randomUUID().slice(0, 8);
const prefix = `szaws-${run}`;
const bucket = `sagezero-aws-it-${run}`;
const role = 'arn:aws:iam::123456789012:role/sagezero-test';
const instanceType = 'ml.g4dn.xlarge';

const counter = new ApiCallCounter();
let cloud: Cloud;

/** Hand-written, not derived from isMutatingOperation: what each operation really does. */
const EXPECTED_MUTATING: Record<string, boolean> = {
  GetCallerIdentity: false,
  CreateModel: true,
  DescribeModel: false,
  ListTags: false,
  ListModels: false,
  DeleteModel: true,
  CreateEndpointConfig: true,
  DescribeEndpointConfig: false,
  ListEndpointConfigs: false,
  DeleteEndpointConfig: true,
  CreateEndpoint: true,
  DescribeEndpoint: false,
  ListEndpoints: false,
  UpdateEndpoint: true,
  UpdateEndpointWeightsAndCapacities: true,
  DeleteEndpoint: true,
  RegisterScalableTarget: true,
  DescribeScalableTargets: false,
  DeregisterScalableTarget: true,
  ListTagsForResource: false,
  TagResource: true,
  PutScalingPolicy: true,
  DescribeScalingPolicies: false,
  DeleteScalingPolicy: true,
  PutScheduledAction: true,
  DescribeScheduledActions: false,
  DeleteScheduledAction: true,
  DescribeScalingActivities: false,
  PutMetricAlarm: true,
  DescribeAlarms: false,
  DeleteAlarms: true,
  GetMetricData: false,
  PutObject: true,
  GetObject: false,
  DeleteObject: true,
  InvokeEndpointAsync: true,
};

function model(name: string, extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name,
    image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0',
    modelDataUrl: `s3://${bucket}/models/${name}/model.tar.gz`,
    environment: { HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: '1' },
    executionRoleArn: role,
    tags: { 'sagezero:owner': 'it', 'sagezero:run': run },
    ...extra,
  };
}

beforeAll(async () => {
  cloud = createAwsCloud({ region, endpoint, credentials, observer: counter });
  // The port has no CreateBucket (sagezero never creates buckets), so the test makes its own.
  const s3 = new S3Client({ region, endpoint, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

describe('AwsCloud against moto', () => {
  it('reads the account id once and caches it', async () => {
    const before = counter.calls.filter((c) => c.operation === 'GetCallerIdentity').length;
    // moto's fixed account.
    expect(await cloud.accountId()).toBe('123456789012');
    expect(await cloud.accountId()).toBe('123456789012');
    const calls = counter.calls.filter((c) => c.operation === 'GetCallerIdentity');
    expect(calls.length - before).toBe(1);
    expect(calls.at(-1)).toEqual({
      service: 'sts',
      operation: 'GetCallerIdentity',
      mutating: false,
      ok: true,
    });
  });

  describe('SageMaker hosting', () => {
    const gz = model(`${prefix}-gz`);
    const raw = model(`${prefix}-raw`, {
      modelDataUrl: `s3://${bucket}/models/${prefix}-raw/`,
      modelDataCompressed: false,
      environment: {},
    });
    const config: EndpointConfigSpec = {
      name: `${prefix}-cfg`,
      modelName: gz.name,
      variantName: 'AllTraffic',
      instanceType,
      initialInstanceCount: 1,
      async: {
        outputPath: `s3://${bucket}/async-out/${prefix}`,
        failurePath: `s3://${bucket}/async-fail/${prefix}`,
        kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        maxConcurrentInvocationsPerInstance: 4,
        successTopic: 'arn:aws:sns:us-east-1:123456789012:sz-success',
        errorTopic: 'arn:aws:sns:us-east-1:123456789012:sz-error',
      },
      tags: { 'sagezero:owner': 'it' },
    };
    const endpointName = `${prefix}-ep`;

    it('creates models and reads them back with their tags', async () => {
      const created = await cloud.createModel(gz);
      expect(created).toEqual({
        ...gz,
        arn: expect.stringContaining(`model/${gz.name}`),
        createdAt: expect.any(Number),
      });
      expect(await cloud.getModel(gz.name)).toEqual(created);

      // Uncompressed weights go through ModelDataSource and come back flagged as such.
      await cloud.createModel(raw);
      expect(await cloud.getModel(raw.name)).toMatchObject({
        modelDataUrl: raw.modelDataUrl,
        modelDataCompressed: false,
        environment: {},
        tags: raw.tags,
      });
    });

    it('lists models by prefix, not by substring', async () => {
      // Contains the prefix but does not start with it: NameContains would return it.
      await cloud.createModel(model(`x${prefix}-decoy`));
      expect(await cloud.listModels(prefix)).toEqual([gz.name, raw.name].sort());
    });

    it('answers undefined for a missing model, and a CloudError naming the call for other failures', async () => {
      expect(await cloud.getModel(`${prefix}-nope`)).toBeUndefined();
      // The "Could not find model" here is about the config's model: not a getter's not-found.
      const bad = { ...config, name: `${prefix}-badcfg`, modelName: `${prefix}-missing-model` };
      const err = await cloud.createEndpointConfig(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudError);
      expect(err).toMatchObject({
        code: 'ValidationException',
        retryable: false,
        operation: 'CreateEndpointConfig',
      });
      expect((err as CloudError).message).toContain(`endpoint configuration "${bad.name}"`);
      expect((err as CloudError).message).not.toContain('testing:');
    });

    it('creates an async endpoint config and reads every field back', async () => {
      const created = await cloud.createEndpointConfig(config);
      expect(created).toEqual({
        ...config,
        arn: expect.stringContaining(`endpoint-config/${config.name}`),
        createdAt: expect.any(Number),
      });
      expect(await cloud.getEndpointConfig(config.name)).toEqual(created);
      await cloud.createEndpointConfig({
        ...config,
        name: `${prefix}-cfg2`,
        async: { outputPath: config.async.outputPath },
      });
      expect(await cloud.getEndpointConfig(`${prefix}-cfg2`)).toMatchObject({
        async: { outputPath: config.async.outputPath },
      });
      const cfg2 = await cloud.getEndpointConfig(`${prefix}-cfg2`);
      expect(cfg2 && 'async' in cfg2 ? cfg2.async : undefined).toEqual({
        outputPath: config.async.outputPath,
      });
      expect(await cloud.listEndpointConfigs(prefix)).toEqual([config.name, `${prefix}-cfg2`].sort());
      expect(await cloud.getEndpointConfig(`${prefix}-nope`)).toBeUndefined();
    });

    it('creates an endpoint, lists it and sets its desired instance count', async () => {
      const tags = { 'sagezero:owner': 'it', 'sagezero:endpoint': endpointName };
      const created = await cloud.createEndpoint(endpointName, config.name, tags);
      // moto: endpoints are InService at once (AWS: Creating for minutes).
      expect(created).toMatchObject({
        name: endpointName,
        status: 'InService',
        configName: config.name,
        tags,
        variants: [{ variantName: 'AllTraffic', currentInstanceCount: 1, desiredInstanceCount: 1 }],
      });
      expect(created.arn).toContain(`endpoint/${endpointName}`);
      expect(await cloud.getEndpoint(`${prefix}-nope`)).toBeUndefined();

      const listed = await cloud.listEndpoints();
      expect(listed).toContainEqual({ name: endpointName, arn: created.arn, status: 'InService' });

      await cloud.setDesiredInstanceCount(endpointName, 'AllTraffic', 0);
      const scaled = await cloud.getEndpoint(endpointName);
      // moto moves current with desired at once and leaves the endpoint "Updating".
      expect(scaled?.variants).toEqual([
        { variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 0 },
      ]);
    });

    it('updates the endpoint to another config', async () => {
      // moto 5.2 lacks UpdateEndpoint; test/support/moto_server.py adds it (switch config, InService).
      await cloud.updateEndpoint(endpointName, `${prefix}-cfg2`);
      const updated = await cloud.getEndpoint(endpointName);
      expect(updated).toMatchObject({
        name: endpointName,
        configName: `${prefix}-cfg2`,
        status: 'InService',
      });
      expect(counter.calls.filter((c) => c.operation === 'UpdateEndpoint')).toEqual([
        { service: 'sagemaker', operation: 'UpdateEndpoint', mutating: true, ok: true },
      ]);
      const err = await cloud.updateEndpoint(`${prefix}-nope`, `${prefix}-cfg2`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudError);
      expect(err).toMatchObject({
        operation: 'UpdateEndpoint',
        code: 'ValidationException',
        retryable: false,
      });
      expect((err as CloudError).message).toContain(`endpoint "${prefix}-nope"`);
    });

    it('invokes the endpoint asynchronously and the output location holds the result', async () => {
      const input = `s3://${bucket}/probe/${prefix}/input.json`;
      await cloud.putObject(input, '{"inputs":"ping"}', 'application/json');
      const result = await cloud.invokeEndpointAsync({
        endpointName,
        inputLocation: input,
        inferenceId: `${prefix}-probe-1`,
        contentType: 'application/json',
        requestTtlSeconds: 600,
        invocationTimeoutSeconds: 900,
      });
      expect(result.inferenceId).toBe(`${prefix}-probe-1`);
      expect(result.outputLocation).toMatch(/^s3:\/\/[^/]+\/.+/);
      // moto writes its canned response where it says the output is.
      const output = await cloud.getObject(result.outputLocation);
      expect(JSON.parse(new TextDecoder().decode(output))).toEqual({ default: 'response' });
    });

    it('deletes everything; getters then answer undefined and deleting again is harmless', async () => {
      await cloud.deleteEndpoint(endpointName);
      await cloud.deleteEndpointConfig(config.name);
      await cloud.deleteEndpointConfig(`${prefix}-cfg2`);
      for (const m of [gz.name, raw.name, `x${prefix}-decoy`]) await cloud.deleteModel(m);
      expect(await cloud.getEndpoint(endpointName)).toBeUndefined();
      expect(await cloud.getEndpointConfig(config.name)).toBeUndefined();
      expect(await cloud.getModel(gz.name)).toBeUndefined();
      expect(await cloud.listModels(prefix)).toEqual([]);
      expect(await cloud.listEndpointConfigs(prefix)).toEqual([]);
      await expect(cloud.deleteModel(gz.name)).resolves.toBeUndefined();
      await expect(cloud.deleteEndpoint(endpointName)).resolves.toBeUndefined();
    });
  });

  describe('scaling: target, policies, alarms, scheduled actions', () => {
    const ep = `${prefix}-scaled`;
    const resourceId = scalableResourceId(ep, 'AllTraffic');
    const tags = { 'sagezero:owner': 'it' };
    const target: TargetTrackingPolicySpec = {
      type: 'TargetTracking',
      policyName: `sagezero-${ep}-backlog-target`,
      resourceId,
      targetValue: 5,
      metricName: 'ApproximateBacklogSizePerInstance',
      namespace: 'AWS/SageMaker',
      dimensions: [{ name: 'EndpointName', value: ep }],
      statistic: 'Average',
      scaleInCooldownSeconds: 600,
      scaleOutCooldownSeconds: 120,
      disableScaleIn: true,
    };
    const wake: StepScalingPolicySpec = {
      type: 'StepScaling',
      policyName: `sagezero-${ep}-wake`,
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [
        { lowerBound: 0, upperBound: 10, scalingAdjustment: 1 },
        { lowerBound: 10, scalingAdjustment: 2 },
      ],
      cooldownSeconds: 120,
      metricAggregationType: 'Maximum',
    };
    let wakeArn = '';

    it('registers a scalable target and reads it back', async () => {
      await cloud.registerScalableTarget({ resourceId, minCapacity: 0, maxCapacity: 3, tags });
      const got = await cloud.getScalableTarget(resourceId);
      // moto keeps no tags on scalable targets and lacks ListTagsForResource/TagResource for
      // Application Auto Scaling (HTML 500): the provider degrades to {} only because a custom
      // endpoint is configured. AWS returns the tags.
      expect(got).toMatchObject({ resourceId, minCapacity: 0, maxCapacity: 3, tags: {} });
      expect(
        await cloud.getScalableTarget(scalableResourceId(`${prefix}-none`, 'AllTraffic')),
      ).toBeUndefined();
    });

    it('puts target-tracking and step policies and lists them back equal', async () => {
      const targetArn = await cloud.putScalingPolicy(target);
      wakeArn = await cloud.putScalingPolicy(wake);
      expect(targetArn).toContain(target.policyName);
      const policies = await cloud.listScalingPolicies(resourceId);
      // moto creates no target-tracking alarms for SageMaker (AWS creates two and lists them here).
      expect(policies.sort((a, b) => a.policyName.localeCompare(b.policyName))).toEqual([
        { ...target, policyArn: targetArn, alarmNames: [] },
        { ...wake, policyArn: wakeArn, alarmNames: [] },
      ]);
    });

    it('puts a single-metric and a metric-math alarm and lists them back equal', async () => {
      const single: AlarmSpec = {
        name: `sagezero-${ep}-wake`,
        description: 'wake from zero',
        metric: {
          namespace: 'AWS/SageMaker',
          metricName: 'HasBacklogWithoutCapacity',
          dimensions: [{ name: 'EndpointName', value: ep }],
          statistic: 'Average',
          periodSeconds: 60,
        },
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'missing',
        alarmActions: [wakeArn],
        tags,
      };
      const math: AlarmSpec = {
        name: `sagezero-${ep}-idle`,
        metrics: [
          {
            id: 'backlog',
            metric: {
              namespace: 'AWS/SageMaker',
              metricName: 'ApproximateBacklogSize',
              dimensions: [{ name: 'EndpointName', value: ep }],
              stat: 'Maximum',
              periodSeconds: 60,
            },
            returnData: false,
          },
          {
            id: 'idle',
            expression: 'IF(FILL(backlog, 0) == 0, 1, 0)',
            label: 'idle minute',
            returnData: true,
          },
        ],
        evaluationPeriods: 15,
        datapointsToAlarm: 15,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [wakeArn],
        tags: {},
      };
      await cloud.putAlarm(single);
      await cloud.putAlarm(math);
      // A second put of the same alarm is an update: tags are re-applied, nothing else changes.
      await cloud.putAlarm(single);
      const alarms = await cloud.listAlarms(`sagezero-${ep}-`);
      expect(alarms.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { ...math, arn: expect.stringContaining(`alarm:${math.name}`), stateValue: expect.any(String) },
        { ...single, arn: expect.stringContaining(`alarm:${single.name}`), stateValue: expect.any(String) },
      ]);
      expect(await cloud.listAlarms(`sagezero-${ep}-nothing`)).toEqual([]);
    });

    it('puts a scheduled action and lists it back equal', async () => {
      const action = {
        name: `sagezero-${ep}-keepwarm-0-open`,
        resourceId,
        schedule: 'cron(0 8 ? * MON-FRI *)',
        timezone: 'Europe/Berlin',
        minCapacity: 1,
        maxCapacity: 3,
      };
      await cloud.putScheduledAction(action);
      expect(await cloud.listScheduledActions(resourceId)).toEqual([{ ...action, arn: expect.any(String) }]);
    });

    it('lists scaling activities (moto: none, DescribeScalingActivities is not implemented)', async () => {
      // moto answers an HTML 500; with a custom endpoint the provider reads that as "unsupported by
      // the emulator" and returns no activities. Against AWS the same call pages back to `since`.
      expect(await cloud.listScalingActivities(resourceId, 0)).toEqual([]);
      const calls = counter.calls.filter((c) => c.operation === 'DescribeScalingActivities').length;
      expect(await cloud.listScalingActivities(resourceId, 0)).toEqual([]);
      // The emulator's gap is remembered: no second round of retries.
      expect(counter.calls.filter((c) => c.operation === 'DescribeScalingActivities').length).toBe(calls);
    });

    it('deletes alarms in batches of 100, then policies, action and target', async () => {
      const many = Array.from({ length: 101 }, (_, i) => `sagezero-${ep}-bulk-${String(i).padStart(3, '0')}`);
      for (let i = 0; i < many.length; i += 10) {
        await Promise.all(
          many.slice(i, i + 10).map((name) =>
            cloud.putAlarm({
              name,
              metric: {
                namespace: 'AWS/SageMaker',
                metricName: 'ApproximateBacklogSize',
                dimensions: [{ name: 'EndpointName', value: ep }],
                statistic: 'Average',
                periodSeconds: 60,
              },
              evaluationPeriods: 1,
              datapointsToAlarm: 1,
              threshold: 1,
              comparisonOperator: 'GreaterThanThreshold',
              treatMissingData: 'missing',
              alarmActions: [],
              tags: {},
            }),
          ),
        );
      }
      const deletesBefore = counter.calls.filter((c) => c.operation === 'DeleteAlarms').length;
      await cloud.deleteAlarms([...many, `sagezero-${ep}-wake`, `sagezero-${ep}-idle`]);
      expect(counter.calls.filter((c) => c.operation === 'DeleteAlarms').length - deletesBefore).toBe(2);
      expect(await cloud.listAlarms(`sagezero-${ep}-`)).toEqual([]);

      await cloud.deleteScalingPolicy(resourceId, target.policyName);
      await cloud.deleteScalingPolicy(resourceId, wake.policyName);
      await cloud.deleteScheduledAction(resourceId, `sagezero-${ep}-keepwarm-0-open`);
      await cloud.deregisterScalableTarget(resourceId);
      expect(await cloud.listScalingPolicies(resourceId)).toEqual([]);
      expect(await cloud.listScheduledActions(resourceId)).toEqual([]);
      expect(await cloud.getScalableTarget(resourceId)).toBeUndefined();
      // Already gone: still fine.
      await expect(cloud.deleteScalingPolicy(resourceId, wake.policyName)).resolves.toBeUndefined();
    });
  });

  describe('S3 objects', () => {
    it('puts, gets and deletes an object; a missing key is undefined, a missing bucket an error', async () => {
      const uri = `s3://${bucket}/objects/${prefix}/a.bin`;
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await cloud.putObject(uri, bytes, 'application/octet-stream');
      expect(await cloud.getObject(uri)).toEqual(bytes);
      await cloud.deleteObject(uri);
      expect(await cloud.getObject(uri)).toBeUndefined();
      const err = await cloud.getObject(`s3://${bucket}-missing/x`).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'CloudError', code: 'NoSuchBucket', operation: 'GetObject' });
    });
  });

  describe('metric data', () => {
    // A whole minute well inside CloudWatch's retention, so moto's period buckets line up with it.
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    const namespace = `Sagezero/IT-${run}`;
    const dims = [{ name: 'EndpointName', value: `${prefix}-m` }];

    beforeAll(async () => {
      const cw = new CloudWatchClient({ region, endpoint, credentials });
      // Out of order on purpose: the provider must hand back ascending timestamps.
      await cw.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: [
            [120, 2],
            [0, 3],
            [60, 1],
          ].map(([offset, value]) => ({
            MetricName: 'ApproximateBacklogSize',
            Dimensions: [{ Name: 'EndpointName', Value: `${prefix}-m` }],
            Timestamp: new Date(t0 + (offset ?? 0) * 1000 + 5_000),
            Value: value,
          })),
        }),
      );
    });

    it('returns one ascending series per query, with the caller ids', async () => {
      const series = await cloud.getMetricData(
        [
          {
            id: 'backlog-1',
            namespace,
            metricName: 'ApproximateBacklogSize',
            dimensions: dims,
            stat: 'Maximum',
            periodSeconds: 60,
          },
          {
            id: 'absent',
            namespace,
            metricName: 'NoSuchMetric',
            dimensions: dims,
            stat: 'Sum',
            periodSeconds: 60,
          },
        ],
        t0,
        t0 + 180_000,
      );
      expect(series).toEqual([
        { id: 'backlog-1', timestamps: [t0, t0 + 60_000, t0 + 120_000], values: [3, 1, 2] },
        { id: 'absent', timestamps: [], values: [] },
      ]);
    });

    it('splits more than 500 queries over several calls and merges the answers', async () => {
      const queries = Array.from({ length: 501 }, (_, i) => ({
        id: `q-${i}`,
        namespace,
        metricName: 'ApproximateBacklogSize',
        dimensions: dims,
        stat: 'Sum',
        periodSeconds: 60,
      }));
      const before = counter.calls.filter((c) => c.operation === 'GetMetricData').length;
      const series = await cloud.getMetricData(queries, t0, t0 + 180_000);
      expect(counter.calls.filter((c) => c.operation === 'GetMetricData').length - before).toBe(2);
      expect(series).toHaveLength(501);
      expect(series[500]).toEqual({
        id: 'q-500',
        timestamps: [t0, t0 + 60_000, t0 + 120_000],
        values: [3, 1, 2],
      });
      expect(new Set(series.map((s) => s.values.join(',')))).toEqual(new Set(['3,1,2']));
    });
  });

  describe('configured only through the environment, like every AWS tool', () => {
    const saved = { ...process.env };
    afterAll(() => {
      for (const k of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });

    it('finds moto, credentials and region from AWS_* variables, with path-style S3', async () => {
      process.env.AWS_ENDPOINT_URL = endpoint;
      process.env.AWS_ACCESS_KEY_ID = 'testing';
      process.env.AWS_SECRET_ACCESS_KEY = 'testing';
      process.env.AWS_REGION = region;
      const fromEnv = createAwsCloud({ region: '' });
      expect(fromEnv.region).toBe(region);
      expect(await fromEnv.accountId()).toBe('123456789012');
      const uri = `s3://${bucket}/env/${prefix}.txt`;
      await fromEnv.putObject(uri, 'via env');
      expect(new TextDecoder().decode(await fromEnv.getObject(uri))).toBe('via env');
      // And the same object through the explicitly configured cloud: one moto, one bucket.
      expect(new TextDecoder().decode(await cloud.getObject(uri))).toBe('via env');
      await fromEnv.deleteObject(uri);
    });
  });

  it('reported every call to the observer, with the right mutating flag', () => {
    const seen = new Set(counter.calls.map((c) => c.operation));
    // Every operation the port uses was exercised by the tests above ...
    expect([...seen].sort()).toEqual(Object.keys(EXPECTED_MUTATING).sort());
    // ... and each report carries the flag the operation deserves.
    for (const call of counter.calls) {
      expect(call.mutating, `${call.service}:${call.operation}`).toBe(EXPECTED_MUTATING[call.operation]);
    }
    expect(counter.calls).toContainEqual({
      service: 'sagemaker',
      operation: 'CreateModel',
      mutating: true,
      ok: true,
    });
    // A describe of a missing model (asked on purpose) is an answer, not an API error.
    expect(counter.calls).toContainEqual({
      service: 'sagemaker',
      operation: 'DescribeModel',
      mutating: false,
      ok: true,
    });
    expect(counter.calls.filter((c) => c.operation === 'DescribeModel' && !c.ok)).toEqual([]);
  });
});
