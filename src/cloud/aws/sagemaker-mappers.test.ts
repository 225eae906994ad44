import { describe, expect, it } from 'vitest';
import type { EndpointConfigSpec, ModelSpec } from '../types.js';
import {
  fromDescribeEndpoint,
  fromDescribeEndpointConfig,
  fromDescribeModel,
  toCreateEndpointConfigInput,
  toCreateModelInput,
  toEndpointStatus,
} from './sagemaker-mappers.js';

const model: ModelSpec = {
  name: 'llm-a',
  image: 'img:1',
  modelDataUrl: 's3://b/llm-a/model.tar.gz',
  environment: { A: '1' },
  executionRoleArn: 'arn:aws:iam::1:role/r',
  tags: { owner: 'sagezero' },
};

describe('model mapping', () => {
  it('sends a compressed model as ModelDataUrl with tags as a Key/Value list', () => {
    expect(toCreateModelInput(model)).toEqual({
      ModelName: 'llm-a',
      PrimaryContainer: {
        Image: 'img:1',
        Environment: { A: '1' },
        ModelDataUrl: 's3://b/llm-a/model.tar.gz',
      },
      ExecutionRoleArn: 'arn:aws:iam::1:role/r',
      Tags: [{ Key: 'owner', Value: 'sagezero' }],
    });
  });

  it('sends an uncompressed prefix as ModelDataSource.S3DataSource (S3Prefix, None)', () => {
    const input = toCreateModelInput({
      ...model,
      modelDataUrl: 's3://b/llm-a/',
      modelDataCompressed: false,
      tags: {},
    });
    expect(input.PrimaryContainer?.ModelDataUrl).toBeUndefined();
    expect(input.PrimaryContainer?.ModelDataSource).toEqual({
      S3DataSource: { S3Uri: 's3://b/llm-a/', S3DataType: 'S3Prefix', CompressionType: 'None' },
    });
    expect(input.Tags).toBeUndefined();
  });

  it('sends no model data at all for an image that carries its weights', () => {
    const { modelDataUrl: _, ...noData } = model;
    const c = toCreateModelInput(noData).PrimaryContainer;
    expect(c?.ModelDataUrl).toBeUndefined();
    expect(c?.ModelDataSource).toBeUndefined();
  });

  it('reads both forms back to the spec they came from', () => {
    const created = new Date('2026-01-05T10:00:00Z');
    const compressed = fromDescribeModel(
      {
        ModelName: 'llm-a',
        ModelArn: 'arn:m',
        CreationTime: created,
        ExecutionRoleArn: model.executionRoleArn,
        PrimaryContainer: { Image: 'img:1', ModelDataUrl: model.modelDataUrl, Environment: { A: '1' } },
      },
      { owner: 'sagezero' },
    );
    expect(compressed).toEqual({ ...model, arn: 'arn:m', createdAt: created.getTime() });

    const prefix = fromDescribeModel(
      {
        ModelName: 'llm-a',
        ModelArn: 'arn:m',
        CreationTime: created,
        ExecutionRoleArn: model.executionRoleArn,
        PrimaryContainer: {
          Image: 'img:1',
          ModelDataSource: {
            S3DataSource: { S3Uri: 's3://b/p/', S3DataType: 'S3Prefix', CompressionType: 'None' },
          },
        },
      },
      {},
    );
    expect(prefix).toMatchObject({ modelDataUrl: 's3://b/p/', modelDataCompressed: false, environment: {} });
  });
});

describe('endpoint config mapping', () => {
  const spec: EndpointConfigSpec = {
    name: 'cfg',
    modelName: 'llm-a',
    variantName: 'AllTraffic',
    instanceType: 'ml.g6.2xlarge',
    initialInstanceCount: 1,
    async: {
      outputPath: 's3://b/out',
      failurePath: 's3://b/fail',
      kmsKeyId: 'k',
      maxConcurrentInvocationsPerInstance: 2,
      successTopic: 'arn:ok',
      errorTopic: 'arn:err',
    },
    tags: { t: 'v' },
  };

  it('writes one production variant and the whole AsyncInferenceConfig', () => {
    expect(toCreateEndpointConfigInput(spec)).toEqual({
      EndpointConfigName: 'cfg',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'llm-a',
          InstanceType: 'ml.g6.2xlarge',
          InitialInstanceCount: 1,
        },
      ],
      AsyncInferenceConfig: {
        OutputConfig: {
          S3OutputPath: 's3://b/out',
          S3FailurePath: 's3://b/fail',
          KmsKeyId: 'k',
          NotificationConfig: { SuccessTopic: 'arn:ok', ErrorTopic: 'arn:err' },
        },
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 2 },
      },
      Tags: [{ Key: 't', Value: 'v' }],
    });
  });

  it('leaves out the optional async parts that were not asked for', () => {
    const input = toCreateEndpointConfigInput({ ...spec, async: { outputPath: 's3://b/out' } });
    expect(input.AsyncInferenceConfig?.ClientConfig).toBeUndefined();
    expect(input.AsyncInferenceConfig?.OutputConfig?.NotificationConfig).toBeUndefined();
  });

  it('round-trips through DescribeEndpointConfig', () => {
    const input = toCreateEndpointConfigInput(spec);
    const out = fromDescribeEndpointConfig(
      {
        EndpointConfigName: 'cfg',
        EndpointConfigArn: 'arn:c',
        CreationTime: new Date(1000),
        ProductionVariants: input.ProductionVariants,
        AsyncInferenceConfig: input.AsyncInferenceConfig,
      },
      { t: 'v' },
    );
    expect(out).toEqual({ ...spec, arn: 'arn:c', createdAt: 1000 });
  });
});

describe('endpoint mapping', () => {
  it('maps status, counts and a failure reason', () => {
    const state = fromDescribeEndpoint(
      {
        EndpointName: 'ep',
        EndpointArn: 'arn:e',
        EndpointConfigName: 'cfg',
        EndpointStatus: 'Failed',
        FailureReason: 'image not found',
        CreationTime: new Date(1000),
        LastModifiedTime: new Date(2000),
        ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 0, DesiredInstanceCount: 1 }],
      },
      {},
    );
    expect(state).toEqual({
      name: 'ep',
      arn: 'arn:e',
      status: 'Failed',
      configName: 'cfg',
      failureReason: 'image not found',
      variants: [{ variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 1 }],
      tags: {},
      createdAt: 1000,
      lastModifiedAt: 2000,
    });
  });

  it('reads a status it does not know as Updating (wait, do not act)', () => {
    expect(toEndpointStatus('SomethingNew')).toBe('Updating');
    expect(toEndpointStatus('InService')).toBe('InService');
  });
});
