import { describe, expect, it } from 'vitest';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { CloudError, type EndpointConfigSpec, type ModelSpec } from '../types.js';
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
  /** A complete answer, as AWS gives it for an InService endpoint. */
  const full = (): DescribeEndpointOutput => ({
    EndpointName: 'ep',
    EndpointArn: 'arn:aws:sagemaker:us-east-1:1:endpoint/ep',
    EndpointConfigName: 'cfg',
    EndpointStatus: 'InService',
    CreationTime: new Date(1000),
    LastModifiedTime: new Date(2000),
    ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 3 }],
    AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://b/out/' } },
  });
  /** `full()` without `field` (a dotted path into the first variant for the variant's fields). */
  const without = (field: string): DescribeEndpointOutput => {
    const out = full() as unknown as Record<string, unknown>;
    if (field.startsWith('ProductionVariants[0].')) {
      const v = (out.ProductionVariants as Record<string, unknown>[])[0]!;
      delete v[field.slice('ProductionVariants[0].'.length)];
    } else delete out[field];
    return out as unknown as DescribeEndpointOutput;
  };
  const refusal = (out: DescribeEndpointOutput): CloudError => {
    try {
      fromDescribeEndpoint(out, 'ep');
    } catch (e) {
      return e as CloudError;
    }
    throw new Error('fromDescribeEndpoint accepted the answer');
  };

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
      'ep',
    );
    expect(state).toEqual({
      name: 'ep',
      arn: 'arn:e',
      status: 'Failed',
      configName: 'cfg',
      failureReason: 'image not found',
      variants: [{ variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 1 }],
      createdAt: 1000,
      lastModifiedAt: 2000,
    });
  });

  it('reads a status it does not know as Updating (wait, do not act)', () => {
    expect(toEndpointStatus('SomethingNew')).toBe('Updating');
    expect(toEndpointStatus('InService')).toBe('InService');
    expect(fromDescribeEndpoint({ ...full(), EndpointStatus: 'Hibernating' as never }, 'ep').status).toBe(
      'Updating',
    );
  });

  it.each([
    ['EndpointName', 'no EndpointName'],
    ['EndpointArn', 'no EndpointArn'],
    ['EndpointStatus', 'no EndpointStatus'],
    ['EndpointConfigName', 'no EndpointConfigName'],
    ['ProductionVariants[0].VariantName', 'no ProductionVariants[0].VariantName'],
  ])('refuses an answer without %s, naming the operation, the endpoint and the field', (field, what) => {
    const e = refusal(without(field));
    expect(e).toBeInstanceOf(CloudError);
    expect(e.message).toBe(
      `SageMaker DescribeEndpoint for endpoint "ep" returned ${what}; sagezero does not act on an incomplete answer (MalformedResponse)`,
    );
    expect(e.code).toBe('MalformedResponse');
    expect(e.operation).toBe('DescribeEndpoint');
    expect(e.retryable).toBe(false);
  });

  it('refuses an answer with neither LastModifiedTime nor CreationTime (no "since when")', () => {
    const out = without('LastModifiedTime');
    delete out.CreationTime;
    expect(refusal(out).message).toContain('returned no LastModifiedTime (nor CreationTime)');
  });

  it('reads empty strings and nulls as absent', () => {
    expect(refusal({ ...full(), EndpointStatus: '' as never }).message).toContain('no EndpointStatus');
    expect(refusal({ ...full(), EndpointArn: null as never }).message).toContain('no EndpointArn');
  });

  it.each([
    [{ EndpointStatus: 42 }, 'EndpointStatus 42, not a string'],
    [{ EndpointName: 'other' }, 'EndpointName "other", another endpoint'],
    [{ EndpointConfigName: { name: 'cfg' } }, 'EndpointConfigName an object, not a string'],
    [{ ProductionVariants: { AllTraffic: 1 } }, 'ProductionVariants an object, not a list'],
    [{ ProductionVariants: [null] }, 'ProductionVariants[0] null, not a variant'],
    [{ ProductionVariants: [{ VariantName: 'v', CurrentInstanceCount: '3' }] }, 'CurrentInstanceCount "3"'],
    [{ ProductionVariants: [{ VariantName: 'v', CurrentInstanceCount: -1 }] }, 'CurrentInstanceCount -1'],
    [
      { ProductionVariants: [{ VariantName: 'v', CurrentInstanceCount: 1, DesiredInstanceCount: 1.5 }] },
      'DesiredInstanceCount 1.5',
    ],
    [
      { ProductionVariants: [{ VariantName: 7, CurrentInstanceCount: 1 }] },
      'ProductionVariants[0].VariantName 7, not a string',
    ],
  ])('refuses a malformed value (%j), never a TypeError', (patch, what) => {
    const e = refusal({ ...full(), ...(patch as object) });
    expect(e).toBeInstanceOf(CloudError);
    expect(e.message).toContain(`DescribeEndpoint for endpoint "ep" returned `);
    expect(e.message).toContain(what);
  });

  it('reads the endpoint name case-insensitively, as SageMaker does', () => {
    expect(fromDescribeEndpoint({ ...full(), EndpointName: 'EP' }, 'ep').name).toBe('EP');
  });

  it.each(['Creating', 'Failed', 'Deleting', 'OutOfService'] as const)(
    'without ProductionVariants while %s (AWS lists none before the first instance): no variants, no instances',
    (status) => {
      const state = fromDescribeEndpoint({ ...without('ProductionVariants'), EndpointStatus: status }, 'ep');
      expect(state.variants).toEqual([]);
      expect(state.status).toBe(status);
      expect(
        fromDescribeEndpoint({ ...full(), EndpointStatus: status, ProductionVariants: [] }, 'ep').variants,
      ).toEqual([]);
    },
  );

  it.each(['InService', 'Updating', 'SystemUpdating', 'RollingBack', 'UpdateRollbackFailed'] as const)(
    'refuses an answer without ProductionVariants or a CurrentInstanceCount while %s (not a scale-in to 0)',
    (status) => {
      const article = /^[AEIOU]/.test(status) ? 'an' : 'a';
      expect(refusal({ ...without('ProductionVariants'), EndpointStatus: status }).message).toContain(
        `returned no ProductionVariants for ${article} ${status} endpoint;`,
      );
      expect(refusal({ ...full(), EndpointStatus: status, ProductionVariants: [] }).message).toContain(
        'returned no ProductionVariants',
      );
      expect(
        refusal({ ...without('ProductionVariants[0].CurrentInstanceCount'), EndpointStatus: status }).message,
      ).toContain(
        `returned no ProductionVariants[0].CurrentInstanceCount for ${article} ${status} endpoint;`,
      );
    },
  );

  it('without CurrentInstanceCount while Creating: 0 instances; the desired count still read', () => {
    const creating = {
      ...without('ProductionVariants[0].CurrentInstanceCount'),
      EndpointStatus: 'Creating' as const,
    };
    expect(fromDescribeEndpoint(creating, 'ep').variants).toEqual([
      { variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 3 },
    ]);
  });

  it('a scaled-to-zero endpoint reads 0 instances (the count is there, and 0)', () => {
    const zero = { ...full(), ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 0 }] };
    expect(fromDescribeEndpoint(zero, 'ep').variants).toEqual([
      { variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 0 },
    ]);
  });

  it('without DesiredInstanceCount: the current count (no change pending)', () => {
    expect(
      fromDescribeEndpoint(without('ProductionVariants[0].DesiredInstanceCount'), 'ep').variants,
    ).toEqual([{ variantName: 'AllTraffic', currentInstanceCount: 2, desiredInstanceCount: 2 }]);
    const neither = {
      ...without('ProductionVariants[0].DesiredInstanceCount'),
      EndpointStatus: 'Creating' as const,
    };
    delete neither.ProductionVariants![0]!.CurrentInstanceCount;
    expect(fromDescribeEndpoint(neither, 'ep').variants).toEqual([
      { variantName: 'AllTraffic', currentInstanceCount: 0, desiredInstanceCount: 0 },
    ]);
  });

  it('without CreationTime: createdAt 0 ("unknown"), lastModifiedAt still read', () => {
    const state = fromDescribeEndpoint(without('CreationTime'), 'ep');
    expect(state.createdAt).toBe(0);
    expect(state.lastModifiedAt).toBe(2000);
  });

  it('without LastModifiedTime: the creation time', () => {
    expect(fromDescribeEndpoint(without('LastModifiedTime'), 'ep').lastModifiedAt).toBe(1000);
  });

  it('without FailureReason (or with one that is not text): none, even when Failed', () => {
    const failed = { ...without('FailureReason'), EndpointStatus: 'Failed' as const };
    expect(fromDescribeEndpoint(failed, 'ep')).not.toHaveProperty('failureReason');
    expect(fromDescribeEndpoint({ ...failed, FailureReason: 12 as never }, 'ep')).not.toHaveProperty(
      'failureReason',
    );
  });

  it('without AsyncInferenceConfig: the same state (async settings come from the endpoint config)', () => {
    expect(fromDescribeEndpoint(without('AsyncInferenceConfig'), 'ep')).toEqual(
      fromDescribeEndpoint(full(), 'ep'),
    );
  });
});
