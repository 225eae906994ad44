// Real-time endpoint configs and inference components: the AWS shapes sagezero writes and reads.
import type { ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import { describe, expect, it } from 'vitest';
import type {
  DescribeEndpointConfigOutput,
  DescribeInferenceComponentOutput,
} from '@aws-sdk/client-sagemaker';
import { NO_CAPACITY_ERROR, type InferenceComponentSpec, type RealtimeEndpointConfigSpec } from '../types.js';
import {
  fromScalingActivity,
  fromScalingPolicy,
  toPutScalingPolicyInput,
  toPutScheduledActionInput,
} from './autoscaling-mappers.js';
import {
  fromDescribeInferenceComponent,
  fromInferenceComponentSummary,
  toCreateInferenceComponentInput,
  toUpdateInferenceComponentInput,
} from './inference-component-mappers.js';
import { isNoCapacity, noCapacityError, scaleToZeroRefusal } from './realtime-errors.js';
import { endpointConfigDifferences } from './sagemaker.js';
import { fromDescribeEndpointConfig, toCreateEndpointConfigInput } from './sagemaker-mappers.js';

const role = 'arn:aws:iam::123456789012:role/sm';
const config: RealtimeEndpointConfigSpec = {
  kind: 'realtime',
  name: 'chat-3f9a0c1d2e',
  variantName: 'AllTraffic',
  instanceType: 'ml.g5.2xlarge',
  initialInstanceCount: 1,
  executionRoleArn: role,
  managedScaling: {
    minInstanceCount: 0,
    maxInstanceCount: 3,
    scaleIn: { strategy: 'IDLE_RELEASE', cooldownMinutes: 30 },
  },
  routingStrategy: 'LEAST_OUTSTANDING_REQUESTS',
  tags: { 'sagezero:managed-by': 'sagezero' },
};

/** What DescribeEndpointConfig answers for a config created from `input` (AWS echoes what it kept). */
function described(spec: RealtimeEndpointConfigSpec, extra: Partial<DescribeEndpointConfigOutput> = {}) {
  const input = toCreateEndpointConfigInput(spec);
  return {
    EndpointConfigName: input.EndpointConfigName,
    EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${spec.name}`,
    ProductionVariants: input.ProductionVariants,
    ExecutionRoleArn: input.ExecutionRoleArn,
    CreationTime: new Date(1_000),
    ...extra,
  } as DescribeEndpointConfigOutput;
}

describe('real-time endpoint config mapping', () => {
  it('writes a variant without a model, with managed instance scaling, routing and the role', () => {
    expect(toCreateEndpointConfigInput(config)).toEqual({
      EndpointConfigName: 'chat-3f9a0c1d2e',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          InstanceType: 'ml.g5.2xlarge',
          InitialInstanceCount: 1,
          ManagedInstanceScaling: {
            Status: 'ENABLED',
            MinInstanceCount: 0,
            MaxInstanceCount: 3,
            ScaleInPolicy: { Strategy: 'IDLE_RELEASE', CooldownInMinutes: 30 },
          },
          RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        },
      ],
      ExecutionRoleArn: role,
      Tags: [{ Key: 'sagezero:managed-by', Value: 'sagezero' }],
    });
    // No AsyncInferenceConfig, and no ModelName key at all (AWS reads a present key as a model).
    const input = toCreateEndpointConfigInput(config);
    expect(input.AsyncInferenceConfig).toBeUndefined();
    expect(Object.keys(input.ProductionVariants?.[0] ?? {})).not.toContain('ModelName');
  });

  it('reads every field back to the spec it came from', () => {
    expect(fromDescribeEndpointConfig(described(config), config.tags)).toEqual({
      ...config,
      arn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${config.name}`,
      createdAt: 1_000,
    });
    const classic: RealtimeEndpointConfigSpec = {
      kind: 'realtime',
      name: 'classic',
      modelName: 'm',
      variantName: 'AllTraffic',
      instanceType: 'ml.m5.large',
      initialInstanceCount: 2,
      tags: {},
    };
    expect(fromDescribeEndpointConfig(described(classic), {})).toEqual({
      ...classic,
      arn: expect.any(String),
      createdAt: 1_000,
    });
  });

  it('compares equal to an unchanged spec, also when AWS fills in the scale-in defaults', () => {
    const withDefaults = described(config);
    const v = withDefaults.ProductionVariants?.[0];
    if (!v?.ManagedInstanceScaling?.ScaleInPolicy) throw new Error('fixture');
    v.ManagedInstanceScaling.ScaleInPolicy.MaximumStepSize = 1;
    const state = fromDescribeEndpointConfig(withDefaults, config.tags);
    expect(endpointConfigDifferences(config, state)).toEqual([]);
    expect(
      endpointConfigDifferences(
        { ...config, executionRoleArn: 'arn:aws:iam::123456789012:role/other' },
        state,
      ),
    ).toEqual(['execution role']);
    expect(
      endpointConfigDifferences(
        { ...config, managedScaling: { minInstanceCount: 1, maxInstanceCount: 3 } },
        state,
      ),
    ).toEqual(['production variant']);
  });

  it('reads managed scaling that is DISABLED as none, and a routing strategy it has no words for as none', () => {
    const out = described(config);
    const v = out.ProductionVariants?.[0];
    if (!v) throw new Error('fixture');
    v.ManagedInstanceScaling = { Status: 'DISABLED', MinInstanceCount: 1, MaxInstanceCount: 1 };
    v.RoutingConfig = { RoutingStrategy: 'PREFIX_AWARE' };
    const state = fromDescribeEndpointConfig(out, {});
    expect(state).not.toHaveProperty('managedScaling');
    expect(state).not.toHaveProperty('routingStrategy');
  });
});

const component: InferenceComponentSpec = {
  name: 'chat-llm',
  endpointName: 'chat',
  variantName: 'AllTraffic',
  modelName: 'chat-llm-0a1b2c3d4e',
  acceleratorsPerCopy: 1,
  memoryMbPerCopy: 8192,
  copyCount: 1,
  tags: { owner: 'sagezero' },
};

describe('inference component mapping', () => {
  it('writes the model, the resources per copy and the copy count', () => {
    expect(toCreateInferenceComponentInput(component)).toEqual({
      InferenceComponentName: 'chat-llm',
      EndpointName: 'chat',
      VariantName: 'AllTraffic',
      Specification: {
        ModelName: 'chat-llm-0a1b2c3d4e',
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 8192 },
      },
      RuntimeConfig: { CopyCount: 1 },
      Tags: [{ Key: 'owner', Value: 'sagezero' }],
    });
  });

  it('asks for no accelerators on a CPU model, and sends CPU cores when given', () => {
    const input = toUpdateInferenceComponentInput('chat-llm', {
      modelName: 'm2',
      acceleratorsPerCopy: 0,
      memoryMbPerCopy: 2048,
      cpuCoresPerCopy: 2,
    });
    expect(input).toEqual({
      InferenceComponentName: 'chat-llm',
      Specification: {
        ModelName: 'm2',
        ComputeResourceRequirements: { MinMemoryRequiredInMb: 2048, NumberOfCpuCoresRequired: 2 },
      },
    });
    // The copy count is the scaling policy's: an update never sends one.
    expect(input.RuntimeConfig).toBeUndefined();
  });

  it('reads a description back: the desired count is the spec count, current and desired as reported', () => {
    const out: DescribeInferenceComponentOutput = {
      InferenceComponentName: 'chat-llm',
      InferenceComponentArn: 'arn:aws:sagemaker:us-east-1:123456789012:inference-component/chat-llm',
      EndpointName: 'chat',
      EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/chat',
      VariantName: 'AllTraffic',
      Specification: {
        ModelName: 'chat-llm-0a1b2c3d4e',
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 8192 },
      },
      RuntimeConfig: { DesiredCopyCount: 1, CurrentCopyCount: 0 },
      InferenceComponentStatus: 'InService',
      CreationTime: new Date(1_000),
      LastModifiedTime: new Date(2_000),
    };
    expect(fromDescribeInferenceComponent(out, component.tags)).toEqual({
      ...component,
      arn: out.InferenceComponentArn,
      status: 'InService',
      currentCopyCount: 0,
      desiredCopyCount: 1,
      createdAt: 1_000,
      lastModifiedAt: 2_000,
    });
    // A status newer than this code: wait rather than act.
    expect(
      fromDescribeInferenceComponent({ ...out, InferenceComponentStatus: 'Paused' as never }, {}).status,
    ).toBe('Updating');
    expect(
      fromInferenceComponentSummary({
        InferenceComponentName: 'chat-llm',
        InferenceComponentArn: out.InferenceComponentArn,
        EndpointName: 'chat',
        EndpointArn: out.EndpointArn,
        VariantName: 'AllTraffic',
        InferenceComponentStatus: 'Creating',
        CreationTime: new Date(0),
        LastModifiedTime: new Date(0),
      }),
    ).toEqual({ name: 'chat-llm', arn: out.InferenceComponentArn, endpointName: 'chat', status: 'Creating' });
  });
});

describe('scaling an inference component', () => {
  const resourceId = 'inference-component/chat-llm';
  it('puts policies and scheduled actions on the copy-count dimension', () => {
    const policy = toPutScalingPolicyInput({
      type: 'StepScaling',
      policyName: 'wake',
      resourceId,
      adjustmentType: 'ChangeInCapacity',
      stepAdjustments: [{ lowerBound: 0, scalingAdjustment: 1 }],
      cooldownSeconds: 60,
      metricAggregationType: 'Maximum',
    });
    expect(policy.ScalableDimension).toBe('sagemaker:inference-component:DesiredCopyCount');
    expect(
      toPutScheduledActionInput({ name: 'warm', resourceId, schedule: 'cron(0 8 * * ? *)', minCapacity: 1 })
        .ScalableDimension,
    ).toBe('sagemaker:inference-component:DesiredCopyCount');
  });

  it('writes a predefined metric (empty namespace) as PredefinedMetricSpecification and reads it back equal', () => {
    const spec = {
      type: 'TargetTracking' as const,
      policyName: 'concurrency',
      resourceId,
      targetValue: 5,
      metricName: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
      namespace: '',
      dimensions: [],
      statistic: 'Average' as const,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 300,
      disableScaleIn: false,
    };
    const input = toPutScalingPolicyInput(spec);
    expect(input.TargetTrackingScalingPolicyConfiguration).toEqual({
      TargetValue: 5,
      PredefinedMetricSpecification: {
        PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
      },
      ScaleInCooldown: 300,
      ScaleOutCooldown: 300,
      DisableScaleIn: false,
    });
    // DescribeScalingPolicies answers with what was put, plus the ARN and creation time.
    const described = { ...input, PolicyARN: 'arn:p', CreationTime: new Date(0) } as ScalingPolicy;
    expect(fromScalingPolicy(described)).toEqual({
      ...spec,
      policyArn: 'arn:p',
      alarmNames: [],
    });
  });

  it('reads the desired copy count from a component activity', () => {
    const a = fromScalingActivity({
      ActivityId: 'a1',
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      Description: 'Setting desired copy count to 1.',
      Cause: 'monitor alarm wake in state ALARM triggered policy wake',
      StartTime: new Date(5_000),
      StatusCode: 'InProgress',
    });
    expect(a).toMatchObject({ resourceId, desiredCapacity: 1, statusCode: 'InProgress' });
  });
});

/** An SDK error as the clients throw them: a name, a message, a fault. */
function sdkError(name: string, message: string) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const NO_CAPACITY_MESSAGE =
  'Inference Component has no capacity to process this request. ApplicationAutoScaling may be in-progress ' +
  '(if configured) or try to increase the capacity by invoking UpdateInferenceComponentRuntimeConfig API.';

describe('real-time errors', () => {
  it("recognises AWS's no-capacity answer and only that", () => {
    expect(isNoCapacity(sdkError('ValidationError', NO_CAPACITY_MESSAGE))).toBe(true);
    expect(isNoCapacity(sdkError('ValidationError', 'Inference component x not found.'))).toBe(false);
    expect(isNoCapacity(sdkError('ModelError', NO_CAPACITY_MESSAGE))).toBe(false);
    const e = noCapacityError('chat', 'chat-llm', sdkError('ValidationError', NO_CAPACITY_MESSAGE), []);
    expect(e).toMatchObject({ code: NO_CAPACITY_ERROR, retryable: true, operation: 'InvokeEndpoint' });
    expect(e.message).toContain('inference component "chat-llm" of endpoint "chat"');
  });

  it('names the region when AWS refuses MinInstanceCount 0, and leaves other refusals alone', () => {
    const refusal = sdkError('ValidationException', 'MinInstanceCount 0 is not supported in this region.');
    const e = scaleToZeroRefusal(refusal, config, 'eu-west-3', []);
    expect(e).toMatchObject({ code: 'ScaleToZeroNotSupportedInRegion', retryable: false });
    expect(e?.message).toContain('region eu-west-3 refused scale to zero for real-time endpoints');
    expect(e?.message).toContain('MinInstanceCount 0 is not supported in this region.');
    // The same words for a config that does not ask for zero are not about scale to zero.
    const min1 = { ...config, managedScaling: { minInstanceCount: 1, maxInstanceCount: 3 } };
    expect(scaleToZeroRefusal(refusal, min1, 'eu-west-3', [])).toBeUndefined();
    expect(
      scaleToZeroRefusal(
        sdkError('ValidationException', 'Could not find model "m".'),
        config,
        'eu-west-3',
        [],
      ),
    ).toBeUndefined();
  });
});
