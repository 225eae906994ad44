// Bad input to `sagezero audit`: a message naming the flag, exit 1, no stack trace, and no AWS call
// (every check runs before the cloud is opened).
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import type { Output } from '../output.js';
import { parseAuditFlags } from './audit.js';

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const out = capture();
  const code = await main(['audit', ...args], out);
  return { code, stderr: out.stderr.join('\n'), stdout: out.stdout.join('\n') };
}

describe('sagezero audit: bad input', () => {
  it.each([
    [
      ['--region', 'us-east-1', '--since', '14days'],
      /^error: --since must be a duration like 90m, 36h, 14d or 2w, got "14days"$/,
    ],
    [['--region', 'us-east-1', '--since', '30d'], /^error: --since must be between 1h and 15d .*got "30d"$/],
    [['--region', 'us-east-1', '--since', '5m'], /^error: --since must be between 1h and 15d/],
    [
      ['--region', 'us-esat-1'],
      /^error: --region: unknown AWS region "us-esat-1" \(regions look like us-east-1/,
    ],
    [['--region', 'us-east-1', '--json', '--csv'], /^error: --json and --csv cannot be combined/],
    [['--region', 'us-east-1', '--seed', 'x'], /^error: --seed must be a whole number/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(/looks like a bug/);
    expect(r.stdout).toBe('');
  });
});

describe('parseAuditFlags', () => {
  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, and names the variable when it is wrong', () => {
    const flags = { since: '14d', seed: '1' };
    expect(parseAuditFlags(flags, { AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      sinceMs: 14 * 86_400_000,
      seed: 1,
    });
    expect(parseAuditFlags(flags, { AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2');
    expect(() => parseAuditFlags(flags, { AWS_REGION: 'mars-1' })).toThrow(
      /^AWS_REGION: unknown AWS region "mars-1"/,
    );
    expect(() => parseAuditFlags(flags, {})).toThrow(/^--region: no region given/);
    // The flag wins over the environment.
    expect(parseAuditFlags({ ...flags, region: 'ap-south-1' }, { AWS_REGION: 'eu-west-1' }).region).toBe(
      'ap-south-1',
    );
  });
});
