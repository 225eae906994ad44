// sagezero calibrate: user mistakes end with a message naming the file or flag, exit 1, no stack trace.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';
import { tempDir } from '../support/temp-dir.js';

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

function config(): string {
  const dir = tempDir('sagezero-calibrate-cli-');
  const file = path.join(dir, 'c.yaml');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
project: cli
store: ./cli.db
endpoints:
  - name: llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-e2e/out/ }
`,
  );
  return file;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const o = capture();
  const code = await main(args, o);
  return { code, stdout: o.stdout.join('\n'), stderr: o.stderr.join('\n') };
}

describe('sagezero calibrate: bad input', () => {
  it('names a missing config file', async () => {
    const r = await run(['calibrate', '-c', '/nonexistent/sagezero.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/sagezero.yaml');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad --since, naming the flag', async () => {
    const r = await run(['calibrate', '-c', config(), '--since', 'soon']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--since must be a duration like 36h, 7d or 2w, at most 35d, got "soon"/);
    const r2 = await run(['calibrate', '-c', config(), '--since', '90d']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('--since');
  });

  it('rejects a bad --seed', async () => {
    const r = await run(['calibrate', '-c', config(), '--seed', '-3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--seed must be an integer');
  });

  it('names an unknown --endpoint and the endpoints the config has', async () => {
    const file = config();
    const r = await run(['calibrate', '-c', file, '--endpoint', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--endpoint nope: no such endpoint in ${file} (it has: llm)`);
  });

  it('says when there is no store yet, and how to get one', async () => {
    const r = await run(['calibrate', '-c', config()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /no history to calibrate on: the store .*cli\.db does not exist. Run `sagezero serve/,
    );
    expect(r.stderr).not.toContain('bug in sagezero');
  });

  it('simulate --calibration: names a malformed value and a missing calibration', async () => {
    const r = await run([
      'simulate',
      '--trace',
      'x.csv',
      '--format',
      'azure-functions',
      '--calibration',
      'nocolon',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--calibration must be CONFIG:ENDPOINT');
    const r2 = await run([
      'simulate',
      '--trace',
      'x.csv',
      '--format',
      'azure-functions',
      '--calibration',
      `${config()}:other`,
    ]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('--calibration: no endpoint named "other"');
  });
});
