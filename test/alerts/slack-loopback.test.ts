// Alerts delivered through the real @slack/webhook client to a real HTTP server on loopback standing
// in for Slack: what is posted (Block Kit), de-duplication, resolve messages, retries on 5xx and 429,
// no retry on 4xx, an unreachable Slack, and the webhook URL never in logs, results or errors.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlerting } from '../../src/alerts/alerting.js';
import { alertsConfigSchema } from '../../src/alerts/config.js';
import type { AlertInputs } from '../../src/alerts/evaluate.js';
import { SlackNotifier } from '../../src/alerts/slack.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { ProbeResult } from '../../src/store/probes.js';
import { VirtualClock } from '../../src/clock.js';
import { RecordingSkippingClock } from '../probe/scripted-cloud.js';

const SECRET = 'xoxLoopbackS3cretT0ken42';
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);

interface Received {
  path: string;
  contentType: string | undefined;
  body: {
    text: string;
    blocks: {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { url?: string }[];
    }[];
  };
}

let server: Server;
let port: number;
const received: Received[] = [];
/** Responses to give, in order; when empty: 200 "ok". */
let script: { status: number; body?: string; headers?: Record<string, string> }[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  received.push({
    path: req.url ?? '',
    contentType: req.headers['content-type'],
    body: JSON.parse(raw) as Received['body'],
  });
  const next = script.shift() ?? { status: 200, body: 'ok' };
  res.writeHead(next.status, { 'content-type': 'text/plain', ...(next.headers ?? {}) });
  res.end(next.body ?? '');
}

afterAll(() => new Promise<void>((r) => server.close(() => r())));

let logText = '';
let store: Store;
beforeEach(async () => {
  received.length = 0;
  script = [];
  logText = '';
  store = await openStore(':memory:');
});
afterEach(() => store.close());

function logger(): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  return pino({ level: 'debug' }, sink);
}

function webhookUrl(p = port): string {
  return `http://127.0.0.1:${p}/services/T0LOOP/B0LOOP/${SECRET}`;
}

function alerting(clock: RecordingSkippingClock, url = webhookUrl()) {
  const config = alertsConfigSchema.parse({
    slack: { webhookUrl: url, mention: '@here', timeoutSeconds: 5 },
    dashboardUrl: 'http://127.0.0.1:8080/',
    repeatMinutes: 60,
  });
  return createAlerting({ config, state: store.alerts, clock, log: logger() });
}

function probe(outcome: ProbeResult['outcome'], startedAt: number, totalS = 1800): ProbeResult {
  return {
    id: `p-${startedAt}`,
    endpoint: 'llm-a',
    startedAt,
    finishedAt: startedAt + totalS * 1000,
    instancesAtStart: 0,
    cold: true,
    outcome,
    totalS,
    ...(outcome === 'timeout' ? { errorMessage: 'no output after 1800 s' } : {}),
  };
}

function inputs(now: number, probes: ProbeResult[]): AlertInputs {
  return { now, endpoints: [{ name: 'llm-a', probes, coldStartSloSeconds: 720 }] };
}

function assertNoSecret(...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(SECRET);
    expect(t).not.toContain('/services/T0LOOP/B0LOOP/');
  }
}

describe('Slack alerts over loopback HTTP', () => {
  it('posts a Block Kit message once, suppresses the repeat, and posts a resolve when it clears', async () => {
    const clock = new RecordingSkippingClock(T0);
    const a = alerting(clock);
    const failing = [probe('timeout', T0 - 2 * 3600_000)];

    const first = await a.evaluate(inputs(clock.now(), failing));
    expect(first.map((o) => o.action)).toEqual(['fired']);
    expect(received).toHaveLength(1);
    const msg = received[0]!;
    expect(msg.path).toBe(`/services/T0LOOP/B0LOOP/${SECRET}`);
    expect(msg.contentType).toBe('application/json');
    expect(msg.body.text).toMatch(
      /^<!here> Probe failed on llm-a: The last probe of llm-a timed out after 30m 00s\./,
    );
    expect(msg.body.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(msg.body.blocks[0]?.text?.text).toBe(':rotating_light: Probe failed on llm-a');
    expect(msg.body.blocks[2]?.fields?.map((f) => f.text)).toContain('*Outcome*\ntimeout');
    expect(msg.body.blocks[3]?.text?.text).toMatch(/^\*What to do:\* The endpoint did not wake/);
    expect(msg.body.blocks[4]?.elements?.[0]?.url).toBe('http://127.0.0.1:8080/?endpoint=llm-a');

    clock.advance(5 * MIN);
    expect((await a.evaluate(inputs(clock.now(), failing))).map((o) => o.action)).toEqual(['suppressed']);
    expect(received).toHaveLength(1);

    clock.advance(5 * MIN);
    // A cold start within the 720 s SLO: nothing else fires.
    const fixed = [...failing, probe('success', clock.now() - 8 * MIN, 400)];
    expect((await a.evaluate(inputs(clock.now(), fixed))).map((o) => o.action)).toEqual(['resolved']);
    expect(received).toHaveLength(2);
    expect(received[1]?.body.blocks[0]?.text?.text).toBe(
      ':white_check_mark: Resolved: Probe failed on llm-a',
    );
    expect(received[1]?.body.text).not.toContain('<!here>');
    expect(await store.alerts.get('probe-failed:llm-a')).toMatchObject({
      state: 'resolved',
      resolvedAt: clock.now(),
    });

    // Nothing more to say while it stays clear.
    clock.advance(5 * MIN);
    expect(await a.evaluate(inputs(clock.now(), fixed))).toEqual([]);
    expect(received).toHaveLength(2);
    assertNoSecret(logText);
  });

  it('retries a 500 with backoff on the clock and delivers', async () => {
    const clock = new RecordingSkippingClock(T0);
    const a = alerting(clock);
    script = [{ status: 500, body: 'internal_error' }, { status: 503 }];
    const [o] = await a.evaluate(inputs(clock.now(), [probe('timeout', T0 - 3600_000)]));
    expect(o?.action).toBe('fired');
    expect(received).toHaveLength(3);
    // The same message each time.
    expect(received[2]?.body).toEqual(received[0]?.body);
    // Two waits, each within [d/2, d] of the 2 s, 4 s schedule.
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(2000);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(2000);
    expect(clock.sleeps[1]).toBeLessThanOrEqual(4000);
    expect(logText).toContain('slack webhook delivery failed');
    expect(logText).toContain('"status":500');
    assertNoSecret(logText);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const clock = new RecordingSkippingClock(T0);
    const a = alerting(clock);
    script = [{ status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } }];
    const [o] = await a.evaluate(inputs(clock.now(), [probe('timeout', T0 - 3600_000)]));
    expect(o?.action).toBe('fired');
    expect(clock.sleeps).toEqual([7000]);
  });

  it('does not retry a 4xx, and an error body quoting the URL is redacted everywhere', async () => {
    const clock = new RecordingSkippingClock(T0);
    const a = alerting(clock);
    script = [{ status: 404, body: `no_service: ${webhookUrl()} /services/T0LOOP/B0LOOP/${SECRET}` }];
    const [o] = await a.evaluate(inputs(clock.now(), [probe('timeout', T0 - 3600_000)]));
    expect(o?.action).toBe('failed');
    expect(o?.error).toMatch(/statusCode = 404/);
    expect(o?.error).toContain('no_service');
    expect(received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    // Not notified: the next evaluation tries again.
    expect((await store.alerts.get('probe-failed:llm-a'))?.lastNotifiedAt).toBeUndefined();
    assertNoSecret(logText, JSON.stringify(o), JSON.stringify(await store.alerts.all()));
  });

  it('gives up on an unreachable Slack after its attempts without throwing, and without the URL', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));

    const clock = new RecordingSkippingClock(T0);
    const a = alerting(clock, webhookUrl(deadPort));
    const [o] = await a.evaluate(inputs(clock.now(), [probe('timeout', T0 - 3600_000)]));
    expect(o?.action).toBe('failed');
    expect(o?.error).toMatch(/ECONNREFUSED/);
    expect(clock.sleeps).toHaveLength(4); // five attempts
    assertNoSecret(logText, JSON.stringify(o));
  });

  it('stops waiting between attempts when its signal aborts (the daemon is stopping): no retry', async () => {
    // A clock that waits for real (VirtualClock only moves when advanced): without the signal, the
    // retry after the 500 would wait here forever.
    const abort = new AbortController();
    const n = new SlackNotifier(webhookUrl(), { clock: new VirtualClock(T0), signal: abort.signal });
    script = [{ status: 500, body: 'internal_error' }];
    const sending = n.send({ text: 'hello', blocks: [] });
    while (received.length < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    const r = await sending;
    expect(r).toMatchObject({ ok: false, attempts: 1, status: 500 });
    expect(received).toHaveLength(1);
  });

  it('keeps the URL out of serialisations and inspection of the notifier', () => {
    const n = new SlackNotifier(webhookUrl(), { clock: new RecordingSkippingClock(T0) });
    assertNoSecret(JSON.stringify(n), inspect(n, { depth: 5, showHidden: true }), JSON.stringify({ n }));
    const a = alerting(new RecordingSkippingClock(T0));
    assertNoSecret(inspect(a, { depth: 5 }), a.redact(`posting to ${webhookUrl()} failed`));
  });
});
