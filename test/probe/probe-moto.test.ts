// Probes and invokeAsync through the real AWS provider against moto: a real S3 upload, a real
// InvokeEndpointAsync call, the output read back from S3, and every object deleted afterwards.
//
// What moto's InvokeEndpointAsync does (moto 5.2, sagemakerruntime/models.py): it never reads the
// input and ignores the endpoint's S3OutputPath; it creates a fresh bucket `sagemaker-output-<uuid>`,
// writes the next queued result there at once (response.json, or failure.json for `is_failure`), and
// returns those two URIs as OutputLocation/FailureLocation. Results are queued per account and region
// through POST /moto-api/static/sagemaker/async-endpoint-results, so this file uses its own region to
// stay out of other files' way. The output therefore exists by the first poll: these tests cover the
// wire protocol and the S3 life cycle; timing is tested against the simulated cloud.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SystemClock } from '../../src/clock.js';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { parseS3Uri, type Cloud } from '../../src/cloud/types.js';
import { registerInvoke } from '../../src/cli/commands/invoke.js';
import { registerProbe } from '../../src/cli/commands/probe.js';
import type { Output } from '../../src/cli/output.js';
import { invokeAsync } from '../../src/probe/invoke.js';
import { PROBE_OUTPUT_MAX_BYTES, runProbe } from '../../src/probe/probe.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { openStore } from '../../src/store/index.js';
import { endpointSchema } from '../../src/config/schema.js';
import { tempDir } from '../support/temp-dir.js';

const motoEndpoint = inject('motoEndpoint');
const REGION = 'ap-southeast-2';
const BUCKET = 'sagezero-probe-moto';
const ENDPOINT = 'probe-moto-llm';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const s3 = new S3Client({ region: REGION, endpoint: motoEndpoint, credentials, forcePathStyle: true });
let cloud: Cloud;

async function queueResults(results: { data: string; is_failure?: boolean }[]): Promise<void> {
  const res = await fetch(`${motoEndpoint}/moto-api/static/sagemaker/async-endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: REGION, results }),
  });
  expect(res.ok).toBe(true);
}

async function exists(uri: string): Promise<boolean> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key ?? '');
}

beforeAll(async () => {
  cloud = createAwsCloud({ region: REGION, endpoint: motoEndpoint, credentials });
  await s3.send(
    new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }),
  );
  await cloud.createModel({
    name: `${ENDPOINT}-model`,
    image: '763104351884.dkr.ecr.ap-southeast-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu',
    modelDataUrl: `s3://${BUCKET}/model/model.tar.gz`,
    environment: {},
    executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
    tags: {},
  });
  await cloud.createEndpointConfig({
    name: `${ENDPOINT}-config`,
    modelName: `${ENDPOINT}-model`,
    variantName: 'AllTraffic',
    instanceType: 'ml.g4dn.xlarge',
    initialInstanceCount: 1,
    async: { outputPath: `s3://${BUCKET}/out/`, failurePath: `s3://${BUCKET}/failures/` },
    tags: {},
  });
  await cloud.createEndpoint(ENDPOINT, `${ENDPOINT}-config`, {});
});

describe('invokeAsync against moto', () => {
  it('uploads the payload, invokes, reads the output and deletes input and output', async () => {
    await queueResults([{ data: '{"generated_text":"Paris"}' }]);
    const r = await invokeAsync(cloud, new SystemClock(), {
      endpointName: ENDPOINT,
      payload: { inputs: 'What is the capital of France?' },
      bucket: `s3://${BUCKET}/inputs/`,
      timeoutSeconds: 60,
      poll: { initialMs: 50, maxMs: 200 },
    });
    expect(r.outcome).toBe('success');
    expect(new TextDecoder().decode(r.output)).toBe('{"generated_text":"Paris"}');
    expect(r.instancesAtStart).toBe(1);
    expect(r.outputLocation).toMatch(/^s3:\/\/sagemaker-output-/);
    expect(r.cleanupErrors).toEqual([]);
    expect(await exists(r.inputLocation)).toBe(false);
    expect(await exists(r.outputLocation!)).toBe(false);
    expect(await keysUnder('inputs/')).toEqual([]);
  });

  it('really uploads the bytes with their content type (kept on request)', async () => {
    await queueResults([{ data: 'ok' }]);
    const r = await invokeAsync(cloud, new SystemClock(), {
      endpointName: ENDPOINT,
      payload: 'a,b,c\n1,2,3\n',
      contentType: 'text/csv',
      bucket: `s3://${BUCKET}/kept`,
      inferenceId: 'kept-request-1',
      timeoutSeconds: 60,
      keepObjects: true,
      poll: { initialMs: 50, maxMs: 200 },
    });
    expect(r.inputLocation).toBe(`s3://${BUCKET}/kept/kept-request-1.in`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept/kept-request-1.in' }));
    expect(got.ContentType).toBe('text/csv');
    expect(await got.Body?.transformToString()).toBe('a,b,c\n1,2,3\n');
    expect(await exists(r.outputLocation!)).toBe(true);
    await cloud.deleteObject(r.inputLocation);
    await cloud.deleteObject(r.outputLocation!);
  });

  it('reports the failure object as a model error', async () => {
    await queueResults([{ data: 'ModelError: CUDA out of memory', is_failure: true }]);
    const r = await invokeAsync(cloud, new SystemClock(), {
      endpointName: ENDPOINT,
      payload: {},
      bucket: `s3://${BUCKET}/inputs/`,
      timeoutSeconds: 60,
      poll: { initialMs: 50, maxMs: 200 },
    });
    expect(r.outcome).toBe('model_error');
    expect(r.failure).toBe('ModelError: CUDA out of memory');
    expect(await exists(r.failureLocation!)).toBe(false);
    expect(await exists(r.inputLocation)).toBe(false);
  });
});

describe('runProbe against moto', () => {
  it('records a warm probe in the store and leaves nothing in S3', async () => {
    await queueResults([{ data: '{"generated_text":"Paris"}' }]);
    const store = await openStore(':memory:');
    try {
      const run = await runProbe(
        { cloud, clock: new SystemClock(), sink: store.probes, poll: { initialMs: 50, maxMs: 200 } },
        { name: ENDPOINT, variantName: 'AllTraffic', async: { outputPath: `s3://${BUCKET}/out/` } },
        { payload: { inputs: 'hi' }, contentType: 'application/json', timeoutSeconds: 60 },
      );
      expect(run.result).toMatchObject({ outcome: 'success', cold: false, instancesAtStart: 1 });
      expect(await store.probes.latest(ENDPOINT)).toEqual(run.result);
      // No bucket configured: the inputs go under the output bucket.
      expect(run.result.inputLocation).toMatch(new RegExp(`^s3://${BUCKET}/sagezero-probes/${ENDPOINT}/`));
      expect(await keysUnder('sagezero-probes/')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('huge, empty and odd results (broken peers)', () => {
  let proxy: FaultProxy;
  let viaProxy: Cloud;
  beforeAll(async () => {
    // A recording proxy (no faults) shows what goes on the wire.
    proxy = await startFaultProxy({ target: motoEndpoint, seed: 0, rate: 0 });
    viaProxy = createAwsCloud({ region: REGION, endpoint: proxy.url, credentials });
  });
  afterAll(() => proxy.close());
  const invoke = (extra: Partial<Parameters<typeof invokeAsync>[2]> = {}) =>
    invokeAsync(viaProxy, new SystemClock(), {
      endpointName: ENDPOINT,
      payload: { inputs: 'hi' },
      bucket: `s3://${BUCKET}/odd/`,
      timeoutSeconds: 60,
      poll: { initialMs: 50, maxMs: 200 },
      ...extra,
    });

  it('a probe reads only the start of a 3 MB output, by byte range, and still succeeds', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    await queueResults([{ data: big }]);
    const store = await openStore(':memory:');
    try {
      const run = await runProbe(
        {
          cloud: viaProxy,
          clock: new SystemClock(),
          sink: store.probes,
          poll: { initialMs: 50, maxMs: 200 },
        },
        { name: ENDPOINT, variantName: 'AllTraffic', async: { outputPath: `s3://${BUCKET}/out/` } },
        { payload: { inputs: 'hi' }, contentType: 'application/json', timeoutSeconds: 60 },
      );
      expect(run.result.outcome).toBe('success');
      const gets = proxy.requests.filter((r) => r.operation === 'GetObject');
      expect(gets.length).toBeGreaterThan(0);
      expect(gets.every((r) => r.headers.range === `bytes=0-${PROBE_OUTPUT_MAX_BYTES}`)).toBe(true);
      expect(await keysUnder('sagezero-probes/')).toEqual([]);
    } finally {
      await store.close();
    }
    // The same through invokeAsync with a limit: the prefix, marked truncated; without one: all of it.
    await queueResults([{ data: big }, { data: big }]);
    const cut = await invoke({ outputMaxBytes: 1000 });
    expect(cut).toMatchObject({ outcome: 'success', outputTruncated: true });
    expect(cut.output?.length).toBe(1000);
    const whole = await invoke();
    expect(whole.output?.length).toBe(big.length);
    expect(whole.outputTruncated).toBeUndefined();
  });

  it('an empty output is a success with no bytes, an output that is not JSON is just bytes', async () => {
    await queueResults([{ data: '' }, { data: 'not json at all: <html>\u0000\u00ff' }]);
    const empty = await invoke({ outputMaxBytes: 100 });
    expect(empty).toMatchObject({ outcome: 'success' });
    expect(empty.output?.length).toBe(0);
    const odd = await invoke({ outputMaxBytes: 100 });
    expect(odd.outcome).toBe('success');
    expect(new TextDecoder().decode(odd.output)).toBe('not json at all: <html>\u0000\u00ff');
  });

  it('a 200 KB failure object is read up to 64 KiB and reported cut, as a model error', async () => {
    await queueResults([{ data: `Traceback: ${'e'.repeat(200 * 1024)}`, is_failure: true }]);
    const r = await invoke();
    expect(r.outcome).toBe('model_error');
    expect(r.failure?.startsWith('Traceback: eee')).toBe(true);
    expect(r.failure).toMatch(/… \(cut at 65536 bytes\)$/);
    expect(r.failure!.length).toBeLessThan(64 * 1024 + 40);
  });
});

describe('sagezero invoke / probe commands against moto', () => {
  let dir: string;
  let configFile: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const [k, v] of Object.entries({
      AWS_ENDPOINT_URL: motoEndpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_EC2_METADATA_DISABLED: 'true',
    })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    dir = tempDir('sagezero-probe-cli-');
    configFile = path.join(dir, 'sagezero.yaml');
    writeFileSync(
      configFile,
      `region: ${REGION}
project: probemoto
store: ./var/store.db
endpoints:
  - name: ${ENDPOINT}
    model:
      image: 763104351884.dkr.ecr.ap-southeast-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async:
      outputPath: s3://${BUCKET}/out/
`,
    );
    writeFileSync(path.join(dir, 'request.json'), '{"inputs":"What is the capital of France?"}');
  });

  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  async function run(
    register: typeof registerInvoke,
    args: string[],
  ): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out: Output = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
    let code = -1;
    const program = new Command('sagezero').exitOverride();
    register(program, out, (c) => (code = c));
    await program.parseAsync(args, { from: 'user' });
    return { code, stdout, stderr };
  }

  it('invoke --wait prints the output on stdout and progress on stderr', async () => {
    await queueResults([{ data: '{"generated_text":"Paris"}' }]);
    const r = await run(registerInvoke, [
      'invoke',
      '-c',
      configFile,
      '--endpoint',
      ENDPOINT,
      '--payload',
      path.join(dir, 'request.json'),
      '--wait',
      '--timeout',
      '60',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['{"generated_text":"Paris"}']);
    expect(r.stderr.join('\n')).toMatch(/queued inference/);
    expect(await keysUnder('sagezero-probes/')).toEqual([]);
  });

  it('invoke without --wait prints where the result will appear and keeps the input for SageMaker', async () => {
    await queueResults([{ data: 'later' }]);
    const r = await run(registerInvoke, [
      'invoke',
      '-c',
      configFile,
      '--payload',
      path.join(dir, 'request.json'),
    ]);
    expect(r.code).toBe(0);
    const sub = JSON.parse(r.stdout.join('\n')) as { inputLocation: string; outputLocation: string };
    expect(sub.inputLocation).toMatch(/\.in$/);
    expect(await exists(sub.inputLocation)).toBe(true);
    expect(new TextDecoder().decode(await cloud.getObject(sub.outputLocation))).toBe('later');
    await cloud.deleteObject(sub.inputLocation);
  });

  it('invoke --wait exits 1 with the failure text on a model error', async () => {
    await queueResults([{ data: 'ValueError: bad input', is_failure: true }]);
    const r = await run(registerInvoke, [
      'invoke',
      '-c',
      configFile,
      '--payload',
      path.join(dir, 'request.json'),
      '--wait',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toMatch(/the model failed[\s\S]*ValueError: bad input/);
  });

  it('invoke names a missing endpoint without a stack trace', async () => {
    await expect(
      run(registerInvoke, [
        'invoke',
        '-c',
        configFile,
        '--endpoint',
        'nope',
        '--payload',
        path.join(dir, 'request.json'),
      ]),
    ).rejects.toThrow(/--endpoint nope: no such endpoint .* \(it has: probe-moto-llm\)/);
  });

  it('probe refuses a config with no probe block', async () => {
    await expect(run(registerProbe, ['probe', '-c', configFile])).rejects.toThrow(
      /no endpoint .* has a probe: block/,
    );
  });

  // The loader rejects unknown keys, so this needs the lead to mount probeConfigSchema at endpoints[].probe.
  it.skipIf(!('probe' in endpointSchema.shape))(
    'probe runs the configured probe, records it, exits 1 on failure',
    async () => {
      writeFileSync(
        configFile,
        `${readConfig()}    probe:\n      payload: { inputs: "What is the capital of France?" }\n      bucket: s3://${BUCKET}/probes/\n`,
      );
      await queueResults([{ data: '{"generated_text":"Paris"}' }]);
      const ok = await run(registerProbe, ['probe', '-c', configFile, '--json']);
      expect(ok.code).toBe(0);
      const [result] = JSON.parse(ok.stdout.join('\n')) as {
        outcome: string;
        endpoint: string;
        cold: boolean;
      }[];
      expect(result).toMatchObject({ outcome: 'success', endpoint: ENDPOINT, cold: false });
      const store = await openStore(path.join(dir, 'var/store.db'));
      expect((await store.probes.latest(ENDPOINT))?.outcome).toBe('success');
      await store.close();
      expect(await keysUnder('probes/')).toEqual([]);

      await queueResults([{ data: 'boom', is_failure: true }]);
      const failed = await run(registerProbe, ['probe', '-c', configFile, '--endpoint', ENDPOINT]);
      expect(failed.code).toBe(1);
      expect(failed.stdout.join('\n')).toMatch(/probe-moto-llm: model_error/);
    },
  );

  function readConfig(): string {
    return `region: ${REGION}
project: probemoto
store: ./var/store.db
endpoints:
  - name: ${ENDPOINT}
    model:
      image: 763104351884.dkr.ecr.ap-southeast-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-gpu
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async:
      outputPath: s3://${BUCKET}/out/
`;
  }
});
