import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { fakeS3, fixtureObjects } from '../../../test/fixtures/jumpstart/fixtures.js';
import { resolveEndpointJumpStart } from './endpoint.js';

const yaml = (extra: string) => `
region: us-east-1
${extra}
endpoints:
  - name: falcon
    model:
      jumpstart: { modelId: huggingface-llm-falcon-40b-instruct-bf16 }
      environment: { MAX_INPUT_LENGTH: 2047, HF_MODEL_QUANTIZE: bitsandbytes }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
  - name: custom
    model: { image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
`;

describe('resolveEndpointJumpStart', () => {
  it('merges the endpoint environment over the spec defaults', async () => {
    const config = parseConfig(yaml(''), 'falcon.yaml', {});
    const [falcon] = config.endpoints;
    const m = await resolveEndpointJumpStart(
      fakeS3(fixtureObjects('jumpstart-cache-prod-us-east-1')),
      config,
      falcon!,
    );
    expect(m?.version).toBe('2.1.0');
    expect(m?.environment.MAX_INPUT_LENGTH).toBe('2047');
    expect(m?.environment.HF_MODEL_QUANTIZE).toBe('bitsandbytes');
    expect(m?.environment.SM_NUM_GPUS).toBe('4');
  });

  it('reads from config.jumpstart.bucket when set', async () => {
    const config = parseConfig(yaml('jumpstart: { bucket: js-mirror }'), 'falcon.yaml', {});
    const fake = fakeS3(fixtureObjects('js-mirror'));
    const m = await resolveEndpointJumpStart(fake, config, config.endpoints[0]!);
    expect(fake.reads[0]).toBe('s3://js-mirror/models_manifest.json');
    expect(m?.modelDataUrl.startsWith('s3://js-mirror/')).toBe(true);
  });

  it('is undefined for an endpoint with an explicit image, without reading S3', async () => {
    const config = parseConfig(yaml(''), 'falcon.yaml', {});
    const fake = fakeS3(new Map());
    expect(await resolveEndpointJumpStart(fake, config, config.endpoints[1]!)).toBeUndefined();
    expect(fake.reads).toEqual([]);
  });
});
