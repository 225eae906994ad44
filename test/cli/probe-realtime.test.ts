// `sagezero probe` on a realtime endpoint, on the CLI's own simulated region: the component (the only
// one, or --component) is probed as the daemon probes it, the run prints its phases and refused
// invocations and is recorded with its component; wrong choices are clear errors.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.js';
import { describeRealtimeProbe, type RealtimeTarget } from '../../src/cli/commands/probe-realtime.js';
import type { ComponentConfig, RealtimeEndpointConfig } from '../../src/config/load.js';
import { probeConfigSchema } from '../../src/probe/config.js';
import { formatDuration } from '../../src/probe/invoke.js';
import { runRealtimeProbe } from '../../src/probe/probe-realtime.js';
import { RecordingSkippingClock } from '../probe/scripted-cloud.js';
import { COMPONENT, ENDPOINT, WakingComponentCloud } from '../probe/waking-component.js';
import { openStore } from '../../src/store/index.js';
import { tempDir } from '../support/temp-dir.js';

const MODEL = '{ image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1 }';
const ROLE = 'arn:aws:iam::123456789012:role/x';
const PROBE = '{ payload: { inputs: hi }, contentType: application/json, timeoutSeconds: 1800 }';
let dir: string;
let file: string;

function writeConfig(components: string): void {
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
store: ./var/sz.db
sim: { bootSeconds: 60, seed: 3, accountId: "123456789012" }
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: ${ROLE}
    managedScaling: { minInstances: 0, maxInstances: 1 }
    components:
${components}
  - name: batch
    model: ${MODEL}
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    async: { outputPath: s3://bucket/out/ }
`,
  );
}

beforeEach(() => {
  dir = tempDir('sagezero-probe-rt-');
  file = path.join(dir, 'rt.yaml');
  writeConfig(
    `      - { name: llm, model: ${MODEL}, acceleratorsPerCopy: 2, memoryMb: 8192, probe: ${PROBE} }`,
  );
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('sagezero probe, realtime endpoints', () => {
  it('probes the only component (warm after apply), prints its refused invocations and records it', async () => {
    expect((await cli('apply', '-c', file, '--yes')).code).toBe(0);
    const r = await cli('probe', '-c', file, '--endpoint', 'chat');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^chat\/llm: success after /);
    expect(r.out).toMatch(/\n {2}\d+ refused invocations?/);
    const store = await openStore(path.join(dir, 'var', 'sz.db'), { readonly: true });
    try {
      const row = await store.probes.latest('chat');
      expect(row).toMatchObject({ endpoint: 'chat', component: 'chat-llm', outcome: 'success' });
      expect(row?.failedInvocations).toBeTypeOf('number');
      // The printed count is the recorded one.
      expect(r.out).toContain(`  ${row?.failedInvocations} refused invocation`);
    } finally {
      await store.close();
    }
    expect((await cli('destroy', '-c', file, '--yes')).code).toBe(0);
  });

  it('names the components when --component matches none, and asks for it when there are several', async () => {
    writeConfig(
      `      - { name: llm, model: ${MODEL}, acceleratorsPerCopy: 2, memoryMb: 8192, probe: ${PROBE} }
      - { name: embed, model: ${MODEL}, acceleratorsPerCopy: 1, memoryMb: 4096 }`,
    );
    const none = await cli('probe', '-c', file, '--endpoint', 'chat', '--component', 'nope');
    expect(none.code).toBe(1);
    expect(none.err).toContain(
      `--component nope: endpoint chat in ${file} has no such component (it has: llm, embed)`,
    );
    const several = await cli('probe', '-c', file, '--endpoint', 'chat');
    expect(several.err).toContain(
      `--component is required: endpoint chat in ${file} has several components (llm, embed)`,
    );
    const noProbe = await cli('probe', '-c', file, '--endpoint', 'chat', '--component', 'embed');
    expect(noProbe.code).toBe(1);
    expect(noProbe.err).toContain(`component embed of endpoint chat has no probe: block in ${file}`);
    expect(noProbe.err).not.toMatch(/\n\s+at /);
  });

  it('refuses --component on an async endpoint and without --endpoint', async () => {
    const onAsync = await cli('probe', '-c', file, '--endpoint', 'batch', '--component', 'llm');
    expect(onAsync.code).toBe(1);
    expect(onAsync.err).toContain(
      '--component applies to realtime endpoints only; batch is an async endpoint (it has no inference components)',
    );
    const alone = await cli('probe', '-c', file, '--component', 'llm');
    expect(alone.code).toBe(1);
    expect(alone.err).toContain('--component llm needs --endpoint');
    const unknown = await cli('probe', '-c', file, '--endpoint', 'nope');
    expect(unknown.err).toContain(`--endpoint nope: no such endpoint in ${file} (it has: batch, chat)`);
  });
});

/** Supplies the retry jitter (as the simulated cloud does from its seed): every draw 1. */
class SeededCloud extends WakingComponentCloud {
  jitterRandom(): number {
    return 1;
  }
}

describe('describeRealtimeProbe', () => {
  it('prints a cold run with its phases and its refused invocations', async () => {
    const clock = new RecordingSkippingClock(Date.UTC(2026, 0, 5));
    const cloud = new SeededCloud(clock, {
      initialCopies: 0,
      alarmAfterMs: 20_000,
      copyScheduledAfterMs: 30_000,
      instanceAfterMs: 40_000,
      copyReadyAfterMs: 60_000,
    });
    const probe = probeConfigSchema.parse({ payload: { inputs: 'ping' }, timeoutSeconds: 600 });
    const endpoint = { name: ENDPOINT, variantName: 'AllTraffic' } as RealtimeEndpointConfig;
    const component = { name: 'llama', componentName: COMPONENT } as ComponentConfig;
    const target: RealtimeTarget = { endpoint, component, probe };
    const run = await runRealtimeProbe(
      { cloud, clock },
      { endpointName: ENDPOINT, variantName: 'AllTraffic', componentName: COMPONENT },
      probe,
    );
    const p = run.phases!;
    expect(p).toBeDefined();
    const lines = describeRealtimeProbe(run, probe, target).split('\n');
    // Retry delays 2, 4, 8, 16, 20, 20 s (draws of 1): refused at +0, 2, 6, 14, 30, 50 s, answered at
    // +70 s, the copy serving from +60 s (as in test/cli/invoke-realtime.test.ts).
    expect(lines).toEqual([
      `${ENDPOINT}/llama: success after 1m 10s, cold (no copy, 0 instance(s) at start)`,
      `  ${p.alarmMs !== undefined ? `alarm ${formatDuration(p.alarmMs)} -> ` : ''}copy scheduled ${formatDuration(p.queuedMs)} -> ` +
        `scale-out ${formatDuration(p.scaleOutMs)} -> in service to output ${formatDuration(p.inServiceToOutputMs)}`,
      '  6 refused invocations',
    ]);
    // The phases add up to the total the header prints.
    expect(p.queuedMs + p.scaleOutMs + p.inServiceToOutputMs).toBe(70_000);
  });
});
