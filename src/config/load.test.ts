import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from './errors.js';
import { formatPath, loadConfig, parseConfig } from './load.js';
import { tempDir } from '../../test/support/temp-dir.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

const FULL = `
region: eu-west-1
cloud: sim
project: nlp-team
store: ./state/sz.db
sim: { bootSeconds: 300, seed: 7 }
jumpstart: { bucket: my-js-mirror }
endpoints:
  - name: falcon-40b-async
    model:
      jumpstart: { modelId: huggingface-llm-falcon-40b-instruct-bf16, version: "2.*" }
      environment: { MAX_INPUT_LENGTH: 2048, TRUST_REMOTE_CODE: true, HF_MODEL_QUANTIZE: bitsandbytes }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.12xlarge
    initialInstanceCount: 2
    variantName: primary
    async:
      outputPath: s3://my-bucket/async-out/
      failurePath: s3://my-bucket/async-fail/
      kmsKeyId: alias/sagezero
      maxConcurrentInvocationsPerInstance: 4
      notifications:
        successTopic: arn:aws:sns:eu-west-1:123456789012:done
        errorTopic: arn:aws:sns:eu-west-1:123456789012:failed
        includeInferenceResponseIn: [SUCCESS_NOTIFICATION_TOPIC]
    tags: { team: nlp, cost-center: "42" }
    scaling:
      preset: aws-recommended
      maxCapacity: 4
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels, minCapacity: 1 }
    pricePerHourUsd: 7.09
    baselineInstances: 1
  - name: small
    model: { image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/small:1, modelDataUrl: s3://my-models/small/ }
    executionRoleArn: ${ROLE}
    instanceType: ml.g4dn.xlarge
`;

describe('parseConfig: a full config', () => {
  const c = parseConfig(FULL, '/etc/sagezero/nlp.yaml', {});

  it('keeps every explicit value', () => {
    expect(c.region).toBe('eu-west-1');
    expect(c.cloud).toBe('sim');
    expect(c.project).toBe('nlp-team');
    expect(c.sim).toEqual({ bootSeconds: 300, seed: 7, accountId: '123456789012', speed: 60, history: 0 });
    expect(c.jumpstart).toEqual({ bucket: 'my-js-mirror' });
    const e = c.endpoints[0]!;
    expect(e.model.jumpstart).toEqual({
      modelId: 'huggingface-llm-falcon-40b-instruct-bf16',
      version: '2.*',
    });
    expect(e.initialInstanceCount).toBe(2);
    expect(e.variantName).toBe('primary');
    expect(e.async.notifications?.errorTopic).toBe('arn:aws:sns:eu-west-1:123456789012:failed');
    expect(e.tags).toEqual({ team: 'nlp', 'cost-center': '42' });
    expect(e.pricePerHourUsd).toBe(7.09);
  });

  it('turns environment values into the strings SageMaker takes', () => {
    expect(c.endpoints[0]!.model.environment).toEqual({
      MAX_INPUT_LENGTH: '2048',
      TRUST_REMOTE_CODE: 'true',
      HF_MODEL_QUANTIZE: 'bitsandbytes',
    });
  });

  it('merges the scaling preset under explicit keys', () => {
    const s = c.endpoints[0]!.scaling;
    expect(s.maxCapacity).toBe(4);
    expect(s.minCapacity).toBe(0);
    expect(s.wake).toEqual({ periodSeconds: 60, evaluationPeriods: 2 });
    expect(s.keepWarm).toEqual([
      { from: '0 8 * * 1-5', to: '0 18 * * 1-5', timezone: 'Europe/Brussels', minCapacity: 1 },
    ]);
  });

  it('fills in defaults for what is left out', () => {
    const e = c.endpoints[1]!;
    expect(e.variantName).toBe('AllTraffic');
    expect(e.initialInstanceCount).toBe(1);
    expect(e.async).toEqual({});
    expect(e.tags).toEqual({});
    expect(e.scaling).toEqual({
      preset: 'aws-recommended',
      minCapacity: 0,
      maxCapacity: 2,
      targetBacklogPerInstance: 5,
      // Derived from the default boot prior (480 s): p90 = 480 * e^(1.2816 * 0.15) = 581.7 s;
      // max(300, ceil((581.7 + 60 + 60) / 60) * 60) = 720.
      scaleOutCooldownSeconds: 720,
      scaleInCooldownSeconds: 600,
      wake: { periodSeconds: 60, evaluationPeriods: 2 },
      idle: { mode: 'target-tracking', minutes: 15 },
      keepWarm: [],
    });
  });

  it('defaults the top level of a minimal file', () => {
    const m = parseConfig(
      `region: us-east-1\nendpoints:\n  - { name: a, model: { jumpstart: { modelId: m } }, executionRoleArn: "${ROLE}", instanceType: ml.g5.xlarge }\n`,
      '/srv/app.yaml',
      {},
    );
    expect(m.version).toBe(1);
    expect(m.cloud).toBe('aws');
    expect(m.store).toBe('./var/sagezero.db');
    expect(m.storePath).toBe('/srv/var/sagezero.db');
    expect(m.sim).toEqual({ bootSeconds: 480, seed: 1, accountId: '123456789012', speed: 60, history: 0 });
    expect(m.jumpstart).toEqual({});
    expect(m.endpoints[0]!.model.jumpstart?.version).toBe('*');
    expect(m.warnings).toEqual([]);
  });
});

describe('parseConfig: ${ENV} interpolation', () => {
  const doc = (region: string, outputPath: string, team = 'nlp') => `
region: ${region}
endpoints:
  - name: e1
    model: { image: img }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    async: { outputPath: "${outputPath}" }
    tags: { team: "${team}" }
`;

  it('substitutes variables from the given environment', () => {
    const c = parseConfig(doc('${AWS_REGION}', 's3://${BUCKET}/${PREFIX}/out/'), 'x.yaml', {
      AWS_REGION: 'us-west-2',
      BUCKET: 'my-bucket',
      PREFIX: 'llm',
    });
    expect(c.region).toBe('us-west-2');
    expect(c.endpoints[0]!.async.outputPath).toBe('s3://my-bucket/llm/out/');
  });

  it('uses ${VAR:-default} when the variable is unset or empty, and the variable when set', () => {
    const text = doc('${REGION:-us-east-1}', 's3://${BUCKET:-fallback-bucket}/out/');
    expect(parseConfig(text, 'x.yaml', {}).region).toBe('us-east-1');
    expect(parseConfig(text, 'x.yaml', { REGION: '' }).region).toBe('us-east-1');
    const set = parseConfig(text, 'x.yaml', { REGION: 'eu-central-1', BUCKET: 'real-bucket' });
    expect(set.region).toBe('eu-central-1');
    expect(set.endpoints[0]!.async.outputPath).toBe('s3://real-bucket/out/');
    expect(parseConfig(text, 'x.yaml', {}).endpoints[0]!.async.outputPath).toBe('s3://fallback-bucket/out/');
  });

  it('keeps "$${" as a literal "${"', () => {
    const c = parseConfig(doc('us-east-1', 's3://bkt/out/', '$${TEAM}'), 'x.yaml', {
      TEAM: 'should-not-appear',
    });
    expect(c.endpoints[0]!.tags.team).toBe('${TEAM}');
  });

  it('reports an unset variable at its key and line', () => {
    let err: unknown;
    try {
      parseConfig(doc('us-east-1', 's3://${OUT_BUCKET}/out/'), 'x.yaml', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      expect.objectContaining({
        line: 8,
        path: 'endpoints[0].async.outputPath',
        message: 'environment variable OUT_BUCKET is not set',
      }),
    ]);
  });
});

describe('loadConfig', () => {
  const dir = tempDir('sagezero-load-');
  const endpoint = `endpoints:\n  - { name: a, model: { image: img }, executionRoleArn: "${ROLE}", instanceType: ml.g5.xlarge }\n`;

  it('resolves the store relative to the config file, not the working directory', () => {
    mkdirSync(path.join(dir, 'conf'), { recursive: true });
    const file = path.join(dir, 'conf', 'prod.yaml');
    writeFileSync(file, `region: us-east-1\nstore: ../data/sz.db\n${endpoint}`);
    const c = loadConfig(path.relative(process.cwd(), file), {});
    expect(c.file).toBe(file);
    expect(c.storePath).toBe(path.join(dir, 'data', 'sz.db'));
  });

  it('keeps an absolute store path', () => {
    const file = path.join(dir, 'abs.yaml');
    writeFileSync(file, `region: us-east-1\nstore: /var/lib/sagezero/sz.db\n${endpoint}`);
    expect(loadConfig(file, {}).storePath).toBe('/var/lib/sagezero/sz.db');
  });

  it('takes a postgres:// store as given, also from SAGEZERO_STORE through the file', () => {
    const file = path.join(dir, 'pg.yaml');
    writeFileSync(file, `region: us-east-1\nstore: postgres://sz@db.internal:5432/sagezero\n${endpoint}`);
    expect(loadConfig(file, {}).storePath).toBe('postgres://sz@db.internal:5432/sagezero');
    // As config/example-aws.yaml and the Docker image do it; a file that names its store keeps it.
    const viaEnv = path.join(dir, 'pg-env.yaml');
    writeFileSync(viaEnv, `region: us-east-1\nstore: \${SAGEZERO_STORE:-var/x.db}\n${endpoint}`);
    const env = { SAGEZERO_STORE: 'postgresql://other@10.0.0.5/fleet' };
    expect(loadConfig(viaEnv, env).storePath).toBe('postgresql://other@10.0.0.5/fleet');
    expect(loadConfig(viaEnv, {}).storePath).toBe(path.join(dir, 'var', 'x.db'));
    expect(loadConfig(file, env).storePath).toBe('postgres://sz@db.internal:5432/sagezero');
  });

  it('names the key of a bad store URL, without its password', () => {
    const file = path.join(dir, 'pgbad.yaml');
    writeFileSync(file, `region: us-east-1\nstore: postgres://sz:hunter2@db.internal:5432\n${endpoint}`);
    expect(() => loadConfig(file, {})).toThrow(
      /store: the store URL postgres:\/\/sz@db.internal:5432\/\? names no database/,
    );
    expect(() => loadConfig(file, {})).not.toThrow(/hunter2/);
    const viaEnv = path.join(dir, 'pgbad-env.yaml');
    writeFileSync(viaEnv, `region: us-east-1\nstore: \${SAGEZERO_STORE}\n${endpoint}`);
    const env = { SAGEZERO_STORE: 'postgres://sz:s3cret@db/x?sslmode=prefer' };
    expect(() => loadConfig(viaEnv, env)).toThrow(/store: .*sslmode=prefer/);
    expect(() => loadConfig(viaEnv, env)).not.toThrow(/s3cret/);
  });

  it('names the project after the file when the config does not', () => {
    const file = path.join(dir, 'my_team.nlp.yml');
    writeFileSync(file, `region: us-east-1\n${endpoint}`);
    expect(loadConfig(file, {}).project).toBe('my-team-nlp');
    writeFileSync(file, `region: us-east-1\nproject: explicit\n${endpoint}`);
    expect(loadConfig(file, {}).project).toBe('explicit');
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig(path.join(dir, 'missing.yaml'), {})).toThrow(
      /missing\.yaml: cannot read config file: no such file/,
    );
    expect(() => loadConfig(dir, {})).toThrow(ConfigError);
  });
});

describe('parseConfig: warnings', () => {
  const withScaling = (scaling: string) => `
region: us-east-1
endpoints:
  - name: blog-style
    model: { image: img }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    scaling: ${scaling}
`;

  it('warns that preset blog with minCapacity 0 can strand requests, and why', () => {
    const c = parseConfig(withScaling('{ preset: blog, minCapacity: 0 }'), 'x.yaml', {});
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain('blog-style');
    expect(c.warnings[0]).toContain('no wake policy');
    expect(c.warnings[0]).toContain('backlog exceeds 5');
  });

  it('does not warn when something can wake the endpoint or it never sleeps', () => {
    expect(parseConfig(withScaling('{ preset: aws-recommended }'), 'x.yaml', {}).warnings).toEqual([]);
    expect(parseConfig(withScaling('{ preset: blog, minCapacity: 1 }'), 'x.yaml', {}).warnings).toEqual([]);
  });

  it('warns when the wake alarm takes longer than 15 minutes', () => {
    const c = parseConfig(
      withScaling('{ wake: { periodSeconds: 300, evaluationPeriods: 4 } }'),
      'x.yaml',
      {},
    );
    expect(c.warnings).toEqual([expect.stringContaining('20 minutes')]);
  });
});

describe('formatPath', () => {
  it('writes ordinary paths as before: dotted keys, bracketed indexes', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['region'])).toBe('region');
    expect(formatPath(['endpoints', 0, 'async', 'outputPath'])).toBe('endpoints[0].async.outputPath');
    expect(formatPath(['endpoints', 1, 'scaling', 'keepWarm', 0, 'from'])).toBe(
      'endpoints[1].scaling.keepWarm[0].from',
    );
    expect(formatPath(['endpoints', 0, 'tags', 'cost-center'])).toBe('endpoints[0].tags.cost-center');
  });

  it('quotes an empty key, so the path still names it', () => {
    expect(formatPath([''])).toBe('[""]');
    expect(formatPath(['endpoints', 0, 'tags', ''])).toBe('endpoints[0].tags[""]');
  });

  it('quotes a key that would read as path syntax (dot, brackets, space, quote)', () => {
    expect(formatPath(['endpoints', 0, 'tags', 'team.name'])).toBe('endpoints[0].tags["team.name"]');
    expect(formatPath(['a b'])).toBe('["a b"]');
    expect(formatPath(['x', '[0]'])).toBe('x["[0]"]');
    expect(formatPath(['x', 'say "hi"'])).toBe('x["say \\"hi\\""]');
  });
});

describe('parseConfig: YAML-level problems', () => {
  const issuesOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
    try {
      parseConfig(text, 'x.yaml', env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).issues;
    }
    throw new Error('parseConfig accepted the document');
  };
  const minimal = (image: string) => `region: us-east-1
endpoints:
  - name: e1
    model: { image: ${image} }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    async: { outputPath: s3://my-bucket/out/ }
`;

  it('names a top-level empty key (`"": x`, YAML\'s bare `: x`) with the path [""]', () => {
    for (const text of ['"": x\nregion: us-east-1\n', ': x\nregion: us-east-1\n']) {
      expect(issuesOf(text)).toContainEqual(
        expect.objectContaining({ line: 1, path: '[""]', message: 'unknown key ""' }),
      );
    }
    expect(issuesOf('"": ${NOPE}\nregion: us-east-1\n')).toEqual([
      expect.objectContaining({ line: 1, path: '[""]', message: 'environment variable NOPE is not set' }),
    ]);
  });

  it("keeps the yaml library's warnings off stderr (no process.emitWarning)", () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      // A collection as a key, an anchor ending in ":", flow indentation: warnings, not errors.
      issuesOf('region: us-east-1\n? [a, b]\n: 1\n');
      issuesOf('region: &a: us-east-1\n');
      issuesOf(minimal('!custom img'));
      expect(emit).not.toHaveBeenCalled();
    } finally {
      emit.mockRestore();
    }
  });

  it('rejects an unknown tag at its key and position instead of loading its plain text', () => {
    expect(issuesOf(minimal('!Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/x:1"'))).toEqual([
      {
        file: 'x.yaml',
        line: 4,
        column: 21,
        path: 'endpoints[0].model.image',
        message:
          "unknown YAML tag !Sub: sagezero does not evaluate YAML tags (such as CloudFormation's !Sub or !Ref); write the value itself",
      },
    ]);
    // On a collection, a list item and a key: the path names the node the tag is on.
    const text = `region: us-east-1
endpoints: !list
  - !endpoint
    name: e1
!Ref project: x
`;
    expect(issuesOf(text).map((i) => [i.line, i.path])).toEqual([
      [2, 'endpoints'],
      [3, 'endpoints[0]'],
      [5, 'project'],
    ]);
    // On the document itself: no key to name, so a YAML-level problem.
    expect(issuesOf('--- !doc\nregion: us-east-1\n')).toEqual([
      expect.objectContaining({
        line: 1,
        path: '',
        message: expect.stringMatching(/^invalid YAML: unknown tag !doc:/),
      }),
    ]);
  });

  it('still loads the standard tags (!!str, !!int, !!bool)', () => {
    const c = parseConfig(
      `${minimal('img')}    tags: { cost-center: !!str 42 }\n    initialInstanceCount: !!int "2"\n`,
      'x.yaml',
      {},
    );
    expect(c.endpoints[0]!.tags['cost-center']).toBe('42');
    expect(c.endpoints[0]!.initialInstanceCount).toBe(2);
  });
});
