// `sagezero invoke` on realtime endpoints: the component is chosen by --component (or is the only
// one), wrong choices are clear errors, and a cold component is retried with the wait reported.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerInvoke } from '../../src/cli/commands/invoke.js';
import { runRealtimeInvoke } from '../../src/cli/commands/invoke-realtime.js';
import type { Output } from '../../src/cli/output.js';
import type { ComponentConfig, RealtimeEndpointConfig } from '../../src/config/load.js';
import { RecordingSkippingClock } from '../probe/scripted-cloud.js';
import { COMPONENT, ENDPOINT, WakingComponentCloud } from '../probe/waking-component.js';
import { tempDir } from '../support/temp-dir.js';

const MODEL = '{ image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }';
let dir: string;
let file: string;
let payload: string;

beforeEach(() => {
  dir = tempDir('sagezero-invoke-rt-');
  file = path.join(dir, 'rt.yaml');
  payload = path.join(dir, 'req.json');
  writeFileSync(payload, '{"inputs":"hi"}');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
store: ./var/rt.db
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: arn:aws:iam::123456789012:role/x
    managedScaling: { minInstances: 0, maxInstances: 1 }
    components:
      - { name: llm, model: ${MODEL}, acceleratorsPerCopy: 2, memoryMb: 8192 }
      - { name: embed, model: ${MODEL}, acceleratorsPerCopy: 1, memoryMb: 4096 }
  - name: batch
    model: ${MODEL}
    executionRoleArn: arn:aws:iam::123456789012:role/x
    instanceType: ml.g5.xlarge
    async: { outputPath: s3://bucket/out/ }
`,
  );
});

async function run(...args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
  let code = -1;
  const program = new Command('sagezero').exitOverride();
  registerInvoke(program, out, (c) => (code = c));
  await program.parseAsync(['invoke', '-c', file, '--payload', payload, ...args], { from: 'user' });
  return { code, stdout, stderr };
}

describe('sagezero invoke, realtime endpoints', () => {
  it('asks for --component when the endpoint has several, naming them', async () => {
    await expect(run('--endpoint', 'chat')).rejects.toThrow(
      `--component is required: endpoint chat in ${file} has several components (llm, embed)`,
    );
  });

  it('names the components when --component matches none', async () => {
    await expect(run('--endpoint', 'chat', '--component', 'nope')).rejects.toThrow(
      `--component nope: endpoint chat in ${file} has no such component (it has: llm, embed)`,
    );
  });

  it('refuses --component on an async endpoint and --bucket on a realtime one', async () => {
    await expect(run('--endpoint', 'batch', '--component', 'llm')).rejects.toThrow(
      '--component applies to realtime endpoints only; batch is an async endpoint (it has no inference components)',
    );
    await expect(run('--endpoint', 'chat', '--component', 'llm', '--bucket', 's3://b/p/')).rejects.toThrow(
      '--bucket applies to async endpoints only; chat is a realtime endpoint (its requests are not queued)',
    );
  });

  it('lists realtime endpoints among the known ones', async () => {
    await expect(run('--endpoint', 'nope')).rejects.toThrow(/no such endpoint in .* \(it has: batch, chat\)/);
  });
});

/** Supplies the retry jitter (as the simulated cloud does from its seed): every draw 1. */
class SeededCloud extends WakingComponentCloud {
  jitterRandom(): number {
    return 1;
  }
}

describe('runRealtimeInvoke', () => {
  const endpoint = { name: ENDPOINT } as RealtimeEndpointConfig;
  const component = { name: 'llama', componentName: COMPONENT } as ComponentConfig;

  it('prints the answer on stdout, each refused attempt and the wait on stderr', async () => {
    const clock = new RecordingSkippingClock(Date.UTC(2026, 0, 5));
    const cloud = new SeededCloud(clock, {
      initialCopies: 0,
      alarmAfterMs: 20_000,
      copyScheduledAfterMs: 30_000,
      instanceAfterMs: 40_000,
      copyReadyAfterMs: 60_000,
    });
    cloud.invokeAnswer = () => ({ body: new TextEncoder().encode('{"out":"hello"}\n') });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out: Output = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
    const code = await runRealtimeInvoke(
      cloud,
      clock,
      endpoint,
      component,
      { payload: new TextEncoder().encode('{}'), contentType: 'application/json', timeoutSeconds: 600 },
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toEqual(['{"out":"hello"}']);
    // The cloud's draws are 1, so the delays are 2, 4, 8, 16, 20, 20 s: refused at +0, 2, 6, 14, 30,
    // 50 s, answered at +70 s (the copy serves from +60 s).
    expect(stderr).toEqual([
      'chat/chat-llama: attempt 1 failed: no capacity yet (the component is waking); retrying in 2s (0s elapsed)',
      'chat/chat-llama: attempt 2 failed: no capacity yet (the component is waking); retrying in 4s (2s elapsed)',
      'chat/chat-llama: attempt 3 failed: no capacity yet (the component is waking); retrying in 8s (6s elapsed)',
      'chat/chat-llama: attempt 4 failed: no capacity yet (the component is waking); retrying in 16s (14s elapsed)',
      'chat/chat-llama: attempt 5 failed: no capacity yet (the component is waking); retrying in 20s (30s elapsed)',
      'chat/chat-llama: attempt 6 failed: no capacity yet (the component is waking); retrying in 20s (50s elapsed)',
      'answered after 1m 10s (waited 1m 10s, 6 failed attempts):',
    ]);
  });
});
