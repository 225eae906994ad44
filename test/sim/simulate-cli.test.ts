// `sagezero simulate` end to end through commander: JSON and table output, and a clear error naming
// the flag for every bad input.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { UserError } from '../../src/cli/errors.js';
import type { Output } from '../../src/cli/output.js';
import type { SimulationReport } from '../../src/simulate/simulate.js';
import { tempDir } from '../support/temp-dir.js';

async function cli(args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false };
  const program = new Command('sagezero').exitOverride();
  registerSimulate(program, output);
  await program.parseAsync(['simulate', ...args], { from: 'user' });
  return { out, err };
}

async function csvTrace(): Promise<string> {
  const dir = tempDir('sagezero-cli-');
  const file = path.join(dir, 'burst.csv');
  // Three requests, then one more after an idle hour; the trace lasts two hours.
  await writeFile(file, 'arrival_s,service_s\n600,30\n610,30\n620,30\n4800,30\n7199,1\n');
  return file;
}

describe('sagezero simulate', () => {
  it('prints a JSON report whose always-on cost is one instance for the whole trace', async () => {
    const trace = await csvTrace();
    const { out } = await cli([
      '--trace',
      trace,
      '--format',
      'csv',
      '--policy',
      'always-on',
      '--boot-sigma',
      '0',
      '--json',
    ]);
    const report = JSON.parse(out.join('\n')) as SimulationReport;
    expect(report.trace).toMatchObject({ format: 'csv', endpoints: 1, requests: 5, durationSeconds: 7200 });
    expect(report.pricePerHourUsd).toBe(7.09);
    expect(report.total.completed).toBe(5);
    expect(report.total.instanceHours).toBeCloseTo(2, 9);
    expect(report.total.costUsd).toBeCloseTo(2 * 7.09, 9);
    expect(report.total.alwaysOnCostUsd).toBeCloseTo(2 * 7.09, 9);
    // Oracle: boot (8 min) before 600 s, 3 concurrent for 30 s, then boots for 4800 s and 7199 s.
    expect(report.total.oracleCostUsd).toBeCloseTo(
      ((3 * (480 + 30) + (480 + 30) + (480 + 1)) / 3600) * 7.09,
      6,
    );
    // One instance, 30 s each: the third request of the burst waits for two others (620 -> 690).
    expect(report.endpoints[0]?.timeToResult?.max).toBeCloseTo(70, 6);
    // Deadline optimum, D = 900 s (the default): one instance booted for the burst serves its three
    // requests back to back, 600-690 s (times to result 30, 50, 70 s): 480 + 90 = 570 s; the request at
    // 4800 s comes 4110 s later (> boot: relaunch), 480 + 30 = 510 s; the one at 7199 s, 2369 s after
    // that: 480 + 1 = 481 s. Total 1561 s, against the oracle's 2521 s for the same requests.
    expect(report.deadlineSeconds).toBe(900);
    expect(report.total.deadlineOptimumUsd).toBeCloseTo((1561 / 3600) * 7.09, 6);
    expect(report.endpoints[0]?.deadlineOptimumExact).toBe(true);
    // Always-on finished every request within 900 s, so its ratio to the optimum is a floor comparison.
    expect(report.endpoints[0]?.withinDeadline).toBe(5);
    expect(report.endpoints[0]?.costToDeadlineOptimum).toBeCloseTo(7200 / 1561, 6);
    expect(report.total.costToDeadlineOptimumGeomean).toBeCloseTo(7200 / 1561, 6);
    // The always-on fleet is idle at the window end: nothing billed past it.
    expect(report.endpoints[0]?.settled).toBe(true);
    expect(report.endpoints[0]?.afterLastArrivalUsd).toBeCloseTo((1 / 3600) * 7.09, 9);
  });

  it('bills a lone request after three idle hours at least its boot and its service', async () => {
    // The case: before, simulate reported 0 completed, 1 queued, cost $0.00.
    const dir = tempDir('sagezero-cli-');
    const file = path.join(dir, 'lone.csv');
    await writeFile(file, 'arrival_s,service_s\n10800,20\n');
    const { out } = await cli([
      '--trace',
      file,
      '--format',
      'csv',
      '--policy',
      'aws-recommended',
      '--boot-sigma',
      '0',
      '--json',
    ]);
    const report = JSON.parse(out.join('\n')) as SimulationReport;
    const e = report.endpoints[0];
    expect(e?.completed).toBe(1);
    expect(e?.servedPercent).toBe(100);
    expect(e?.costUsd).toBeGreaterThanOrEqual(((480 + 20) / 3600) * 7.09);
    // Every billed second came after the arrival: the endpoint had been at zero for three hours.
    expect(e?.afterLastArrivalUsd).toBeCloseTo(e?.costUsd ?? NaN, 9);
    // The optimum for one request: its boot and its service, 500 s.
    expect(e?.deadlineOptimumUsd).toBeCloseTo((500 / 3600) * 7.09, 9);
    expect(e?.costToDeadlineOptimum).toBeGreaterThanOrEqual(1);
  });

  it('prints a table by default; the request one second before the end is served in the drain', async () => {
    const trace = await csvTrace();
    const { out } = await cli([
      '--trace',
      trace,
      '--format',
      'csv',
      '--policy',
      'aws-recommended',
      '--seed',
      '4',
    ]);
    const text = out.join('\n');
    expect(text).toContain('policy aws-recommended on ml.g5.12xlarge at $7.09/h');
    expect(text).toMatch(/endpoint\s+requests\s+served\s+unserved\s+inst-h\s+cost\s+tail/);
    // Waking from zero takes minutes: the request at 7199 s finishes after the trace ends at 7200 s, in
    // the drain, and is billed; every request is served.
    expect(text).toMatch(/^burst\s+5\s+100%\s+0\s/m);
    expect(text).toContain('Every replay drains');
    expect(text).not.toContain('left requests unserved');
  });

  it('rejects bad flags with a message naming the flag', async () => {
    const trace = await csvTrace();
    const base = ['--trace', trace, '--format', 'csv'];
    const fails = async (args: string[], message: RegExp): Promise<void> => {
      const p = cli(args);
      await expect(p).rejects.toBeInstanceOf(UserError);
      await expect(p).rejects.toThrow(message);
    };
    await fails(
      ['--trace', trace, '--format', 'parquet'],
      /--format must be one of azure-functions, azure-llm, servegen, csv, got "parquet"/,
    );
    await fails([...base, '--seed', '-1'], /--seed must be an integer between 0 and/);
    await fails([...base, '--boot-seconds', 'ten'], /--boot-seconds must be a number/);
    await fails([...base, '--concurrency', '1.5'], /--concurrency must be an integer/);
    await fails([...base, '--select', 'nope'], /--select nope matches no endpoint/);
    await fails([...base, '--select', 'burst', '--all'], /--select and --all cannot be combined/);
    await fails([...base, '--instance-type', 'ml.z9.huge'], /no price in the bundled price table .* --price/);
    await fails([...base, '--instance-type', 'g5'], /--instance-type must be a SageMaker instance type/);
    await fails([...base, '--policy', 'fastest'], /--policy must be/);
    await fails(
      ['--trace', '/nonexistent.csv', '--format', 'csv'],
      /--trace: \/nonexistent\.csv: no such file/,
    );
    const dir = tempDir('sagezero-cli-');
    const policy = path.join(dir, 'p.yaml');
    await writeFile(policy, 'scaling:\n  maxCapacity: 0\n');
    await fails([...base, '--policy', policy], /p\.yaml:2: scaling\.maxCapacity: must be at least 1/);
  });
});
