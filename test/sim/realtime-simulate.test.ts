// `simulate --kind realtime`: the replay loop with its client retry model, and the command end to end.
//
// A lone request at A = 600 s into the window, after the lead-in took the component to zero copies
// and released its instance (boot 300 s, model load 60 s, service 2 s, client retrying every 5 s):
//   A        first attempt fails: no copy (minute A..A+60 holds the failures from here on)
//   A+150    the minute is published at A+120; the wake alarm alarms at the A+150 evaluation: +1
//            copy, and managed instance scaling launches an instance
//   A+450    the instance is ready; A+510 the copy serves and the attempt at A+510 (a multiple of 5)
//            succeeds: 102 failed attempts (A, A+5, ..., A+505), waited 510 s
//   A+630    minute A+480..A+540 (copy 30 s, 2 s of work: 0.067 per copy) keeps 1 copy; the wake
//            alarm sees that minute's failures but its cooldown (600 s from A+150) adds nothing
//   A+690    minute A+540..A+600 is idle (0): target tracking's low alarm takes the component to 0
//   A+1890   A+690 + 20 min: the instance, now without a copy, is released
// Billed: A+1890 - (A+150) = 1740 s; at $1.4084/h (ml.g5.xlarge, us-east-1) $0.6807.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { UserError } from '../../src/cli/errors.js';
import type { Output } from '../../src/cli/output.js';
import { replayRealtime } from '../../src/simulate/realtime-replay.js';
import type { RealtimeSimulationReport } from '../../src/simulate/realtime-simulate.js';
import { tempDir } from '../support/temp-dir.js';
import { DAY } from './helpers.js';
import { realtimeSettings } from './realtime-helpers.js';

const RETRY_EVERY_5S = {
  intervalSeconds: 5,
  backoff: 1,
  maxIntervalSeconds: 5,
  maxAttempts: 1000,
  timeoutSeconds: 1800,
};

async function cli(args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false };
  const program = new Command('sagezero').exitOverride();
  registerSimulate(program, output);
  await program.parseAsync(['simulate', ...args], { from: 'user' });
  return { out, err };
}

async function loneRequestTrace(): Promise<string> {
  const file = path.join(tempDir('sagezero-rt-'), 'lone.csv');
  await writeFile(file, 'arrival_s,service_s\n600,2\n');
  return file;
}

const FLAGS = [
  '--kind',
  'realtime',
  '--format',
  'csv',
  '--instance-type',
  'ml.g5.xlarge',
  '--boot-seconds',
  '300',
  '--boot-sigma',
  '0',
  '--model-load-seconds',
  '60',
  '--wake-cooldown-seconds',
  '600',
  '--retry-interval-seconds',
  '5',
  '--retry-backoff',
  '1',
  '--retry-max-attempts',
  '1000',
];

describe('realtime replay', () => {
  it('serves a lone request after the wake and bills its instance from wake to release', async () => {
    const run = await replayRealtime(
      { startMs: DAY + 2 * 3_600_000, durationSeconds: 3600, arrivals: Float64Array.of(600) },
      realtimeSettings({ retry: RETRY_EVERY_5S }),
    );
    expect(run).toMatchObject({
      requests: 1,
      served: 1,
      abandoned: 0,
      failedAttempts: 102,
      noCopyAttempts: 102,
      delayedRequests: 1,
      coldStarts: 1,
      launches: 1,
      instanceSeconds: 1740,
      settled: true,
    });
    expect([...run.waits]).toEqual([510]);
  });

  it('abandons the request when the client gives up before the wake', async () => {
    // Attempts at A, A+5, A+15 (backoff 2): the third is the last allowed; the component still wakes
    // (the failures were counted) and is billed, but nobody is served.
    const run = await replayRealtime(
      { startMs: DAY + 2 * 3_600_000, durationSeconds: 3600, arrivals: Float64Array.of(600) },
      realtimeSettings({ retry: { ...RETRY_EVERY_5S, backoff: 2, maxIntervalSeconds: 60, maxAttempts: 3 } }),
    );
    expect(run).toMatchObject({ requests: 1, served: 0, abandoned: 1, failedAttempts: 3, coldStarts: 1 });
    expect(run.instanceSeconds).toBeGreaterThan(0);
  });
});

describe('sagezero simulate --kind realtime', () => {
  it('prints the lone request cost, attempts and wait as JSON', async () => {
    const { out } = await cli([...FLAGS, '--trace', await loneRequestTrace(), '--json']);
    const report = JSON.parse(out.join('\n')) as RealtimeSimulationReport;
    expect(report.kind).toBe('realtime');
    expect(report.pricePerHourUsd).toBe(1.4084);
    // The CSV trace lasts ceil(601 / 60) minutes = 660 s; always-on is one instance for it.
    expect(report.total).toMatchObject({
      requests: 1,
      served: 1,
      abandoned: 0,
      failedAttempts: 102,
      coldStarts: 1,
    });
    expect(report.total.instanceHours).toBeCloseTo(1740 / 3600, 12);
    expect(report.total.costUsd).toBeCloseTo((1740 / 3600) * 1.4084, 12);
    expect(report.total.alwaysOnCostUsd).toBeCloseTo((660 / 3600) * 1.4084, 12);
    expect(report.total.waited).toEqual({ p50: 510, p95: 510, max: 510 });
  });

  it('prints a table with the cost and the waits', async () => {
    const { out } = await cli([...FLAGS, '--trace', await loneRequestTrace()]);
    const text = out.join('\n');
    // --wake-cooldown-seconds makes the preset a custom block; the rest is aws-recommended's.
    expect(text).toContain('real-time endpoint, custom policy: ml.g5.xlarge');
    expect(text).toContain(
      'copies 0..2, target 5 concurrent requests per copy, wake +1 copy with cooldown 10m00s',
    );
    expect(text).toContain('$0.68');
    expect(text).toContain('8m30s');
  });

  it('names the flag of a bad input', async () => {
    const trace = await loneRequestTrace();
    await expect(cli([...FLAGS, '--trace', trace, '--retry-backoff', '0'])).rejects.toThrow(
      new UserError('--retry-backoff must be a number between 1 and 10, got "0"'),
    );
    await expect(cli([...FLAGS, '--trace', trace, '--policy', 'blog'])).rejects.toThrow(
      /--policy with --kind realtime must be aws-recommended or always-on/,
    );
    await expect(cli(['--trace', trace, '--format', 'csv', '--retry-interval-seconds', '5'])).rejects.toThrow(
      new UserError('--retry-interval-seconds only apply with --kind realtime'),
    );
    await expect(cli(['--trace', trace, '--format', 'csv', '--kind', 'sync'])).rejects.toThrow(
      new UserError('--kind must be async or realtime, got "sync"'),
    );
  });
});
