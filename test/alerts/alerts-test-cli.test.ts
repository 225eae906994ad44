// `sagezero alerts test` against a loopback HTTP server standing in for Slack: one message posted,
// Slack's answer printed, exit 0 sent / 1 failed, and the webhook URL (a secret) never in the output,
// whatever Slack or the network says. The success path runs the real CLI in a child process; the
// failures run main() in this process (the same parsing and exit codes, without a tsx start each).
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli, type CliResult } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const SECRET = 'AlertsTestCliS3cretT0ken77';

let server: Server;
let port: number;
let dir: string;
let file: string;
const received: { path: string; body: { text: string; blocks: unknown[] } }[] = [];
let reply: { status: number; body: string } = { status: 200, body: 'ok' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(raw) as (typeof received)[number]['body'] });
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  dir = tempDir('sagezero-alerts-test-');
  file = path.join(dir, 'alerts.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: alertstest
store: ./alerts.db
alerts:
  slack: { webhookUrl: "\${SLACK_WEBHOOK_URL:-}", mention: "@here", timeoutSeconds: 5 }
endpoints:
  - name: alerts-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.2xlarge
    async: { outputPath: s3://sagezero-alerts/out/ }
`,
  );
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  received.length = 0;
  reply = { status: 200, body: 'ok' };
});

function webhook(p = port): string {
  return `http://127.0.0.1:${p}/services/T0ALRT/B0ALRT/${SECRET}`;
}

async function alertsTest(webhookUrl: string | undefined): Promise<CliResult> {
  const before = process.env.SLACK_WEBHOOK_URL;
  if (webhookUrl === undefined) delete process.env.SLACK_WEBHOOK_URL;
  else process.env.SLACK_WEBHOOK_URL = webhookUrl;
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(['alerts', 'test', '-c', file], {
      out: (l) => (stdout += `${l}\n`),
      err: (l) => (stderr += `${l}\n`),
      interactive: false,
    });
    return { code, stdout, stderr };
  } finally {
    if (before === undefined) delete process.env.SLACK_WEBHOOK_URL;
    else process.env.SLACK_WEBHOOK_URL = before;
  }
}

function expectNoSecret(r: CliResult): void {
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout + r.stderr).not.toContain('/services/T0ALRT');
}

describe('sagezero alerts test', () => {
  it('posts one test message and prints that Slack accepted it (exit 0)', async () => {
    const r = await runCli(['alerts', 'test', '-c', file], { env: { SLACK_WEBHOOK_URL: webhook() } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Slack accepted the test message (HTTP 200');
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe(`/services/T0ALRT/B0ALRT/${SECRET}`);
    expect(received[0]?.body.text).toContain('sagezero test notification for project `alertstest`');
    expect(received[0]?.body.text).toContain('nothing is wrong');
    // A test must not page the channel.
    expect(JSON.stringify(received[0]?.body)).not.toContain('<!here>');
    expectNoSecret(r);
  });

  it("prints Slack's refusal and exits 1, once, without the URL Slack echoed back", async () => {
    reply = { status: 404, body: `no_service ${webhook()}` };
    const r = await alertsTest(webhook());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Slack answered HTTP 404');
    expect(r.stderr).toContain('no_service');
    expect(r.stderr).toContain('create a new incoming webhook');
    expect(received).toHaveLength(1);
    expectNoSecret(r);
  });

  it('says it could not reach Slack when nothing listens (exit 1)', async () => {
    const closed = createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    const r = await alertsTest(webhook(deadPort));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach 127.0.0.1:${deadPort}`);
    expect(r.stderr).not.toMatch(/bug in sagezero|^\s+at /m);
    expectNoSecret(r);
  });

  it('names the key and the variable when no webhook is configured (exit 1, nothing sent)', async () => {
    const r = await alertsTest(undefined);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no Slack webhook configured in ${file}`);
    expect(r.stderr).toContain('alerts.slack.webhookUrl');
    expect(r.stderr).toContain('SLACK_WEBHOOK_URL');
    expect(r.stderr).not.toMatch(/bug in sagezero|^\s+at /m);
    expect(received).toHaveLength(0);
  });
});
