// The daemon (reconcile, telemetry, probes, alerts, HTTP) with the real AWS provider, through the
// fault-injecting proxy in front of moto, and a loopback Slack webhook:
// 1. 30% injected faults: /healthz keeps answering, the endpoint is provisioned, telemetry polls
//    and a probe complete, and the faults the SDK retried away are counted in /metrics by error code
//    (the proxy's own record of retried faults is the ground truth).
// 2. A sustained outage (every request answered 503): exactly one "AWS API calls keep failing"
//    alert reaches Slack, however long it lasts.
// 3. Recovery: that alert resolves, once.
// The daemon runs on a ScaledClock (wall time × 30) so its minute-based rules play out in seconds;
// the SDK, its retries and backoff, the sockets, the proxy and moto all run in real time.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { loadConfig } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { motoEnv } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { parseExposition } from '../support/prometheus.js';
import { ScaledClock } from '../support/scaled-clock.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const SEED = Number(process.env.FAULT_SEED ?? 20261126);
const SPEED = 30;
const NAME = 'faults-serve-llm';
const BUCKET = 'sagezero-faultserve';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const WEBHOOK_PATH = '/services/T0FAULTS/B0FAULTS/webhook-secret-0123456789';

interface SlackPost {
  at: number;
  text: string;
}

let proxy: FaultProxy;
let slack: Server;
const posts: SlackPost[] = [];
let outage = false;
let store: Store;
let daemon: RunningDaemon;
let logText = '';
const health: { status: number | 'error'; ms: number }[] = [];
let healthLoop: Promise<void> | undefined;
let stopHealth = false;
let stopped = false;
let clock: ScaledClock;
let started = 0;

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; slack:\n${posts.map((p) => p.text.slice(0, 200)).join('\n')}\nlog tail:\n${logText.slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function metrics(): Promise<ReturnType<typeof parseExposition>> {
  const res = await fetch(`${daemon.url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** The alert's headline from a Slack post's fallback text (`<title>: <summary>`, resolves prefixed). */
function title(p: SlackPost): string {
  const text = (JSON.parse(p.text) as { text: string }).text;
  const resolved = text.startsWith('Resolved: ');
  const head = (resolved ? text.slice('Resolved: '.length) : text).split(': ')[0] ?? '';
  return resolved ? `Resolved: ${head}` : head;
}

const apiAlertPosts = (): SlackPost[] => posts.filter((p) => p.text.includes('AWS API calls keep failing'));

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto, credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);

  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push({ at: Date.now(), text: body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  const slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}${WEBHOOK_PATH}`;

  // Throttles weigh less than the other faults only to keep the test fast (see apply-under-faults).
  proxy = await startFaultProxy({
    target: moto,
    seed: SEED,
    rate: 0.3,
    awsSemantics: true,
    weights: { throttle: 10, error500: 20, error503: 20, reset: 20, resetAfterForward: 15, slow: 15 },
    onRequest: () => (outage ? 'error503' : 'pass'),
  });

  const dir = tempDir('sagezero-serve-faults-');
  const file = path.join(dir, 'faults.yaml');
  writeFileSync(
    file,
    `region: us-east-1
project: faultserve
store: ./faults.db
server: { port: 0 }
daemon:
  reconcileSchedule: "*/5 * * * *"
  telemetrySchedule: "* * * * *"
  alertsSchedule: "* * * * *"
alerts:
  slack: { webhookUrl: "${slackUrl}" }
  apiErrorMinutes: 5
endpoints:
  - name: ${NAME}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://${BUCKET}/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://${BUCKET}/out/ }
    probe:
      schedule: "*/4 * * * *"
      payload: { inputs: "hi" }
      timeoutSeconds: 900
      bucket: s3://${BUCKET}/probes/
`,
  );
  const config = loadConfig(file);
  clock = new ScaledClock(SPEED);
  started = clock.now();
  store = await openStore(config.storePath);
  const redactor = new Redactor();
  redactor.add(slackUrl);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const cloud = createAwsCloud({
    region: config.region,
    endpoint: proxy.url,
    credentials,
    observer: storeApiCallObserver(store, clock),
  });
  daemon = await startDaemon({
    config,
    cloud,
    clock,
    scheduler: new ClockScheduler(clock),
    store,
    log: createLogger(redactor, sink),
    prices: new PriceResolver({ store, clock, pricing: config.pricing }),
    listen: { host: '127.0.0.1', port: 0 },
  });

  // /healthz, asked every 100 ms of real time from start to finish, each with a 2 s deadline.
  healthLoop = (async () => {
    while (!stopHealth) {
      const t0 = Date.now();
      try {
        const r = await fetch(`${daemon.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await r.text();
        health.push({ status: r.status, ms: Date.now() - t0 });
      } catch {
        health.push({ status: 'error', ms: Date.now() - t0 });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}, 60_000);

afterAll(async () => {
  if (process.env.FAULT_LOG) writeFileSync(process.env.FAULT_LOG, logText);
  stopHealth = true;
  await healthLoop;
  if (!stopped) await daemon?.stop();
  await store?.close();
  await proxy?.close();
  await new Promise<void>((r) => slack?.close(() => r()));
});

describe('serve under injected faults', () => {
  it('keeps serving at 30% faults, alerts once on a sustained outage, and resolves once', async () => {
    // --- 30% faults: provisioned, polled, probed; the SDK's retries show in /metrics.
    await until(
      'the endpoint to be provisioned',
      () => (logText.includes('"msg":"provisioned"') ? true : undefined),
      90_000,
    );
    await until(
      'a successful telemetry poll',
      async () =>
        (await store.controllers.all()).some((c) => c.controller === 'telemetry' && c.okCount > 0)
          ? true
          : undefined,
      90_000,
    );
    await until(
      'a successful probe',
      async () =>
        (await store.probes.between(NAME, 0, Number.MAX_SAFE_INTEGER)).find((p) => p.outcome === 'success'),
      120_000,
    );
    // Ten simulated minutes of 30% faults in all, polled every minute.
    await until(
      'ten simulated minutes',
      () => (clock.now() - started >= 10 * 60_000 ? true : undefined),
      60_000,
    );
    const polls = (await store.controllers.all()).find((c) => c.controller === 'telemetry');
    expect(polls?.okCount).toBeGreaterThanOrEqual(5);
    const afterFaults = await metrics();
    const retriedInMetrics = afterFaults
      .filter((x) => x.name === 'sagezero_aws_api_retried_errors_total')
      .reduce((n, x) => n + x.value, 0);
    expect(proxy.retriedFaults().length).toBeGreaterThan(0);
    expect(retriedInMetrics).toBeGreaterThan(0);
    // 30% faults the SDK retries away are not an outage: nobody is paged.
    expect(posts.map((p) => title(p))).toEqual([]);
    const phaseA = {
      requests: proxy.requests.length,
      injected: proxy.injected.length,
      polls: polls?.okCount,
    };

    // --- Sustained outage: every request 503.
    outage = true;
    const outageStart = Date.now();
    await until('the AWS API alert', () => (apiAlertPosts().length > 0 ? true : undefined), 120_000);
    // Five more simulated minutes of outage: still one alert, no repeats.
    await new Promise((r) => setTimeout(r, (5 * 60_000) / SPEED));
    const duringOutage = await metrics();
    const sum = (name: string, labels: Record<string, string> = {}) =>
      duringOutage
        .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
        .reduce((n, x) => n + x.value, 0);
    expect(sum('sagezero_aws_api_calls_total', { outcome: 'error' })).toBeGreaterThan(0);
    expect(sum('sagezero_controller_errors_total', { controller: 'telemetry' })).toBeGreaterThan(0);
    expect(sum('sagezero_aws_api_retried_errors_total', { code: 'ServiceUnavailable' })).toBeGreaterThan(0);
    const outagePosts = posts.filter((p) => p.at >= outageStart);
    // One alert for the outage: the failing controllers and probes are held behind it.
    expect(outagePosts.map((p) => title(p))).toEqual(['AWS API calls keep failing']);
    expect(outagePosts[0]?.text).toContain('Also failing (held)');

    // --- Recovery: AWS answers again.
    outage = false;
    proxy.setRate(0);
    const recovered = Date.now();
    await until('the resolve', () => (posts.some((p) => p.at >= recovered) ? true : undefined), 120_000);
    // A few more simulated minutes: nothing else is sent.
    await new Promise((r) => setTimeout(r, (4 * 60_000) / SPEED));
    expect(posts.filter((p) => p.at >= recovered).map((p) => title(p))).toEqual([
      'Resolved: AWS API calls keep failing',
    ]);
    await until(
      'a successful telemetry poll after the outage',
      async () =>
        (await store.controllers.all()).find((c) => c.controller === 'telemetry')?.consecutiveErrors === 0
          ? true
          : undefined,
      60_000,
    );

    stopHealth = true;
    await healthLoop;
    await daemon.stop();
    stopped = true;

    // /healthz answered every time, through faults and outage.
    const slowest = Math.max(...health.map((h) => h.ms));
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((h) => h.status !== 200)).toEqual([]);

    // Every retry the proxy saw (a second or later attempt of one SDK invocation) is in the store's
    // retried-error counts. The store may count a few more, and only network errors: an attempt that
    // died on a pooled connection the proxy had already closed never reached the proxy to be seen.
    const attempts = new Map<string, number>();
    for (const r of proxy.requests)
      if (r.invocationId) attempts.set(r.invocationId, (attempts.get(r.invocationId) ?? 0) + 1);
    const retriesOnWire = [...attempts.values()].reduce((n, a) => n + a - 1, 0);
    const retriesCounted = (await store.apiCalls.retryTotals()).reduce((n, t) => n + t.count, 0);
    const network = (await store.apiCalls.retryTotals())
      .filter((t) => /^(TimeoutError|ECONNRESET|EPIPE|ECONNREFUSED|NetworkingError)$/.test(t.errorCode))
      .reduce((n, t) => n + t.count, 0);
    expect(retriesCounted).toBeGreaterThanOrEqual(retriesOnWire);
    expect(retriesCounted - retriesOnWire).toBeLessThanOrEqual(network);
    // Jittered backoff: the wait before a retry differs from one failed call to the next.
    const firstRetryWaits: number[] = [];
    const byInvocation = new Map<string, number[]>();
    for (const r of proxy.requests) {
      if (!r.invocationId) continue;
      const times = byInvocation.get(r.invocationId) ?? [];
      times.push(r.at);
      byInvocation.set(r.invocationId, times);
    }
    for (const times of byInvocation.values())
      if (times.length > 1) firstRetryWaits.push(times[1]! - times[0]!);
    expect(firstRetryWaits.length).toBeGreaterThan(2);
    expect(new Set(firstRetryWaits).size).toBeGreaterThan(1);
    const byCode = new Map<string, number>();
    for (const t of await store.apiCalls.retryTotals())
      byCode.set(t.errorCode, (byCode.get(t.errorCode) ?? 0) + t.count);
    console.log(
      [
        `30% phase: ${JSON.stringify(phaseA)}`,
        `requests through the proxy: ${proxy.requests.length}, faults injected: ${proxy.injected.length} (${JSON.stringify(proxy.counts())})`,
        `SDK retries on the wire: ${retriesOnWire}, counted in the store: ${retriesCounted} (${JSON.stringify(Object.fromEntries(byCode))})`,
        `first-retry waits (ms, wire): ${firstRetryWaits.sort((a, b) => a - b).join(' ')}`,
        `healthz: ${health.length} answers, all 200, slowest ${slowest} ms`,
        ...posts.map((p) => `slack ${new Date(p.at).toISOString()} ${title(p)}`),
      ].join('\n'),
    );
  });
});
