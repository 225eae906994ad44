// Two `serve` processes on one store (cloud: aws, moto): only the lease holder acts; the other stands
// by and takes over when the first is killed with SIGKILL. Nothing is created twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/index.js';
import { motoEnv, ROOT } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const children: ChildProcess[] = [];

interface Serve {
  child: ChildProcess;
  out: () => string;
  url: Promise<string>;
  exited: Promise<number | null>;
}

function serve(file: string): Serve {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '-c', file], {
    cwd: ROOT,
    env: { ...process.env, ...motoEnv(inject('motoEndpoint')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    out: () => out,
    url: waitFor(
      () => /sagezero dashboard: (http:\/\/\S+?)\/?$/m.exec(out)?.[1],
      60_000,
      () => out,
    ),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('two serve processes on one store', () => {
  it('elects one leader; the standby takes over after the leader is killed; no double actions', async () => {
    const dir = tempDir('sagezero-lease-');
    const file = path.join(dir, 'lease.yaml');
    writeFileSync(
      file,
      `region: us-east-1
project: leasetest
store: ./lease.db
server: { port: 0 }
daemon: { leaseSeconds: 2 }
endpoints:
  - name: lease-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-lease/out/ }
`,
    );
    const a = serve(file);
    const urlA = await a.url;
    await waitFor(() => (a.out().includes('"msg":"acting as leader"') ? true : undefined), 60_000, a.out);
    // The leader provisions the endpoint at once.
    await waitFor(() => (a.out().includes('"msg":"provisioned"') ? true : undefined), 90_000, a.out);

    const b = serve(file);
    const urlB = await b.url;
    await waitFor(() => (b.out().includes('standing by') ? true : undefined), 60_000, b.out);
    expect(await role(urlA)).toBe('leader');
    expect(await role(urlB)).toBe('standby');

    const reconcilesBefore = await storeCount(file, 'reconcile');
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor(() => (b.out().includes('"msg":"acting as leader"') ? true : undefined), 60_000, b.out);
    expect(await role(urlB)).toBe('leader');
    // The new leader reconciles at once and finds nothing to do.
    await waitFor(
      async () => ((await storeCount(file, 'reconcile')) > reconcilesBefore ? true : undefined),
      60_000,
      b.out,
    );

    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    const store = await openStore(loadConfig(file).storePath);
    try {
      const creates = (await store.apiCalls.totals()).filter(
        (t) =>
          t.ok &&
          /^Create(Model|EndpointConfig|Endpoint)$|^RegisterScalableTarget$|^PutScalingPolicy$|^PutMetricAlarm$/.test(
            t.operation,
          ),
      );
      // One of each create (two policies), however many processes ran.
      const byOp = Object.fromEntries(creates.map((t) => [t.operation, t.count]));
      expect(byOp).toMatchObject({
        CreateModel: 1,
        CreateEndpointConfig: 1,
        CreateEndpoint: 1,
        RegisterScalableTarget: 1,
        PutScalingPolicy: 2,
        PutMetricAlarm: 1,
      });
      // Released on the clean stop: the row stays (its term goes on), ending then.
      expect((await store.leases.get('daemon'))?.expiresAt).toBeLessThanOrEqual(Date.now());
    } finally {
      await store.close();
    }
  });
});

async function storeCount(file: string, controller: string): Promise<number> {
  const store = await openStore(loadConfig(file).storePath);
  try {
    const r = await store.controllers.get(controller);
    return (r?.okCount ?? 0) + (r?.errorCount ?? 0);
  } finally {
    await store.close();
  }
}

async function role(url: string): Promise<string> {
  const r = (await (await fetch(`${url}/healthz`)).json()) as { role?: string };
  return r.role ?? '';
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  context: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
