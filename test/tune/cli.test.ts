// `sagezero tune` in-process (the lead wires registerTune into main.ts): on a trace file, on the
// store the daemon fills, and the mistakes a user makes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';
import { registerTune } from '../../src/cli/commands/tune.js';
import { parsePolicyYaml } from '../../src/simulate/policies.js';
import { openStore } from '../../src/store/index.js';
import { recordTraffic } from './helpers.js';

let dir: string;

const ENDPOINT = (name: string, scaling = '{ preset: aws-recommended }'): string => `
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:2.1-gpu }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    scaling: ${scaling}`;

function writeConfig(file: string, store: string, endpoints: string[]): string {
  const p = path.join(dir, file);
  writeFileSync(p, `region: us-east-1\ncloud: sim\nstore: ${store}\nendpoints:${endpoints.join('')}\n`);
  return p;
}

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

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sagezero-tune-'));
  // A caller every three minutes for a day.
  const rows = ['arrival_s,service_s'];
  for (let t = 30; t < 86_400; t += 180) rows.push(`${t},10`);
  writeFileSync(path.join(dir, 'periodic.csv'), `${rows.join('\n')}\n`);
  const store = await openStore(path.join(dir, 'recorded.db'));
  try {
    await recordTraffic(store);
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sagezero tune', () => {
  it('bills a lone request its boot and service, and says the history is too short to split', async () => {
    // The case: one request after three idle hours. Before, tune printed a p95 of 12m48s and a
    // cost of $0.00 for it (the replay stopped billing at the trace end).
    writeFileSync(path.join(dir, 'lone.csv'), 'arrival_s,service_s\n10800,20\n');
    const cfg = writeConfig('lone.yaml', './none.db', [ENDPOINT('lone')]);
    const r = await run([
      'tune',
      '-c',
      cfg,
      '--trace',
      path.join(dir, 'lone.csv'),
      '--format',
      'csv',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout) as {
      current: { choose: { requests: number; costUsd: number; afterLastArrivalUsd: number }; check: null };
      notes: string[];
    }[];
    expect(result?.current.choose.requests).toBe(1);
    expect(result?.current.choose.costUsd).toBeGreaterThanOrEqual(((480 + 20) / 3600) * 7.09);
    expect(result?.current.choose.afterLastArrivalUsd).toBeCloseTo(result?.current.choose.costUsd ?? NaN, 9);
    expect(result?.current.check).toBeNull();
    expect(result?.notes.join('\n')).toMatch(
      /too short to split: its first 120 min hold no requests \(all 1 are in/,
    );
    expect(result?.notes.join('\n')).not.toContain('no requests in the history');
  });

  it('tunes on a trace file and prints both policies, both parts and the scaling block to use', async () => {
    const cfg = writeConfig('trace.yaml', './none.db', [ENDPOINT('periodic-caller')]);
    const r = await run(['tune', '-c', cfg, '--trace', path.join(dir, 'periodic.csv'), '--format', 'csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sagezero tune · periodic-caller · 2026-01-05T00:00Z → 2026-01-05T23:58Z/);
    expect(r.stdout).toMatch(/^current\s+chosen on\s+320\s+\$[\d.]+\s+\$[\d.]+\s+[\d.]+/m);
    expect(r.stdout).toMatch(/^recommended\s+chosen on\s+320 .* yes$/m);
    expect(r.stdout).toMatch(/^\s+checked on\s+160 /m);
    const block = r.stdout.slice(r.stdout.indexOf('    scaling:')).split('\n\n')[0] as string;
    const parsed = parsePolicyYaml(block.replace(/^ {4}/gm, ''), 'printed block');
    expect(parsed.preset).toBe('aws-recommended');
  });

  it('prints JSON whose recommendation resolves like the printed block', async () => {
    const cfg = writeConfig('trace-json.yaml', './none.db', [ENDPOINT('periodic-caller')]);
    const r = await run([
      'tune',
      '-c',
      cfg,
      '--trace',
      path.join(dir, 'periodic.csv'),
      '--format',
      'csv',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout) as {
      endpoint: string;
      yaml: string;
      traffic: { source: string };
      recommended: { scaling: unknown; choose: { meetsObjective: boolean }; check: { requests: number } };
    }[];
    expect(res?.endpoint).toBe('periodic-caller');
    expect(res?.traffic.source).toBe('trace');
    expect(res?.recommended.check.requests).toBe(160);
    expect(parsePolicyYaml(res?.yaml ?? '', 'json yaml')).toEqual(res?.recommended.scaling);
  });

  it('tunes on the traffic the daemon recorded in the store, with "now" at its last poll', async () => {
    const cfg = writeConfig('store.yaml', './recorded.db', [ENDPOINT('sim-endpoint')]);
    const r = await run(['tune', '-c', cfg, '--json']);
    expect(r.stderr).toBe('');
    const [res] = JSON.parse(r.stdout) as {
      traffic: { source: string };
      window: { end: number };
      inputs: { requests: { choose: number; check: number }; boot: { source: string } };
    }[];
    expect(res?.traffic.source).toBe('store');
    expect(res?.inputs.boot.source).toBe('measured');
    // The last poll was at 12:00 UTC, before CloudWatch published the minute ending then: the history
    // ends with the last minute the store has. 14 days hold all 107 requests.
    expect(res?.window.end).toBe(Date.UTC(2026, 0, 5, 11, 59, 0));
    expect((res?.inputs.requests.choose ?? 0) + (res?.inputs.requests.check ?? 0)).toBe(107);
  });

  it('explains what is missing instead of failing with a stack trace', async () => {
    const one = writeConfig('one.yaml', './none.db', [ENDPOINT('a')]);
    const two = writeConfig('two.yaml', './none.db', [ENDPOINT('a'), ENDPOINT('b')]);
    const trace = path.join(dir, 'periodic.csv');
    const cases: [string[], RegExp][] = [
      [
        ['tune', '-c', one],
        /no traffic to tune on: the store .*none\.db does not exist.*--trace FILE --format FORMAT/,
      ],
      [['tune', '-c', one, '--endpoint', 'c'], /--endpoint c: no such endpoint in .*one\.yaml \(it has: a\)/],
      [
        ['tune', '-c', two, '--trace', trace, '--format', 'csv'],
        /has 2 endpoints; say which one the trace is for with --endpoint/,
      ],
      [['tune', '-c', one, '--trace', trace], /--trace needs --format/],
      [['tune', '-c', one, '--trace', trace, '--format', 'parquet'], /--format must be one of/],
      [['tune', '-c', one, '--format', 'csv'], /--format and --select only apply with --trace/],
      [['tune', '-c', one, '--trace', path.join(dir, 'missing.csv'), '--format', 'csv'], /--trace: /],
      [['tune', '-c', one, '--trace', trace, '--format', 'csv', '--seed', '-3'], /--seed must be an integer/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
