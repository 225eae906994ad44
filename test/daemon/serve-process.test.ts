// `sagezero serve` as a child process on the simulated cloud: it answers /healthz, runs a probe on
// its schedule, and on SIGTERM stops cleanly with exit 0, leaving no probe marked running.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/index.js';
import { ROOT } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SECRET = 'https://hooks.slack.com/services/T0TEST/B0TEST/serveprocesssecret1234';
const TOKEN = 'api-token-serveprocess-5678';

describe('sagezero serve (child process, cloud: sim)', () => {
  it('answers /healthz, probes on schedule, and exits 0 on SIGTERM', async () => {
    const dir = tempDir('sagezero-serve-');
    const file = path.join(dir, 'serve.yaml');
    writeFileSync(
      file,
      `region: us-east-1
cloud: sim
project: servetest
store: ./serve.db
sim:
  bootSeconds: 300
  speed: 1200 # twenty simulated minutes per real second
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions }
server: { port: 0, authTokenEnv: TEST_API_TOKEN }
alerts:
  slack: { webhookUrl: "\${TEST_WEBHOOK}" }
endpoints:
  - name: serve-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.2xlarge
    async: { outputPath: s3://sagezero-serve/out/ }
    probe:
      schedule: "*/20 * * * *"
      payload: { inputs: "ping" }
      timeoutSeconds: 1800
      bucket: s3://sagezero-serve/probes/
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '-c', file], {
      cwd: ROOT,
      env: { ...process.env, TEST_WEBHOOK: SECRET, TEST_API_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const url = await waitFor(
      () => /sagezero dashboard: (http:\/\/\S+?)\/?$/m.exec(stderr)?.[1],
      60_000,
      () => stderr,
    );
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, project: 'servetest', cloud: 'sim' });

    await waitFor(
      () => (stdout.includes('"msg":"probe finished"') ? true : undefined),
      90_000,
      () => stdout.slice(-2000),
    );
    expect((await fetch(`${url}/api/v1/endpoints`)).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const endpoints = await (await fetch(`${url}/api/v1/endpoints`, auth)).text();
    expect(endpoints).toContain('serve-llm');
    // Everything a person or a scraper can read, after a run that used both secrets.
    const surfaces = [
      endpoints,
      await (await fetch(`${url}/api/v1/report?since=1d`, auth)).text(),
      await (await fetch(`${url}/api/v1/report.csv?since=1d`, auth)).text(),
      await (await fetch(`${url}/metrics`)).text(),
      await (await fetch(`${url}/`)).text(),
      await (await fetch(`${url}/api/v1/report?since=bogus`, auth)).text(),
    ];

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
    for (const text of [stdout, stderr, ...surfaces]) {
      expect(text).not.toContain('serveprocesssecret1234');
      expect(text).not.toContain(TOKEN);
    }

    const config = loadConfig(file, { ...process.env, TEST_WEBHOOK: SECRET, TEST_API_TOKEN: TOKEN });
    const store = await openStore(config.storePath);
    try {
      const probes = await store.probes.between('serve-llm', 0, Number.MAX_SAFE_INTEGER);
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.filter((p) => p.outcome === 'running')).toEqual([]);
      expect(probes.some((p) => p.outcome === 'success')).toBe(true);
    } finally {
      await store.close();
    }
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
