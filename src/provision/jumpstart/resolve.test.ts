import { describe, expect, it } from 'vitest';
import { CloudError } from '../../cloud/types.js';
import { editJson, fakeS3, fixtureObjects } from '../../../test/fixtures/jumpstart/fixtures.js';
import { InMemorySpecCache } from './cache.js';
import { JumpStartError } from './errors.js';
import { resolveJumpStartModel } from './resolve.js';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

const FALCON = 'huggingface-llm-falcon-40b-instruct-bf16';
const BUCKET = 'jumpstart-cache-prod-us-east-1';
const SPEC_DIR = `s3://${BUCKET}/community_models/${FALCON}`;
const TGI_14 = 'huggingface-pytorch-tgi-inference:2.1.1-tgi1.4.0-gpu-py310-cu121-ubuntu20.04';

function s3() {
  return fakeS3(fixtureObjects(BUCKET));
}

const req = (over: Partial<Parameters<typeof resolveJumpStartModel>[1]> = {}) => ({
  modelId: FALCON,
  version: '*',
  region: 'us-east-1',
  instanceType: 'ml.g5.12xlarge',
  ...over,
});

async function failure(p: Promise<unknown>): Promise<JumpStartError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JumpStartError);
  const err = e as JumpStartError;
  // Every failure names the model and the requested version and says how to do without JumpStart.
  expect(err.message).toContain(FALCON);
  expect(err.message).toContain('model.image');
  expect(err.message).toContain('model.modelDataUrl');
  return err;
}

describe('resolveJumpStartModel', () => {
  it('resolves "*" to the newest version: TGI image for the region, uncompressed prepacked prefix, spec env', async () => {
    const m = await resolveJumpStartModel(s3(), req());
    expect(m.version).toBe('2.1.0');
    expect(m.specUri).toBe(`${SPEC_DIR}/specs_v2.1.0.json`);
    expect(m.image).toBe(`763104351884.dkr.ecr.us-east-1.amazonaws.com/${TGI_14}`);
    expect(m.modelDataUrl).toBe(
      `s3://${BUCKET}/huggingface-llm/${FALCON}/artifacts/inference-prepack/v1.0.0/`,
    );
    expect(m.modelDataCompressed).toBe(false);
    expect(m.environment).toEqual({
      ENDPOINT_SERVER_TIMEOUT: '3600',
      MODEL_CACHE_ROOT: '/opt/ml/model',
      SAGEMAKER_ENV: '1',
      HF_MODEL_ID: '/opt/ml/model',
      SM_NUM_GPUS: '4',
      MAX_INPUT_LENGTH: '1024',
      MAX_TOTAL_TOKENS: '2048',
      SAGEMAKER_MODEL_SERVER_WORKERS: '1',
    });
    expect(m.containerStartupHealthCheckTimeoutSeconds).toBe(3600);
    expect(m.modelDataDownloadTimeoutSeconds).toBe(3600);
    expect(m.gated).toBe(false);
    expect(m.warnings).toEqual([]);
  });

  it('picks 2.0.10 over 2.0.9 for "2.0.*"', async () => {
    const m = await resolveJumpStartModel(s3(), req({ version: '2.0.*' }));
    expect(m.version).toBe('2.0.10');
    expect(m.image).toContain('tgi1.1.0');
  });

  it('resolves an older compressed artifact for "1.*" and an exact "1.1.0"', async () => {
    for (const version of ['1.*', '1.1.0']) {
      const m = await resolveJumpStartModel(s3(), req({ version }));
      expect(m.version).toBe('1.1.0');
      expect(m.modelDataUrl).toBe(
        `s3://${BUCKET}/huggingface-infer/prepack/v1.0.1/infer-prepack-${FALCON}.tar.gz`,
      );
      expect(m.modelDataCompressed).toBe(true);
      expect(m.image).toContain('tgi0.8.2');
    }
  });

  it('takes the image of the requested region', async () => {
    const objects = fixtureObjects('jumpstart-cache-prod-eu-west-1');
    const m = await resolveJumpStartModel(fakeS3(objects), req({ region: 'eu-west-1' }));
    expect(m.image).toBe(`763104351884.dkr.ecr.eu-west-1.amazonaws.com/${TGI_14}`);
    expect(m.modelDataUrl.startsWith('s3://jumpstart-cache-prod-eu-west-1/')).toBe(true);
  });

  it('uses exact-instance-type environment (SM_NUM_GPUS) over the spec default', async () => {
    const m = await resolveJumpStartModel(s3(), req({ instanceType: 'ml.g5.48xlarge' }));
    expect(m.environment.SM_NUM_GPUS).toBe('8');
  });

  it('uses an instance-family artifact and warns about an instance type the model does not list', async () => {
    const m = await resolveJumpStartModel(s3(), req({ instanceType: 'ml.p5.48xlarge' }));
    expect(m.modelDataUrl).toBe(
      `s3://${BUCKET}/huggingface-llm/${FALCON}/artifacts/inference-prepack/v1.0.0-p5/`,
    );
    expect(m.environment.SM_NUM_GPUS).toBe('8');
    expect(m.warnings).toHaveLength(1);
    expect(m.warnings[0]).toContain('ml.p5.48xlarge');
    expect(m.warnings[0]).toContain('ml.g5.12xlarge');
  });

  it('warns that multi-config specs are read from their base fields', async () => {
    const fake = s3();
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      j.inference_configs = { tgi: { component_names: ['tgi'] }, lmi: { component_names: ['lmi'] } };
    });
    const m = await resolveJumpStartModel(fake, req());
    expect(m.image).toContain(TGI_14);
    expect(m.warnings).toEqual([expect.stringContaining('inference configs (tgi, lmi)')]);
  });

  it('reads everything from an overriding bucket (a mirror, or moto)', async () => {
    const m = await resolveJumpStartModel(fakeS3(fixtureObjects('my-mirror')), req({ bucket: 'my-mirror' }));
    expect(m.specUri.startsWith('s3://my-mirror/')).toBe(true);
    expect(m.modelDataUrl.startsWith('s3://my-mirror/')).toBe(true);
  });

  it('puts artifacts of gated models in the private bucket', async () => {
    const fake = s3();
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      j.gated_bucket = true;
      j.hosting_eula_key = 'fmhMetadata/eula/falconLicense.txt';
    });
    const m = await resolveJumpStartModel(fake, req());
    expect(m.gated).toBe(true);
    expect(m.eulaKey).toBe('fmhMetadata/eula/falconLicense.txt');
    expect(m.modelDataUrl.startsWith('s3://jumpstart-private-cache-prod-us-east-1/')).toBe(true);
  });

  it('uses hosting_artifact_key when the model needs no script and has no prepacked artifact', async () => {
    const fake = s3();
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      delete j.hosting_prepacked_artifact_key;
      j.hosting_use_script_uri = false;
    });
    const m = await resolveJumpStartModel(fake, req());
    expect(m.modelDataUrl).toBe(`s3://${BUCKET}/huggingface-llm/${FALCON}/artifacts/inference/v1.0.0/`);
  });
});

describe('resolveJumpStartModel failures', () => {
  it('no image for the instance family', async () => {
    const e = await failure(resolveJumpStartModel(s3(), req({ instanceType: 'ml.c5.xlarge' })));
    expect(e.message).toContain('version *');
    expect(e.message).toContain('instance family c5');
    expect(e.message).toContain('ml.g5.12xlarge');
  });

  it('no image for the region', async () => {
    const objects = fixtureObjects('jumpstart-cache-prod-ap-south-1');
    const e = await failure(resolveJumpStartModel(fakeS3(objects), req({ region: 'ap-south-1' })));
    expect(e.message).toContain('ap-south-1');
  });

  it('an old spec that names only a framework', async () => {
    const e = await failure(resolveJumpStartModel(s3(), req({ version: '1.0.0' })));
    expect(e.message).toContain('version 1.0.0');
    expect(e.message).toContain('huggingface-llm 0.6.0');
  });

  it('an unknown model id, with the closest listed one', async () => {
    const typo = 'huggingface-llm-falcon-40b-instrct-bf16';
    const err = await rejection(resolveJumpStartModel(s3(), req({ modelId: typo })));
    expect(err).toBeInstanceOf(JumpStartError);
    expect(err.message).toContain(typo);
    expect(err.message).toContain(`did you mean ${FALCON}`);
    expect(err.message).toContain('model.image');
  });

  it('a version that is not listed, naming the listed ones', async () => {
    const e = await failure(resolveJumpStartModel(s3(), req({ version: '3.*' })));
    expect(e.message).toContain('version 3.*');
    expect(e.message).toContain('2.0.10');
    expect(e.message).toContain('2.1.0');
  });

  it('a version specifier the SDK would not understand', async () => {
    const e = await failure(resolveJumpStartModel(s3(), req({ version: 'latest' })));
    expect(e.message).toContain('version latest');
  });

  it('a listed version whose spec is missing', async () => {
    const e = await failure(resolveJumpStartModel(s3(), req({ version: '2.0.9' })));
    expect(e.message).toContain('specs_v2.0.9.json: no such object');
  });

  it('an unreachable specs bucket', async () => {
    const fake = s3();
    fake.failWith = new CloudError('Access Denied', 'AccessDenied', false, 'GetObject');
    const e = await failure(resolveJumpStartModel(fake, req()));
    expect(e.message).toContain('cannot fetch the JumpStart model manifest');
    expect(e.message).toContain('Access Denied');
  });

  it('a bucket without a manifest', async () => {
    const e = await failure(resolveJumpStartModel(fakeS3(new Map()), req()));
    expect(e.message).toContain(`manifest s3://${BUCKET}/models_manifest.json: no such object`);
  });

  it('a manifest that is not JSON, or not a manifest', async () => {
    const fake = s3();
    fake.objects.set(`s3://${BUCKET}/models_manifest.json`, new TextEncoder().encode('<Error>nope</Error>'));
    expect((await failure(resolveJumpStartModel(fake, req()))).message).toContain('is not valid JSON');
    fake.objects.set(`s3://${BUCKET}/models_manifest.json`, new TextEncoder().encode('{"models": []}'));
    expect((await failure(resolveJumpStartModel(fake, req()))).message).toContain(
      'does not look like JumpStart metadata',
    );
  });

  it('a deprecated or vulnerable version', async () => {
    const fake = s3();
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      j.deprecated = true;
      j.deprecated_message = 'use falcon-2';
    });
    expect((await failure(resolveJumpStartModel(fake, req()))).message).toContain(
      'deprecated (use falcon-2)',
    );
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      j.deprecated = false;
      j.inference_vulnerable = true;
      j.inference_vulnerabilities = ['transformers==4.1.0'];
    });
    expect((await failure(resolveJumpStartModel(fake, req()))).message).toContain('transformers==4.1.0');
  });

  it('a model that needs its inference script repacked', async () => {
    const fake = s3();
    editJson(fake, `${SPEC_DIR}/specs_v2.1.0.json`, (j) => {
      delete j.hosting_prepacked_artifact_key;
      j.hosting_use_script_uri = true;
      const variants = j.hosting_instance_type_variants as { variants: Record<string, unknown> };
      delete variants.variants.p5;
    });
    expect((await failure(resolveJumpStartModel(fake, req()))).message).toContain('inference script');
  });
});

describe('resolveJumpStartModel with a cache', () => {
  it('stores manifest and spec, and resolves from them when S3 is unreachable', async () => {
    const fake = s3();
    const cache = new InMemorySpecCache();
    const online = await resolveJumpStartModel(fake, req(), cache);
    expect(cache.keys().sort()).toEqual([
      `${SPEC_DIR}/specs_v2.1.0.json`,
      `s3://${BUCKET}/models_manifest.json`,
    ]);

    fake.failWith = new CloudError('connect ECONNREFUSED', 'NetworkingError', true);
    const offline = await resolveJumpStartModel(fake, req(), cache);
    expect(offline).toEqual(online);
  });

  it('reads a cached spec instead of S3, but always asks S3 for the manifest', async () => {
    const fake = s3();
    const cache = new InMemorySpecCache();
    await resolveJumpStartModel(fake, req(), cache);
    fake.reads.length = 0;
    await resolveJumpStartModel(fake, req(), cache);
    expect(fake.reads).toEqual([`s3://${BUCKET}/models_manifest.json`]);
  });

  it('follows a manifest that gained a version', async () => {
    const fake = s3();
    const cache = new InMemorySpecCache();
    expect((await resolveJumpStartModel(fake, req(), cache)).version).toBe('2.1.0');
    const manifestUri = `s3://${BUCKET}/models_manifest.json`;
    const manifest = JSON.parse(new TextDecoder().decode(fake.objects.get(manifestUri))) as unknown[];
    manifest.push({
      model_id: FALCON,
      version: '2.2.0',
      min_version: '2.189.0',
      spec_key: 'new/specs_v2.2.0.json',
    });
    fake.objects.set(manifestUri, new TextEncoder().encode(JSON.stringify(manifest)));
    const spec = JSON.parse(
      new TextDecoder().decode(fake.objects.get(`${SPEC_DIR}/specs_v2.1.0.json`)),
    ) as object;
    fake.objects.set(
      `s3://${BUCKET}/new/specs_v2.2.0.json`,
      new TextEncoder().encode(JSON.stringify({ ...spec, version: '2.2.0' })),
    );
    expect((await resolveJumpStartModel(fake, req(), cache)).version).toBe('2.2.0');
    expect(await cache.get(manifestUri)).toContain('2.2.0');
  });

  it('does not cache a spec that cannot be used', async () => {
    const fake = s3();
    const cache = new InMemorySpecCache();
    fake.objects.set(`${SPEC_DIR}/specs_v2.1.0.json`, new TextEncoder().encode('not json'));
    await failure(resolveJumpStartModel(fake, req(), cache));
    expect(cache.keys()).toEqual([`s3://${BUCKET}/models_manifest.json`]);
  });
});
