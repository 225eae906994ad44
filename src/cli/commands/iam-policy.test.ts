import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.js';
import { UserError } from '../errors.js';
import type { Output } from '../output.js';
import { registerIamPolicy, runIamPolicy } from './iam-policy.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const dir = tempDir('sagezero-iam-cli-');

function writeConfig(cloud: 'aws' | 'sim' = 'aws'): string {
  const file = path.join(dir, `${cloud}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
cloud: ${cloud}
endpoints:
  - name: llm
    model: { image: img:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/Exec
    instanceType: ml.g5.xlarge
`,
  );
  return file;
}

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
}

describe('sagezero iam-policy', () => {
  it('prints only the policy JSON on stdout, and reasons on stderr with --explain', async () => {
    const out = capture();
    let code = -1;
    const program = new Command('sagezero').exitOverride();
    registerIamPolicy(program, out, (c) => (code = c));
    await program.parseAsync(['iam-policy', '-c', writeConfig(), '--explain'], { from: 'user' });
    expect(code).toBe(0);
    const doc = JSON.parse(out.stdout.join('\n')) as { Version: string; Statement: { Sid: string }[] };
    expect(doc.Version).toBe('2012-10-17');
    expect(out.stderr).toHaveLength(doc.Statement.length);
    expect(out.stderr[0]).toMatch(/^SageMakerReadOwn: /);
  });

  it('notes that a sim config needs no permissions itself', () => {
    const out = capture();
    expect(runIamPolicy({ config: writeConfig('sim') }, out)).toBe(0);
    expect(out.stderr.join()).toMatch(/simulated cloud, which needs no AWS permissions/);
  });

  it('turns bad flags into user errors naming the flag', () => {
    const cfg = writeConfig();
    expect(() => runIamPolicy({ config: cfg, account: 'abc' }, capture())).toThrow(UserError);
    expect(() => runIamPolicy({ config: cfg, account: 'abc' }, capture())).toThrow(/--account/);
    expect(() => runIamPolicy({ config: cfg, inputPrefix: ['http://x'] }, capture())).toThrow(
      /--input-prefix/,
    );
    expect(() => runIamPolicy({ config: cfg, endpoint: 'other' }, capture())).toThrow(/--endpoint other/);
    expect(() => runIamPolicy({ config: path.join(dir, 'missing.yaml') }, capture())).toThrow(ConfigError);
  });
});
