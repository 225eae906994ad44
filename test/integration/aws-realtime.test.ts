// Contract test of the AWS provider's real-time calls (issue 15) against moto, through the real SDK
// clients and wire protocols. moto 5.2 has no inference components and rejects a variant without a
// model, so test/support/moto_server.py stubs those calls with AWS's documented shapes; where the stub
// (or moto) differs from AWS the test says so next to the assertion.
import { randomUUID } from 'node:crypto';
import {
  CreateInferenceComponentCommand,
  SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import {
  ApiCallCounter,
  CloudError,
  componentResourceId,
  NO_CAPACITY_ERROR,
  type Cloud,
  type InferenceComponentSpec,
  type RealtimeEndpointConfigSpec,
  type StepScalingPolicySpec,
  type TargetTrackingPolicySpec,
} from '../../src/cloud/types.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'us-east-1';
const run = randomUUID().slice(0, 8);
const prefix = `szrt-${run}`;
const role = 'arn:aws:iam::123456789012:role/sagezero-test';
const owner = {
  'sagezero:managed-by': 'sagezero',
  'sagezero:project': 'it',
  'sagezero:endpoint': `${prefix}-ep`,
};

const counter = new ApiCallCounter();
let cloud: Cloud;

const endpointName = `${prefix}-ep`;
const config: RealtimeEndpointConfigSpec = {
  kind: 'realtime',
  name: `${prefix}-cfg`,
  variantName: 'AllTraffic',
  instanceType: 'ml.g4dn.xlarge',
  initialInstanceCount: 1,
  executionRoleArn: role,
  managedScaling: {
    minInstanceCount: 0,
    maxInstanceCount: 2,
    scaleIn: { strategy: 'IDLE_RELEASE', cooldownMinutes: 30, maximumStepSize: 1 },
  },
  routingStrategy: 'LEAST_OUTSTANDING_REQUESTS',
  tags: owner,
};
const component: InferenceComponentSpec = {
  name: `${prefix}-llm`,
  endpointName,
  variantName: 'AllTraffic',
  modelName: `${prefix}-model-a`,
  acceleratorsPerCopy: 1,
  memoryMbPerCopy: 8192,
  copyCount: 1,
  tags: owner,
};

beforeAll(async () => {
  cloud = createAwsCloud({ region, endpoint, credentials, observer: counter });
  for (const name of [`${prefix}-model-a`, `${prefix}-model-b`]) {
    await cloud.createModel({
      name,
      image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0',
      environment: {},
      executionRoleArn: role,
      tags: owner,
    });
  }
});

/** The port has no UpdateInferenceComponentRuntimeConfig (copies belong to the scaling policy). */
async function setCopies(name: string, count: number): Promise<void> {
  const sm = new SageMakerClient({ region, endpoint, credentials });
  await sm.send(
    new UpdateInferenceComponentRuntimeConfigCommand({
      InferenceComponentName: name,
      DesiredRuntimeConfig: { CopyCount: count },
    }),
  );
}

describe('AwsCloud real-time endpoints against moto (+ stub)', () => {
  it('creates a model-less endpoint config with managed instance scaling and reads every field back', async () => {
    const created = await cloud.createEndpointConfig(config);
    expect(created).toEqual({
      ...config,
      arn: expect.stringContaining(`endpoint-config/${config.name}`),
      createdAt: expect.any(Number),
    });
    expect(await cloud.getEndpointConfig(config.name)).toEqual(created);
    // moto overwrites an endpoint config created twice (AWS refuses the second create, and the
    // provider then adopts an equal config: sagemaker-mappers.test.ts pins that it reads back equal).
  });

  it('creates an inference component on the endpoint and reads it back', async () => {
    await cloud.createEndpoint(endpointName, config.name, owner);
    const created = await cloud.createInferenceComponent(component);
    // moto + stub: InService at once with every copy placed (AWS: Creating for minutes).
    expect(created).toEqual({
      ...component,
      arn: expect.stringContaining(`inference-component/${component.name}`),
      status: 'InService',
      currentCopyCount: 1,
      desiredCopyCount: 1,
      createdAt: expect.any(Number),
      lastModifiedAt: expect.any(Number),
    });
    expect(await cloud.getInferenceComponent(component.name)).toEqual(created);
    expect(await cloud.getInferenceComponent(`${prefix}-nope`)).toBeUndefined();
  });

  it('adopts its own component on a repeated create and refuses one that differs or is not its own', async () => {
    const again = await cloud.createInferenceComponent(component);
    expect(again.name).toBe(component.name);
    const other = await cloud
      .createInferenceComponent({ ...component, modelName: `${prefix}-model-b` })
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'ResourceExists', operation: 'CreateInferenceComponent' });
    expect((other as CloudError).message).toContain('different model');
    const foreign = await cloud
      .createInferenceComponent({ ...component, tags: { ...owner, 'sagezero:project': 'someone-else' } })
      .catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: 'ResourceExists' });
    // Failures other than "exists" keep AWS's code and name the component.
    const missingModel = await cloud
      .createInferenceComponent({ ...component, name: `${prefix}-orphan`, modelName: `${prefix}-missing` })
      .catch((e: unknown) => e);
    expect(missingModel).toMatchObject({ code: 'ValidationException', retryable: false });
    expect((missingModel as CloudError).message).toContain(`inference component "${prefix}-orphan"`);
  });

  it('lists components by endpoint across pages, and all of them without one', async () => {
    const extra = Array.from({ length: 100 }, (_, i) => `${prefix}-c${String(i).padStart(3, '0')}`);
    // Created with the SDK directly: one call each instead of the provider's create, describe and tags.
    const sm = new SageMakerClient({ region, endpoint, credentials });
    for (let i = 0; i < extra.length; i += 20) {
      await Promise.all(
        extra.slice(i, i + 20).map((name) =>
          sm.send(
            new CreateInferenceComponentCommand({
              InferenceComponentName: name,
              EndpointName: endpointName,
              VariantName: 'AllTraffic',
              Specification: {
                ModelName: component.modelName,
                ComputeResourceRequirements: { MinMemoryRequiredInMb: 1024 },
              },
              RuntimeConfig: { CopyCount: 1 },
            }),
          ),
        ),
      );
    }
    const before = counter.calls.filter((c) => c.operation === 'ListInferenceComponents').length;
    const listed = await cloud.listInferenceComponents(endpointName);
    // 101 components at MaxResults 100: two pages.
    expect(counter.calls.filter((c) => c.operation === 'ListInferenceComponents').length - before).toBe(2);
    expect(listed.map((c) => c.name)).toEqual([...extra, component.name].sort());
    expect(listed.find((c) => c.name === component.name)).toEqual({
      name: component.name,
      arn: expect.stringContaining(`inference-component/${component.name}`),
      endpointName,
      status: 'InService',
    });
    expect(await cloud.listInferenceComponents(`${prefix}-other-ep`)).toEqual([]);
    const all = await cloud.listInferenceComponents();
    expect(all.filter((c) => c.name.startsWith(prefix))).toHaveLength(101);
    for (let i = 0; i < extra.length; i += 20)
      await Promise.all(extra.slice(i, i + 20).map((name) => cloud.deleteInferenceComponent(name)));
    expect((await cloud.listInferenceComponents(endpointName)).map((c) => c.name)).toEqual([component.name]);
  });

  it('updates the model and size per copy in place, leaving the copy count alone', async () => {
    await cloud.updateInferenceComponent(component.name, {
      modelName: `${prefix}-model-b`,
      acceleratorsPerCopy: 2,
      memoryMbPerCopy: 16384,
      cpuCoresPerCopy: 4,
    });
    expect(await cloud.getInferenceComponent(component.name)).toMatchObject({
      modelName: `${prefix}-model-b`,
      acceleratorsPerCopy: 2,
      memoryMbPerCopy: 16384,
      cpuCoresPerCopy: 4,
      copyCount: 1,
      currentCopyCount: 1,
    });
    const err = await cloud
      .updateInferenceComponent(`${prefix}-nope`, {
        modelName: 'm',
        acceleratorsPerCopy: 1,
        memoryMbPerCopy: 1,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ValidationException', operation: 'UpdateInferenceComponent' });
  });

  it('invokes the component; at zero copies the answer is a retryable NoCapacity', async () => {
    const ok = await cloud.invokeEndpoint({
      endpointName,
      inferenceComponentName: component.name,
      body: '{"inputs":"ping"}',
      contentType: 'application/json',
    });
    // moto's canned real-time answer.
    expect(new TextDecoder().decode(ok.body)).toBe('body');

    await setCopies(component.name, 0);
    expect(await cloud.getInferenceComponent(component.name)).toMatchObject({
      currentCopyCount: 0,
      desiredCopyCount: 0,
    });
    const cold = await cloud
      .invokeEndpoint({ endpointName, inferenceComponentName: component.name, body: '{}' })
      .catch((e: unknown) => e);
    expect(cold).toBeInstanceOf(CloudError);
    expect(cold).toMatchObject({ code: NO_CAPACITY_ERROR, retryable: true, operation: 'InvokeEndpoint' });
    expect((cold as CloudError).message).toContain(`inference component "${component.name}"`);
    // AWS's own words are kept for the person reading the log.
    expect((cold as CloudError).message).toContain(
      'Inference Component has no capacity to process this request',
    );

    // Another ValidationError is not a wake: not retryable, AWS's code kept.
    const missing = await cloud
      .invokeEndpoint({ endpointName, inferenceComponentName: `${prefix}-nope`, body: '{}' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ValidationError', retryable: false, operation: 'InvokeEndpoint' });
    await setCopies(component.name, 1);
  });

  describe('Application Auto Scaling on inference-component/<name>', () => {
    const resourceId = componentResourceId(component.name);
    const target: TargetTrackingPolicySpec = {
      type: 'TargetTracking',
      policyName: `sagezero-${component.name}-concurrency`,
      resourceId,
      targetValue: 5,
      // A predefined metric (empty namespace, no dimensions): PredefinedMetricSpecification on the wire.
      metricName: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
      namespace: '',
      dimensions: [],
      statistic: 'Average',
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 60,
      disableScaleIn: false,
    };
    const wake: StepScalingPolicySpec = {
      type: 'StepScaling',
      policyName: `sagezero-${component.name}-wake`,
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: 60,
      metricAggregationType: 'Maximum',
    };

    it('registers the copy-count target, puts policies and a schedule, reads them back, removes them', async () => {
      await cloud.registerScalableTarget({ resourceId, minCapacity: 0, maxCapacity: 4, tags: owner });
      // moto keeps no tags on scalable targets (see aws-cloud.test.ts); AWS returns them.
      expect(await cloud.getScalableTarget(resourceId)).toMatchObject({
        resourceId,
        minCapacity: 0,
        maxCapacity: 4,
      });
      const targetArn = await cloud.putScalingPolicy(target);
      const wakeArn = await cloud.putScalingPolicy(wake);
      const policies = await cloud.listScalingPolicies(resourceId);
      expect(policies.sort((a, b) => a.policyName.localeCompare(b.policyName))).toEqual([
        { ...target, policyArn: targetArn, alarmNames: [] },
        { ...wake, policyArn: wakeArn, alarmNames: [] },
      ]);
      const action = {
        name: `sagezero-${component.name}-warm`,
        resourceId,
        schedule: 'cron(0 8 ? * MON-FRI *)',
        minCapacity: 1,
      };
      await cloud.putScheduledAction(action);
      expect(await cloud.listScheduledActions(resourceId)).toEqual([{ ...action, arn: expect.any(String) }]);

      await cloud.deleteScheduledAction(resourceId, action.name);
      await cloud.deleteScalingPolicy(resourceId, target.policyName);
      await cloud.deleteScalingPolicy(resourceId, wake.policyName);
      await cloud.deregisterScalableTarget(resourceId);
      expect(await cloud.listScalingPolicies(resourceId)).toEqual([]);
      expect(await cloud.getScalableTarget(resourceId)).toBeUndefined();
    });
  });

  it('deletes the component before the endpoint; getters then answer undefined, deleting again is harmless', async () => {
    await cloud.deleteInferenceComponent(component.name);
    expect(await cloud.getInferenceComponent(component.name)).toBeUndefined();
    await expect(cloud.deleteInferenceComponent(component.name)).resolves.toBeUndefined();
    await cloud.deleteEndpoint(endpointName);
    await cloud.deleteEndpointConfig(config.name);
    for (const m of [`${prefix}-model-a`, `${prefix}-model-b`]) await cloud.deleteModel(m);
    expect(await cloud.listInferenceComponents(endpointName)).toEqual([]);
  });

  it('reported the new operations to the observer with the right mutating flag', () => {
    // Hand-written, not derived from isMutatingOperation.
    const expected: Record<string, boolean> = {
      CreateInferenceComponent: true,
      DescribeInferenceComponent: false,
      UpdateInferenceComponent: true,
      DeleteInferenceComponent: true,
      ListInferenceComponents: false,
      InvokeEndpoint: true,
    };
    for (const [operation, mutating] of Object.entries(expected)) {
      const calls = counter.calls.filter((c) => c.operation === operation);
      expect(calls.length, operation).toBeGreaterThan(0);
      for (const c of calls) expect(c.mutating, operation).toBe(mutating);
    }
    // A describe of a missing component (asked on purpose) is an answer, not an API error ...
    expect(counter.calls).toContainEqual({
      service: 'sagemaker',
      operation: 'DescribeInferenceComponent',
      mutating: false,
      ok: true,
    });
    // ... and the no-capacity answer is reported as the runtime's error.
    expect(counter.calls).toContainEqual(
      expect.objectContaining({ service: 'sagemaker-runtime', operation: 'InvokeEndpoint', ok: false }),
    );
  });
});
