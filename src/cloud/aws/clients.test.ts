// The clients against a loopback HTTP server that answers like AWS: what goes on the wire (S3
// addressing, endpoints from the environment) and what the observer is told (one report per
// logical call, however many attempts it took).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteModelCommand, DescribeModelCommand } from '@aws-sdk/client-sagemaker';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../types.js';
import { createClients, maxAttemptsFromEnv } from './clients.js';

interface Seen {
  method: string;
  url: string;
  host: string;
  target: string;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
/** Answers for the next requests, in order; when empty, a 200 with `{}`. */
const script: { status: number; body: string; type?: string }[] = [];
/** When set, answers the requests it returns true for (given the request body), instead of the script. */
let answer: ((body: string, res: ServerResponse) => boolean) | undefined;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: (req.url ?? '').split('?')[0] ?? '',
        host: req.headers.host ?? '',
        target: String(req.headers['x-amz-target'] ?? ''),
      });
      if (answer?.(body, res)) return;
      const next = script.shift() ?? { status: 200, body: '{}' };
      res.writeHead(next.status, { 'content-type': next.type ?? 'application/x-amz-json-1.1' });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
  script.length = 0;
  answer = undefined;
  delete process.env.AWS_ENDPOINT_URL_S3;
  delete process.env.AWS_ENDPOINT_URL;
});

const credentials = { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' };

describe('observer middleware', () => {
  it('reports one call per command, with the operation name and the mutating flag', async () => {
    const counter = new ApiCallCounter();
    const c = createClients({ region: 'us-east-1', endpoint: url, credentials, observer: counter });
    script.push(
      {
        status: 400,
        body: JSON.stringify({ __type: 'ValidationException', message: 'Could not find model "x".' }),
      },
      {
        status: 400,
        body: JSON.stringify({ __type: 'ValidationException', message: '1 validation error detected' }),
      },
    );
    // "Not found" is an answer (sagezero asks on purpose), not an API failure; a rejected request is.
    await expect(c.sagemaker.send(new DescribeModelCommand({ ModelName: 'x' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(c.sagemaker.send(new DescribeModelCommand({ ModelName: 'x' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await c.sagemaker.send(new DeleteModelCommand({ ModelName: 'x' }));
    expect(seen.map((s) => s.target)).toEqual([
      'SageMaker.DescribeModel',
      'SageMaker.DescribeModel',
      'SageMaker.DeleteModel',
    ]);
    expect(counter.calls).toEqual([
      { service: 'sagemaker', operation: 'DescribeModel', mutating: false, ok: true },
      {
        service: 'sagemaker',
        operation: 'DescribeModel',
        mutating: false,
        ok: false,
        errorCode: 'ValidationException',
      },
      { service: 'sagemaker', operation: 'DeleteModel', mutating: true, ok: true },
    ]);
  });

  it('retries throttling and 5xx, reports the call once, with the errors it retried', async () => {
    const counter = new ApiCallCounter();
    const c = createClients({ region: 'us-east-1', endpoint: url, credentials, observer: counter });
    script.push(
      { status: 400, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) },
      { status: 503, body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'busy' }) },
    );
    await c.sagemaker.send(new DeleteModelCommand({ ModelName: 'x' }));
    expect(seen).toHaveLength(3);
    expect(counter.calls).toEqual([
      {
        service: 'sagemaker',
        operation: 'DeleteModel',
        mutating: true,
        ok: true,
        retriedErrors: ['ThrottlingException', 'ServiceUnavailable'],
      },
    ]);
  });

  it('gives each of two concurrent calls of one command its own retried errors', async () => {
    // The clients cache the resolved middleware, so both calls run through one shared handler context:
    // "a" is throttled once while "b" waits for its answer, which is held until "a" has been reported.
    const counter = new ApiCallCounter();
    const c = createClients({ region: 'us-east-1', endpoint: url, credentials, observer: counter });
    let heldB: ServerResponse | undefined;
    let attemptsA = 0;
    const reply = (res: ServerResponse, status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(body);
    };
    answer = (body, res) => {
      const name = (JSON.parse(body) as { ModelName?: string }).ModelName;
      if (name === 'b') heldB = res;
      else if (name === 'a' && ++attemptsA === 1)
        reply(res, 400, JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      else reply(res, 200, '{}');
      return true;
    };
    const a = c.sagemaker.send(new DeleteModelCommand({ ModelName: 'a' }));
    const b = c.sagemaker.send(new DeleteModelCommand({ ModelName: 'b' }));
    await a;
    expect(heldB).toBeDefined();
    reply(heldB!, 200, '{}');
    await b;
    expect(attemptsA).toBe(2);
    const deleteModel = { service: 'sagemaker', operation: 'DeleteModel', mutating: true, ok: true };
    expect(counter.calls).toEqual([{ ...deleteModel, retriedErrors: ['ThrottlingException'] }, deleteModel]);
  });

  it('reports a call that fails after retries with its own error and the retried ones', async () => {
    process.env.AWS_MAX_ATTEMPTS = '3';
    try {
      const counter = new ApiCallCounter();
      const c = createClients({ region: 'us-east-1', endpoint: url, credentials, observer: counter });
      const unavailable = {
        status: 503,
        body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'x' }),
      };
      script.push(
        { status: 500, body: JSON.stringify({ __type: 'InternalFailure', message: 'boom' }) },
        unavailable,
        unavailable,
      );
      await expect(c.sagemaker.send(new DeleteModelCommand({ ModelName: 'x' }))).rejects.toMatchObject({
        name: 'ServiceUnavailable',
      });
      expect(seen).toHaveLength(3);
      expect(counter.calls).toEqual([
        {
          service: 'sagemaker',
          operation: 'DeleteModel',
          mutating: true,
          ok: false,
          errorCode: 'ServiceUnavailable',
          retriedErrors: ['InternalFailure', 'ServiceUnavailable'],
        },
      ]);
    } finally {
      delete process.env.AWS_MAX_ATTEMPTS;
    }
  });
});

describe('S3 addressing', () => {
  const noSuchKey = {
    status: 404,
    type: 'application/xml',
    body: '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>nope</Message></Error>',
  };

  it('uses path style with an explicit endpoint', async () => {
    const c = createClients({ region: 'us-east-1', endpoint: url, credentials });
    script.push(noSuchKey);
    await expect(
      c.s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'a/b.json' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    expect(seen[0]?.url).toBe('/my-bucket/a/b.json');
  });

  it('uses path style when AWS_ENDPOINT_URL_S3 points S3 elsewhere, and the SDK follows it', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = url;
    const c = createClients({ region: 'us-east-1', credentials });
    script.push(noSuchKey);
    await expect(c.s3.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'k' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    expect(seen[0]).toMatchObject({ url: '/my-bucket/k', host: url.replace('http://', '') });
  });

  it('sends SageMaker to AWS_ENDPOINT_URL when no service variable overrides it', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    const c = createClients({ region: 'us-east-1', credentials });
    await c.sagemaker.send(new DeleteModelCommand({ ModelName: 'x' }));
    expect(seen.map((s) => s.target)).toEqual(['SageMaker.DeleteModel']);
  });
});

describe('retry budget', () => {
  it('defaults to six attempts and honours AWS_MAX_ATTEMPTS', () => {
    expect(maxAttemptsFromEnv({})).toBe(6);
    expect(maxAttemptsFromEnv({ AWS_MAX_ATTEMPTS: '2' })).toBe(2);
    expect(maxAttemptsFromEnv({ AWS_MAX_ATTEMPTS: 'lots' })).toBe(6);
  });
});
