// A loopback HTTP proxy in front of moto that injects AWS-shaped faults: throttling in each service's
// own wire format, 500/503, connection resets (before the request reaches moto, or after moto applied
// it, so the client cannot know whether it happened), and slow responses. Decisions come from a seeded
// PRNG in request-arrival order, so a seed reproduces a run; everything seen and injected is recorded.
//
// Wire formats, from the SDK versions in package.json: SageMaker and Application Auto Scaling speak AWS
// JSON 1.1 (X-Amz-Target, errors as `__type` / `x-amzn-ErrorType`); CloudWatch speaks AWS JSON 1.0 in
// query-compatible mode (errors also carry `x-amzn-query-error: Code;Sender`, and CloudWatch's own
// throttling code is `Throttling`); SageMaker Runtime is REST-JSON; S3 is REST-XML (`SlowDown`, 503);
// STS is the Query protocol (`<ErrorResponse>`).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isMutatingOperation } from '../../src/cloud/types.js';

export type FaultKind = 'throttle' | 'error500' | 'error503' | 'reset' | 'resetAfterForward' | 'slow';

/** Faults that make the client see an error (everything but `slow`). */
export const ERROR_FAULTS: readonly FaultKind[] = [
  'throttle',
  'error500',
  'error503',
  'reset',
  'resetAfterForward',
];

export interface ProxiedRequest {
  seq: number;
  /** When the request arrived (ms, wall clock): for timing analysis only. */
  at: number;
  /** IAM-ish service name: sagemaker, sagemaker-runtime, application-autoscaling, cloudwatch, s3, sts, pricing. */
  service: string;
  operation: string;
  mutating: boolean;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The SDK's per-call id and attempt number (amz-sdk-invocation-id / amz-sdk-request). */
  invocationId?: string;
  attempt?: number;
  fault?: FaultKind;
}

/**
 * What the test hook wants done with a request instead of the seeded decision: a fault of its own
 * choosing, no answer at all ('hang'), or moto applies it and no answer comes back ('forward-and-hang').
 */
export type HookDecision = 'pass' | 'hang' | 'forward-and-hang' | FaultKind;

export interface FaultProxyOptions {
  /** moto's URL. */
  target: string;
  seed: number;
  /** Probability that a request gets a fault. */
  rate: number;
  /** Relative weights of the fault kinds; kinds left out are never injected. Default: all of them. */
  weights?: Partial<Record<FaultKind, number>>;
  slowMs?: [number, number];
  /**
   * Close two gaps between moto 5 and AWS that matter when calls are retried or interrupted:
   * - a SageMaker Create{Model,EndpointConfig,Endpoint} of a name that exists fails on AWS with
   *   ValidationException "Cannot create already existing ..."; moto silently overwrites it, hiding
   *   what a retried create meets after its first response was lost;
   * - DeregisterScalableTarget deletes the target's scaling policies and scheduled actions on AWS;
   *   moto keeps them, hiding the re-creation an instance-type change must do;
   * - Application Auto Scaling TagResource / ListTagsForResource / UntagResource exist on AWS; moto
   *   answers them with a retryable error, so every apply spends seconds in SDK retries and never
   *   stores the tags. The proxy keeps scalable-target tags itself (in `scalableTargetTags`).
   * - DescribeScalingActivities exists on AWS; moto lacks it (see `scalingActivities`).
   */
  awsSemantics?: boolean;
  /** Scalable-target tags by ARN, shared by proxies that should see the same account. */
  scalableTargetTags?: Map<string, Record<string, string>>;
  /** Sees each request first and may decide its fate (see HookDecision). */
  onRequest?: (req: ProxiedRequest) => HookDecision | void;
}

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  injected: ProxiedRequest[];
  counts(): Record<FaultKind, number>;
  setRate(rate: number): void;
  /** Injected error faults the SDK answered by sending the same call again (same invocation id). */
  retriedFaults(): ProxiedRequest[];
  close(): Promise<void>;
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = {
  throttle: 30,
  error500: 15,
  error503: 15,
  reset: 15,
  resetAfterForward: 10,
  slow: 15,
};

/** mulberry32: small, fast and good enough to make fault sequences reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TARGET_PREFIXES: Record<string, string> = {
  SageMaker: 'sagemaker',
  AnyScaleFrontendService: 'application-autoscaling',
  GraniteServiceVersion20100801: 'cloudwatch',
  AWSPriceListService: 'pricing',
};

const SIGNING_NAMES: Record<string, string> = { monitoring: 'cloudwatch' };

/** Service and operation of a request, from the wire alone. */
export function classify(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): { service: string; operation: string } {
  const target = headers['x-amz-target'];
  if (target) {
    const [prefix = '', operation = 'Unknown'] = target.split('.');
    return { service: TARGET_PREFIXES[prefix] ?? prefix, operation };
  }
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '';
  const signing = SIGNING_NAMES[scope] ?? scope;
  if (signing === 'sagemaker' && /^\/endpoints\/[^/]+\/async-invocations/.test(path)) {
    return { service: 'sagemaker-runtime', operation: 'InvokeEndpointAsync' };
  }
  if (signing === 'sagemaker' && /^\/endpoints\/[^/]+\/invocations/.test(path)) {
    return { service: 'sagemaker-runtime', operation: 'InvokeEndpoint' };
  }
  if ((headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
    return { service: signing, operation: action };
  }
  if (signing === 's3') {
    const [, , key] = /^\/([^/?]+)\/?([^?]*)/.exec(path) ?? [];
    const onKey = Boolean(key);
    const ops: Record<string, string> = onKey
      ? { GET: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject', HEAD: 'HeadObject' }
      : { GET: 'ListObjects', PUT: 'CreateBucket', DELETE: 'DeleteBucket', HEAD: 'HeadBucket' };
    return { service: 's3', operation: ops[method] ?? method };
  }
  return { service: signing || 'unknown', operation: 'Unknown' };
}

function flatHeaders(msg: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(msg.headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function readBody(msg: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    msg.on('data', (c: Buffer) => chunks.push(c));
    msg.on('end', () => resolve(Buffer.concat(chunks)));
    msg.on('error', reject);
  });
}

interface Canned {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error response in the protocol the service speaks. */
export function errorResponse(service: string, kind: 'throttle' | 'error500' | 'error503'): Canned {
  const requestId = `fault-${Math.random().toString(16).slice(2, 10)}`;
  const status = kind === 'throttle' ? (service === 's3' ? 503 : 400) : kind === 'error500' ? 500 : 503;
  const code =
    kind === 'throttle'
      ? service === 's3'
        ? 'SlowDown'
        : service === 'cloudwatch' || service === 'sts'
          ? 'Throttling'
          : 'ThrottlingException'
      : kind === 'error500'
        ? service === 's3'
          ? 'InternalError'
          : 'InternalFailure'
        : 'ServiceUnavailable';
  const message = kind === 'throttle' ? 'Rate exceeded' : 'injected by the fault proxy';
  if (service === 's3') {
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  if (service === 'sts') {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${kind === 'throttle' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const json = service === 'cloudwatch' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  const headers: Record<string, string> = {
    'content-type': service === 'sagemaker-runtime' ? 'application/json' : json,
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': code,
  };
  if (service === 'cloudwatch')
    headers['x-amzn-query-error'] = `${code};${kind === 'throttle' ? 'Sender' : 'Receiver'}`;
  return { status, headers, body: JSON.stringify({ __type: code, message }) };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  // Given weights replace the defaults: a kind left out is not injected.
  const weights: Record<FaultKind, number> = options.weights
    ? { throttle: 0, error500: 0, error503: 0, reset: 0, resetAfterForward: 0, slow: 0, ...options.weights }
    : DEFAULT_WEIGHTS;
  const kinds = (Object.keys(weights) as FaultKind[]).filter((k) => weights[k] > 0);
  const totalWeight = kinds.reduce((s, k) => s + weights[k], 0);
  const [slowMin, slowMax] = options.slowMs ?? [50, 250];
  let rate = options.rate;
  const requests: ProxiedRequest[] = [];
  const injected: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const pick = (r: number): FaultKind => {
    let x = r * totalWeight;
    for (const k of kinds) {
      x -= weights[k];
      if (x < 0) return k;
    }
    return kinds[kinds.length - 1] ?? 'slow';
  };

  const forward = (req: ProxiedRequest): Promise<Canned> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers, host: target.host };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(req.body.length);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.path, headers },
        (res) => {
          readBody(res).then((body) => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (
                v === undefined ||
                k === 'transfer-encoding' ||
                k === 'connection' ||
                k === 'content-length'
              )
                continue;
              h[k] = Array.isArray(v) ? v.join(',') : v;
            }
            resolve({ status: res.statusCode ?? 502, headers: h, body: body.toString('latin1') });
          }, reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(req.body);
    });

  const CREATES: Record<string, { describe: string; param: string; kind: string; arnType: string }> = {
    CreateModel: { describe: 'DescribeModel', param: 'ModelName', kind: 'model', arnType: 'model' },
    CreateEndpointConfig: {
      describe: 'DescribeEndpointConfig',
      param: 'EndpointConfigName',
      kind: 'endpoint configuration',
      arnType: 'endpoint-config',
    },
    CreateEndpoint: {
      describe: 'DescribeEndpoint',
      param: 'EndpointName',
      kind: 'endpoint',
      arnType: 'endpoint',
    },
  };

  /** AWS's answer to creating an existing SageMaker resource, or undefined when the create may go ahead. */
  const existingCreate = async (req: ProxiedRequest): Promise<Canned | undefined> => {
    const c = req.service === 'sagemaker' ? CREATES[req.operation] : undefined;
    if (!c) return undefined;
    const name = (JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>)[c.param];
    if (typeof name !== 'string') return undefined;
    const probe: ProxiedRequest = {
      ...req,
      headers: { ...req.headers, 'x-amz-target': `SageMaker.${c.describe}` },
      body: Buffer.from(JSON.stringify({ [c.param]: name })),
    };
    const found = await forward(probe);
    if (found.status !== 200) return undefined;
    const arn = (JSON.parse(found.body) as Record<string, unknown>)[`${c.param.replace(/Name$/, '')}Arn`];
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ValidationException' },
      body: JSON.stringify({
        __type: 'ValidationException',
        message: `Cannot create already existing ${c.kind} "${typeof arn === 'string' ? arn : c.arnType}".`,
      }),
    };
  };

  /** A call of our own to moto, signed like `like` (moto reads account and region from it). */
  const motoCall = async (like: ProxiedRequest, operation: string, input: object): Promise<Canned> =>
    forward({
      ...like,
      headers: { ...like.headers, 'x-amz-target': `AnyScaleFrontendService.${operation}` },
      body: Buffer.from(JSON.stringify(input)),
    });

  const deregisterWithPolicies = async (req: ProxiedRequest): Promise<Canned> => {
    const answer = await forward(req);
    if (req.service !== 'application-autoscaling' || req.operation !== 'DeregisterScalableTarget')
      return answer;
    if (answer.status !== 200) return answer;
    const target = JSON.parse(req.body.toString('utf8')) as Record<string, string>;
    const key = {
      ServiceNamespace: target.ServiceNamespace,
      ResourceId: target.ResourceId,
      ScalableDimension: target.ScalableDimension,
    };
    const policies = JSON.parse((await motoCall(req, 'DescribeScalingPolicies', key)).body) as {
      ScalingPolicies?: { PolicyName: string }[];
    };
    for (const p of policies.ScalingPolicies ?? []) {
      await motoCall(req, 'DeleteScalingPolicy', { ...key, PolicyName: p.PolicyName });
    }
    const actions = JSON.parse((await motoCall(req, 'DescribeScheduledActions', key)).body) as {
      ScheduledActions?: { ScheduledActionName: string }[];
    };
    for (const a of actions.ScheduledActions ?? []) {
      await motoCall(req, 'DeleteScheduledAction', { ...key, ScheduledActionName: a.ScheduledActionName });
    }
    return answer;
  };

  const send = (res: ServerResponse, c: Canned): void => {
    const body = Buffer.from(c.body, 'latin1');
    res.writeHead(c.status, { ...c.headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const tagStore = options.scalableTargetTags ?? new Map<string, Record<string, string>>();
  /** Application Auto Scaling tagging, kept here because moto lacks it. */
  const scalableTargetTagging = (req: ProxiedRequest): Canned | undefined => {
    if (req.service !== 'application-autoscaling') return undefined;
    if (!['TagResource', 'ListTagsForResource', 'UntagResource'].includes(req.operation)) return undefined;
    const body = JSON.parse(req.body.toString('utf8') || '{}') as {
      ResourceARN?: string;
      Tags?: Record<string, string>;
      TagKeys?: string[];
    };
    const arn = body.ResourceARN ?? '';
    const tags = { ...(tagStore.get(arn) ?? {}) };
    if (req.operation === 'TagResource') Object.assign(tags, body.Tags ?? {});
    for (const k of req.operation === 'UntagResource' ? (body.TagKeys ?? []) : []) delete tags[k];
    tagStore.set(arn, tags);
    const reply = req.operation === 'ListTagsForResource' ? { Tags: tags } : {};
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(reply),
    };
  };

  /**
   * DescribeScalingActivities, which moto lacks: it answers an HTML 500 that the SDK retries five
   * times on every poll, draining the client's retry quota until real faults are no longer retried.
   * Nothing ever scales in moto, so AWS's answer would be an empty list.
   */
  const scalingActivities = (req: ProxiedRequest): Canned | undefined =>
    req.service === 'application-autoscaling' && req.operation === 'DescribeScalingActivities'
      ? {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ ScalingActivities: [] }),
        }
      : undefined;

  const apply = async (req: ProxiedRequest): Promise<Canned> =>
    options.awsSemantics
      ? (scalableTargetTagging(req) ??
        scalingActivities(req) ??
        (await existingCreate(req)) ??
        deregisterWithPolicies(req))
      : forward(req);

  const handle = async (msg: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(msg);
    const headers = flatHeaders(msg);
    const path = msg.url ?? '/';
    const { service, operation } = classify(msg.method ?? 'GET', path, headers, body);
    const attemptHeader = /attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1];
    const req: ProxiedRequest = {
      seq: requests.length,
      at: Date.now(),
      service,
      operation,
      mutating: isMutatingOperation(operation),
      method: msg.method ?? 'GET',
      path,
      headers,
      body,
      invocationId: headers['amz-sdk-invocation-id'],
      attempt: attemptHeader ? Number(attemptHeader) : undefined,
    };
    requests.push(req);
    // Three draws per request whatever happens, so one request's fate never shifts another's.
    const [r1, r2, r3] = [random(), random(), random()];
    const hook = options.onRequest?.(req) ?? 'pass';
    if (hook === 'hang') return;
    if (hook === 'forward-and-hang') {
      await apply(req).catch(() => undefined);
      return;
    }
    const fault = hook !== 'pass' ? hook : r1 < rate ? pick(r2) : undefined;
    if (fault) {
      req.fault = fault;
      injected.push(req);
    }
    switch (fault) {
      case 'throttle':
      case 'error500':
      case 'error503':
        send(res, errorResponse(service, fault));
        return;
      case 'reset':
        msg.socket.destroy();
        return;
      case 'resetAfterForward':
        await apply(req).catch(() => undefined);
        msg.socket.destroy();
        return;
      case 'slow':
        await new Promise((r) => setTimeout(r, slowMin + r3 * (slowMax - slowMin)));
        break;
      default:
        break;
    }
    try {
      send(res, await apply(req));
    } catch {
      msg.socket.destroy();
    }
  };

  const server = createServer((msg, res) => {
    handle(msg, res).catch(() => msg.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    injected,
    counts() {
      const c = { throttle: 0, error500: 0, error503: 0, reset: 0, resetAfterForward: 0, slow: 0 };
      for (const r of injected) if (r.fault) c[r.fault]++;
      return c;
    },
    setRate(r: number) {
      rate = r;
    },
    retriedFaults() {
      return injected.filter(
        (f) =>
          f.fault !== 'slow' &&
          f.invocationId !== undefined &&
          requests.some(
            (r) => r.seq > f.seq && r.invocationId === f.invocationId && (r.attempt ?? 0) > (f.attempt ?? 0),
          ),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
