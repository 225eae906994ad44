// JumpStart resolution through the real AWS provider (SDK S3 client) against moto: the reconstructed
// falcon-40b-instruct metadata is uploaded to a moto bucket and resolved from there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import {
  InMemorySpecCache,
  JumpStartError,
  resolveJumpStartModel,
} from '../../src/provision/jumpstart/index.js';
import { FIXTURE_DIR, fixtureKeys } from '../fixtures/jumpstart/fixtures.js';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const BUCKET = `sagezero-jumpstart-moto-${process.pid}`;
const FALCON = 'huggingface-llm-falcon-40b-instruct-bf16';

const cloud = createAwsCloud({ region: 'us-east-1', endpoint, credentials });
const req = {
  modelId: FALCON,
  version: '*',
  region: 'us-east-1',
  instanceType: 'ml.g5.12xlarge',
  bucket: BUCKET,
};

beforeAll(async () => {
  // The Cloud port has no CreateBucket (sagezero never creates buckets), so the test makes its own.
  const s3 = new S3Client({ region: 'us-east-1', endpoint, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const key of fixtureKeys()) {
    await cloud.putObject(
      `s3://${BUCKET}/${key}`,
      readFileSync(path.join(FIXTURE_DIR, key), 'utf8'),
      'application/json',
    );
  }
});

describe('JumpStart specs from S3 (moto)', () => {
  it('resolves the newest version to image, uncompressed artifacts and environment', async () => {
    const m = await resolveJumpStartModel(cloud, req);
    expect(m.version).toBe('2.1.0');
    expect(m.image).toBe(
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu20.04',
    );
    expect(m.modelDataUrl).toBe(
      `s3://${BUCKET}/huggingface-llm/${FALCON}/artifacts/inference-prepack/v1.0.0/`,
    );
    expect(m.modelDataCompressed).toBe(false);
    expect(m.environment.SM_NUM_GPUS).toBe('4');
    expect(m.environment.HF_MODEL_ID).toBe('/opt/ml/model');
  });

  it('resolves a pinned older version with a compressed artifact', async () => {
    const m = await resolveJumpStartModel(cloud, { ...req, version: '1.1.0' });
    expect(m.modelDataUrl).toBe(
      `s3://${BUCKET}/huggingface-infer/prepack/v1.0.1/infer-prepack-${FALCON}.tar.gz`,
    );
    expect(m.modelDataCompressed).toBe(true);
  });

  it('names the model and the way out when a listed spec is missing from the bucket', async () => {
    const err = await rejection(resolveJumpStartModel(cloud, { ...req, version: '2.0.9' }));
    expect(err).toBeInstanceOf(JumpStartError);
    expect(err.message).toContain(`${FALCON} version 2.0.9`);
    expect(err.message).toContain('specs_v2.0.9.json');
    expect(err.message).toContain('model.image');
  });

  it('names the model and the way out when the bucket does not exist', async () => {
    const err = await rejection(resolveJumpStartModel(cloud, { ...req, bucket: `${BUCKET}-absent` }));
    expect(err).toBeInstanceOf(JumpStartError);
    expect(err.message).toContain('cannot fetch the JumpStart model manifest');
    expect(err.message).toContain('model.modelDataUrl');
  });

  it('resolves from the cache when S3 cannot be reached', async () => {
    const cache = new InMemorySpecCache();
    const online = await resolveJumpStartModel(cloud, req, cache);
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = '1';
    try {
      // Port 9 (discard) on loopback: nothing listens there, so every call fails fast.
      const unreachable = createAwsCloud({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials,
      });
      expect(await resolveJumpStartModel(unreachable, req, cache)).toEqual(online);
      const err = await rejection(resolveJumpStartModel(unreachable, req));
      expect(err).toBeInstanceOf(JumpStartError);
    } finally {
      if (saved === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });
});
