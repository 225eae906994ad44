// Tuning a kind: realtime component on a hand-made trace, where the effect of the searched scale-in
// cooldown can be reasoned out, and `sagezero tune --component` refusing a name the endpoint lacks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTune } from '../../src/cli/commands/tune.js';
import { reportError } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';
import { loadConfig } from '../../src/config/load.js';
import { realtimeScalingInputSchema } from '../../src/config/realtime-schema.js';
import { DEFAULT_RETRY } from '../../src/simulate/realtime-runner.js';
import { DEFAULT_SETTINGS } from '../../src/simulate/runner.js';
import { realtimeScalingInput } from '../../src/tune/realtime-format.js';
import {
  DEFAULT_REALTIME_TUNE_ASSUMPTIONS,
  tuneRealtimeComponent,
  type RealtimeComponentTuneResult,
} from '../../src/tune/realtime.js';

let dir: string;
let cfg: string;

const CONFIG = `region: us-east-1
cloud: sim
store: ./none.db
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.xlarge
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    managedScaling: { minInstances: 0, maxInstances: 2, scaleIn: { cooldownMinutes: 5 } }
    components:
      - name: llm
        model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:2.1-gpu }
        acceleratorsPerCopy: 1
        memoryMb: 8192
        scaling: { preset: aws-recommended, targetConcurrentRequestsPerCopy: 1, scaleInCooldownSeconds: 3600 }
        tune: { objective: { p95TimeToResultSeconds: 3600, maxExpired: 0 } }
`;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out: Output = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
  let code = 0;
  const program = new Command('sagezero').exitOverride().configureOutput({ writeErr: (s) => stderr.push(s) });
  registerTune(program, out, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    code = reportError(e, out);
  }
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sagezero-rt-tune-'));
  cfg = path.join(dir, 'rt.yaml');
  writeFileSync(cfg, CONFIG);
  writeFileSync(path.join(dir, 'lone.csv'), 'arrival_s,service_s\n600,20\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tune on a kind: realtime component', () => {
  let r: RealtimeComponentTuneResult;
  beforeAll(async () => {
    const config = loadConfig(cfg, {});
    const endpoint = config.realtimeEndpoints[0]!;
    // Two callers (50 s requests, 30 s apart, each once a minute) for 40 minutes, then one caller for
    // 20 more, then silence. With one request per copy and target 1, phase one holds two copies; when
    // the second caller stops, target tracking removes one copy, and its scale-in cooldown starts
    // there. When the last caller stops the remaining copy may go only once that cooldown is over (no
    // scale-out in between resets it): 60 or 300 s are over long before the low alarm fires, 3600 s
    // keeps the copy and its instance up to an hour after that first scale-in, all of it billed.
    const arrivals: number[] = [];
    const service: number[] = [];
    for (let t = 600; t < 3000; t += 60) arrivals.push(t, t + 30);
    for (let t = 3000; t < 4200; t += 60) arrivals.push(t);
    for (const _ of arrivals) service.push(50);
    r = await tuneRealtimeComponent({
      endpoint,
      component: endpoint.components[0]!,
      region: 'us-east-1',
      pricePerHourUsd: 1,
      traffic: {
        startMs: DEFAULT_SETTINGS.dayStart,
        durationSeconds: 4 * 3600,
        arrivals: Float64Array.from(arrivals),
        service: Float64Array.from(service),
      },
      serviceSeconds: 50,
      seed: 1,
      dayStart: DEFAULT_SETTINGS.dayStart,
      // Patient clients, so the cold start's backlog is served rather than abandoned.
      assumptions: {
        ...DEFAULT_REALTIME_TUNE_ASSUMPTIONS,
        concurrencyPerCopy: 1,
        retry: { ...DEFAULT_RETRY, maxAttempts: 1000, timeoutSeconds: 7200 },
      },
    });
  }, 60_000);

  it('a scale-in cooldown longer than needed costs more, and the tuner moves off it', () => {
    const at = (target: number, cooldown: number) =>
      r.candidates.find(
        (c) => c.targetConcurrentRequestsPerCopy === target && c.scaleInCooldownSeconds === cooldown,
      )!;
    expect(r.current.scaleInCooldownSeconds).toBe(3600);
    expect(at(1, 3600).costUsd).toBeGreaterThan(at(1, 300).costUsd);
    expect(at(1, 3600).costUsd).toBeGreaterThan(at(1, 60).costUsd);
    expect(r.current.abandoned).toBe(0);
    expect(r.changed).toBe(true);
    expect(r.recommended.meetsObjective).toBe(true);
    expect(r.recommended.costUsd).toBeLessThan(r.current.costUsd);
    expect(r.recommended.scaleInCooldownSeconds).toBeLessThan(3600);
    // Nothing meeting the objective is cheaper than the recommendation.
    for (const c of r.candidates.filter((x) => x.meetsObjective))
      expect(c.costUsd).toBeGreaterThanOrEqual(r.recommended.costUsd);
  });

  it('prints a scaling block the config schema accepts, with the recommended values', () => {
    const block = realtimeScalingInputSchema.parse(realtimeScalingInput(r.scaling, 480));
    expect(block.preset).toBe('custom');
    expect(block.scaleInCooldownSeconds).toBe(r.recommended.scaleInCooldownSeconds);
    expect(block.targetConcurrentRequestsPerCopy).toBe(r.recommended.targetConcurrentRequestsPerCopy);
  });
});

describe('sagezero tune on a kind: realtime endpoint', () => {
  it('names an unknown --component and the ones there are, with a non-zero exit', async () => {
    const trace = path.join(dir, 'lone.csv');
    const args = ['tune', '-c', cfg, '--endpoint', 'chat', '--trace', trace, '--format', 'csv'];
    const r = await run([...args, '--component', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--component nope');
    expect(r.stderr).toContain('it has: llm');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('asks for a trace: real-time traffic is not in the store', async () => {
    const r = await run(['tune', '-c', cfg, '--endpoint', 'chat']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--trace');
  });

  it('prints current and recommended policy for a lone request', async () => {
    const trace = path.join(dir, 'lone.csv');
    const r = await run(['tune', '-c', cfg, '--trace', trace, '--format', 'csv', '--component', 'llm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chat / llm (real-time component): 1 requests');
    expect(r.stdout).toMatch(/current: +target 1 concurrent/);
    expect(r.stdout).toContain('recommended:');
  }, 60_000);
});
