// A port someone else holds: `serve` and `start` say how to pick another one (--port, server.port)
// and exit 1 without calling it a bug or printing a stack, through the real CLI in a child process
// (so a listener or timer left open by the failed start would show up as a hang).
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

let occupier: Server;
let busyPort: number;
let dir: string;

function config(port: number): string {
  const file = path.join(dir, `port-${port}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: porttest
store: ./port.db
server: { port: ${port} }
endpoints:
  - name: port-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.2xlarge
    async: { outputPath: s3://sagezero-port/out/ }
`,
  );
  return file;
}

beforeAll(async () => {
  dir = tempDir('sagezero-port-');
  occupier = createServer();
  await new Promise<void>((r) => occupier.listen(0, '127.0.0.1', r));
  busyPort = (occupier.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => occupier.close(() => r())));

function expectAdvice(stderr: string, file: string): void {
  expect(stderr).toContain(`cannot listen on 127.0.0.1:${busyPort}: port ${busyPort} is already in use`);
  expect(stderr).toContain('--port');
  expect(stderr).toContain(`server.port in ${file}`);
  expect(stderr).toContain(`--port ${busyPort + 1}`);
  expect(stderr).not.toMatch(/bug in sagezero/);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('port already in use', () => {
  it('serve --port BUSY: names --port and server.port, exit 1', async () => {
    const file = config(0);
    const r = await runCli(['serve', '-c', file, '--port', String(busyPort)]);
    expectAdvice(r.stderr, file);
    expect(r.code).toBe(1);
  });

  it('start with server.port BUSY in the config: the same advice', async () => {
    const file = config(busyPort);
    const r = await runCli(['start', '-c', file]);
    expectAdvice(r.stderr, file);
    expect(r.code).toBe(1);
  });
});
