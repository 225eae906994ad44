import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicyYaml, PolicyError, resolvePolicy } from './policies.js';
import { tempDir } from '../../test/support/temp-dir.js';

describe('policies', () => {
  it('resolves the built-in names', () => {
    expect(resolvePolicy('aws-recommended')).toMatchObject({
      kind: 'scaling',
      scaling: { wake: { periodSeconds: 60, evaluationPeriods: 2 } },
    });
    expect(resolvePolicy('blog')).toMatchObject({ kind: 'scaling', scaling: { wake: false } });
    expect(resolvePolicy('always-on', 3)).toEqual({ kind: 'always-on', name: 'always-on', instances: 3 });
    expect(() => resolvePolicy('fastest')).toThrow(
      /--policy must be aws-recommended, blog, always-on or a \.yaml file/,
    );
  });

  it('reads a scaling: block with the config rules, from a file', async () => {
    const dir = tempDir('sagezero-policy-');
    const file = path.join(dir, 'p.yaml');
    await writeFile(file, 'scaling:\n  preset: aws-recommended\n  idle: { mode: step, minutes: 5 }\n');
    const p = resolvePolicy(file);
    expect(p).toMatchObject({
      kind: 'scaling',
      name: file,
      scaling: { idle: { mode: 'step', minutes: 5 }, maxCapacity: 2 },
    });
    expect(() => resolvePolicy(path.join(dir, 'missing.yaml'))).toThrow(
      /missing\.yaml: cannot read policy file: no such file/,
    );
  });

  it('names the file, line and key of a bad value or an unknown key', () => {
    const bad =
      'scaling:\n  preset: custom\n  minCapacity: 3\n  maxCapacity: 1\n  targetBacklogPerInstance: 2\n';
    expect(() => parsePolicyYaml(bad, 'p.yaml')).toThrow(
      /p\.yaml:3: scaling\.minCapacity: minCapacity \(3\) must not exceed maxCapacity \(1\)/,
    );
    expect(() => parsePolicyYaml('scaling:\n  preset: blog\n  idel: {}\n', 'q.yaml')).toThrow(
      /q\.yaml:3: scaling\.idel: unknown key "idel"/,
    );
    expect(() =>
      parsePolicyYaml('scaling:\n  idle: { mode: target-tracking, minutes: 5 }\n', 'r.yaml'),
    ).toThrow(/r\.yaml:2: scaling\.idle\.minutes: must be 15 with mode: target-tracking/);
    expect(() => parsePolicyYaml('preset: blog\n', 's.yaml')).toThrow(PolicyError);
    expect(() => parsePolicyYaml('scaling: [1\n', 't.yaml')).toThrow(/t\.yaml:\d+: invalid YAML/);
  });
});
