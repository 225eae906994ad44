// `sagezero serve` as a child process on a fresh sim store with `sim.history`: while it simulates the
// history it answers /healthz and counts the days on stderr, posts nothing to Slack about the simulated
// past (the alerts are recorded), and SIGTERM in the middle of it stops it cleanly with exit 0.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { ROOT } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('sagezero serve with sim.history (child process)', () => {
  it('answers and reports progress while catching up, sends no Slack posts about the past, and stops cleanly on SIGTERM', async () => {
    let posts = 0;
    const slack = createServer((req, res) => {
      posts++;
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T0/B0/historytest`;

    const dir = tempDir('sagezero-history-proc-');
    const file = path.join(dir, 'hist.yaml');
    writeFileSync(
      file,
      `region: us-east-1
cloud: sim
project: histproc
store: ./hist.db
sim:
  bootSeconds: 480
  history: 7d
  traffic: { trace: ${path.join(ROOT, 'data/traces/demo-azure-functions.csv')}, format: azure-functions, select: [30a976ce7f] }
daemon: { alertsSchedule: "*/15 * * * *" }
server: { port: 0 }
alerts:
  slack: { webhookUrl: "${hook}" }
endpoints:
  - name: hist-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-hist/out/ }
    probe:
      schedule: "15 */2 * * *"
      payload: { inputs: "ping" }
      timeoutSeconds: 1800
      coldStartSloSeconds: 60 # every cold probe (an 8-minute boot) raises an alert
      bucket: s3://sagezero-hist/probes/
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '-c', file], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      const url = await waitFor(
        () => /sagezero dashboard: (http:\/\/\S+?)\/?$/m.exec(stderr)?.[1],
        60_000,
        () => stderr,
      );
      await waitFor(
        () => (stderr.includes('catching up: simulated day 2 of 7') ? true : undefined),
        120_000,
        () => stderr,
      );
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, project: 'histproc', cloud: 'sim' });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await new Promise<void>((r) => slack.close(() => r()));
    }

    expect(stderr).toMatch(/^catching up: simulated day 1 of 7$/m);
    expect(stderr).not.toContain('caught up');
    // Alerts about the simulated past: recorded and logged, never posted.
    expect(posts).toBe(0);
    expect(stdout).toContain('Slack post not sent: simulated history (catching up)');

    const store = openSqliteStore(path.join(dir, 'hist.db'));
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const alerts = store.db.prepare('SELECT COUNT(*) FROM alerts').pluck().get() as number;
      expect(alerts).toBeGreaterThan(0);
      const probes = await store.probes.between('hist-llm', 0, Number.MAX_SAFE_INTEGER);
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.every((p) => p.outcome !== 'running')).toBe(true);
      // The history it simulated starts at the endpoint's creation, about seven days before the live start.
      const first = await store.instances.first('hist-llm', 'AllTraffic');
      expect(first).toBeDefined();
      const last = store.db.prepare('SELECT MAX(at) FROM instance_transitions').pluck().get() as number;
      expect(last - first!.at).toBeGreaterThan(86_400_000);
      expect(last - first!.at).toBeLessThan(7 * 86_400_000);
    } finally {
      await store.close();
    }
  }, 240_000);
});

async function waitFor<T>(get: () => T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
