// A broken peer: DescribeEndpoint answers with fields missing or malformed (an emulator, a proxy that
// truncates, an API change). A loopback proxy rewrites moto's DescribeEndpoint JSON on its way to the
// real SDK clients; `sagezero plan` (the real CLI, a child process) and a telemetry poll run through it.
// A field sagezero cannot act without (see fromDescribeEndpoint) must end in a clear error that names
// the operation, the endpoint and the field, with exit 1 and no stack trace; a field with a documented
// default must keep everything working; and the store must keep every row either way.
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { SystemClock } from '../../src/clock.js';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { loadConfig, type Config } from '../../src/config/load.js';
import { pollOnce } from '../../src/telemetry/poll.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { motoEnv, runCli } from '../support/cli.js';
import { classify, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const NAME = 'brokendesc-llm';
const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };

type Json = Record<string, unknown>;
/** Rewrites a DescribeEndpoint answer in place. */
type Breakage = (answer: Json) => void;

interface BreakingProxy {
  url: string;
  /** DescribeEndpoint answers rewritten so far. */
  rewritten: number;
  breakage: Breakage | undefined;
  close(): Promise<void>;
}

/** Forwards everything to `target`; DescribeEndpoint's 200 answers go through `breakage` first. */
async function startBreakingProxy(target: string): Promise<BreakingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const read = (m: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      m.on('data', (c: Buffer) => chunks.push(c));
      m.on('end', () => resolve(Buffer.concat(chunks)));
      m.on('error', reject);
    });
  const proxy: BreakingProxy = {
    url: '',
    rewritten: 0,
    breakage: undefined,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const { operation } = classify(req.method ?? 'GET', req.url ?? '/', headers, body);
      const answer = await new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>(
        (resolve, reject) => {
          const up = httpRequest(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: req.method,
              path: req.url,
              headers: { ...headers, host: upstream.host, 'content-length': String(body.length) },
            },
            (r) => {
              read(r).then((b) => {
                const h: Record<string, string> = {};
                for (const [k, v] of Object.entries(r.headers))
                  if (
                    typeof v === 'string' &&
                    !['content-length', 'transfer-encoding', 'connection'].includes(k)
                  )
                    h[k] = v;
                resolve({ status: r.statusCode ?? 502, headers: h, body: b });
              }, reject);
            },
          );
          up.on('error', reject);
          up.end(body);
        },
      );
      let sent = answer.body;
      if (operation === 'DescribeEndpoint' && answer.status === 200 && proxy.breakage) {
        const json = JSON.parse(answer.body.toString('utf8')) as Json;
        proxy.breakage(json);
        sent = Buffer.from(JSON.stringify(json));
        proxy.rewritten++;
      }
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(sent.length) });
      res.end(sent);
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

const drop =
  (...fields: string[]): Breakage =>
  (a) => {
    for (const f of fields) delete a[f];
  };
const dropFromVariants =
  (...fields: string[]): Breakage =>
  (a) => {
    for (const v of (a.ProductionVariants as Json[] | undefined) ?? []) for (const f of fields) delete v[f];
  };
const all =
  (...bs: Breakage[]): Breakage =>
  (a) => {
    for (const b of bs) b(a);
  };
const set =
  (field: string, value: unknown): Breakage =>
  (a) => {
    a[field] = value;
  };

/** Fields sagezero cannot act without: the message each must produce. */
const REQUIRED: [string, Breakage, string][] = [
  ['EndpointName', drop('EndpointName'), 'no EndpointName'],
  ['EndpointArn', drop('EndpointArn'), 'no EndpointArn'],
  ['EndpointStatus', drop('EndpointStatus'), 'no EndpointStatus'],
  ['EndpointConfigName', drop('EndpointConfigName'), 'no EndpointConfigName'],
  [
    'ProductionVariants (InService)',
    drop('ProductionVariants'),
    'no ProductionVariants for an InService endpoint',
  ],
  ['VariantName', dropFromVariants('VariantName'), 'no ProductionVariants[0].VariantName'],
  [
    'CurrentInstanceCount (InService)',
    dropFromVariants('CurrentInstanceCount'),
    'no ProductionVariants[0].CurrentInstanceCount for an InService endpoint',
  ],
  [
    'CreationTime and LastModifiedTime',
    drop('CreationTime', 'LastModifiedTime'),
    'no LastModifiedTime (nor CreationTime)',
  ],
];

/** Malformed rather than missing: each must be refused the same way, never a TypeError. */
const MALFORMED: [string, Breakage, string][] = [
  ['EndpointStatus a number', set('EndpointStatus', 42), 'EndpointStatus 42, not a string'],
  ['ProductionVariants an object', set('ProductionVariants', { AllTraffic: 1 }), 'not a list'],
  ['a null variant', set('ProductionVariants', [null]), 'ProductionVariants[0] null, not a variant'],
  [
    'a count as text',
    (a) => ((a.ProductionVariants as Json[])[0]!.CurrentInstanceCount = '1'),
    'CurrentInstanceCount "1", not a whole number',
  ],
  ['another endpoint', set('EndpointName', 'someone-else'), 'EndpointName "someone-else", another endpoint'],
];

/** Fields with a documented default: plan and telemetry go on. */
const OPTIONAL: [string, Breakage][] = [
  ['FailureReason', drop('FailureReason')],
  ['AsyncInferenceConfig', drop('AsyncInferenceConfig')],
  ['CreationTime', drop('CreationTime')],
  ['LastModifiedTime', drop('LastModifiedTime')],
  ['DesiredInstanceCount', dropFromVariants('DesiredInstanceCount')],
];
/** All of them at once, but one of the two times (without both, no "since when": refused). */
const ALL_OPTIONAL = all(...OPTIONAL.filter(([f]) => f !== 'LastModifiedTime').map(([, b]) => b));

let dir: string;
let cfgFile: string;
let config: Config;
let backend: FaultProxy;
let broken: BreakingProxy;
const env = (): NodeJS.ProcessEnv => ({ ...motoEnv(broken.url), SAGEZERO_DEBUG: '' });

/** What telemetry has stored, read through a fresh connection: the store must still open and hold it. */
async function stored(): Promise<{ transitions: unknown[]; meta: number; lastError: string | undefined }> {
  const s = openSqliteStore(config.storePath);
  try {
    return {
      transitions: await s.instances.all(NAME, 'AllTraffic'),
      meta: (s.db.prepare('SELECT COUNT(*) AS n FROM meta').get() as { n: number }).n,
      lastError: (await s.controllers.get('telemetry'))?.lastError,
    };
  } finally {
    await s.close();
  }
}

async function pollThroughBrokenProxy(breakage: Breakage | undefined) {
  broken.breakage = breakage;
  const store: SqliteStore = openSqliteStore(config.storePath);
  try {
    const cloud = createAwsCloud({ region: 'us-east-1', endpoint: broken.url });
    return await pollOnce({ cloud, clock: new SystemClock(), store, config });
  } finally {
    await store.close();
    broken.breakage = undefined;
  }
}

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  // AWS semantics without faults: keeps Application Auto Scaling tags moto lacks (no retry storms).
  backend = await startFaultProxy({ target: moto, seed: 0, rate: 0, awsSemantics: true });
  broken = await startBreakingProxy(backend.url);
  process.env.AWS_ENDPOINT_URL = broken.url;
  dir = tempDir('sagezero-broken-describe-');
  cfgFile = path.join(dir, 'broken.yaml');
  writeFileSync(
    cfgFile,
    `region: us-east-1
cloud: aws
project: brokendesc
store: ./var/store.db
endpoints:
  - name: ${NAME}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-brokendesc/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-brokendesc/out/ }
    scaling: { preset: aws-recommended }
`,
  );
  config = loadConfig(cfgFile);
  expect(await runApply({ config: cfgFile, yes: true, waitTimeout: '5' }, out)).toBe(0);
  // The store holds history before anything breaks: the endpoint's creation and a first poll.
  const first = await pollThroughBrokenProxy(undefined);
  expect(first.errors).toEqual([]);
  expect(first.endpoints[0]).toMatchObject({ status: 'InService', instances: 1 });
});

afterAll(async () => {
  if (config) expect(await runDestroy({ config: cfgFile, yes: true, waitTimeout: '5' }, out)).toBe(0);
  await broken?.close();
  await backend?.close();
});

describe('DescribeEndpoint with fields missing or malformed', () => {
  it.each(REQUIRED)(
    'without %s: plan exits 1 naming the field, no stack trace',
    async (_, breakage, what) => {
      broken.breakage = breakage;
      const before = broken.rewritten;
      const r = await runCli(['plan', '-c', cfgFile], { env: env() });
      broken.breakage = undefined;
      expect(broken.rewritten).toBeGreaterThan(before);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `error: SageMaker DescribeEndpoint for endpoint "${NAME}" returned ${what}; `,
      );
      expect(r.stderr).not.toMatch(/looks like a bug|TypeError|\n\s+at /);
      expect(r.stdout).toBe('');
    },
  );

  it.each([...REQUIRED, ...MALFORMED])(
    'with %s: the telemetry poll records a clear error for the endpoint and keeps every stored row',
    async (_, breakage, what) => {
      const before = await stored();
      expect(before.transitions.length).toBeGreaterThan(0);
      const r = await pollThroughBrokenProxy(breakage);
      expect(r.errors).toEqual([
        expect.stringContaining(`${NAME}: SageMaker DescribeEndpoint for endpoint "${NAME}" returned `),
      ]);
      expect(r.errors[0]).toContain(what);
      expect(r.endpoints[0]).toMatchObject({ endpoint: NAME, error: r.errors[0] });
      // Nothing was written from the broken answer, nothing was lost; the failure is on record.
      const after = await stored();
      expect(after.transitions).toEqual(before.transitions);
      expect(after.meta).toBe(before.meta);
      expect(after.lastError).toContain(what);
    },
  );

  it.each(MALFORMED)(
    'with %s (in process): plan reports a CloudError naming the field',
    async (_, breakage, what) => {
      broken.breakage = breakage;
      try {
        await expect(runPlan({ config: cfgFile }, out)).rejects.toThrow(
          new RegExp(
            `DescribeEndpoint for endpoint "${NAME}" returned .*${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
          ),
        );
      } finally {
        broken.breakage = undefined;
      }
    },
  );

  it('without every optional field at once: plan exits 0 (nothing to change) through the real CLI', async () => {
    broken.breakage = ALL_OPTIONAL;
    const before = broken.rewritten;
    const r = await runCli(['plan', '-c', cfgFile], { env: env() });
    broken.breakage = undefined;
    expect(broken.rewritten).toBeGreaterThan(before);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error|bug/i);
  });

  it.each(OPTIONAL)('without %s: plan and the telemetry poll keep working', async (_, breakage) => {
    broken.breakage = breakage;
    try {
      expect(await runPlan({ config: cfgFile }, out)).toBe(0);
    } finally {
      broken.breakage = undefined;
    }
    const before = await stored();
    const r = await pollThroughBrokenProxy(breakage);
    expect(r.errors).toEqual([]);
    expect(r.endpoints[0]).toMatchObject({ status: 'InService', instances: 1, changed: false });
    expect((await stored()).transitions).toEqual(before.transitions);
  });

  it('a Creating endpoint without ProductionVariants or counts (as AWS answers before the first instance): 0 instances, no error', async () => {
    const creating = all(set('EndpointStatus', 'Creating'), drop('ProductionVariants'));
    const r = await pollThroughBrokenProxy(creating);
    expect(r.errors).toEqual([]);
    expect(r.endpoints[0]).toMatchObject({ status: 'Creating', instances: 0 });
    // Back to the real answer: the instance comes back, and the history holds both transitions.
    const again = await pollThroughBrokenProxy(undefined);
    expect(again.endpoints[0]).toMatchObject({ status: 'InService', instances: 1, changed: true });
  });
});
