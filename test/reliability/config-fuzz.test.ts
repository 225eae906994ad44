// Property-based fuzzing of the config loader: arbitrary text, YAML-shaped token soup, structured
// mutations of a valid config (dropped keys, wrong types, typos, out-of-range numbers, junk strings,
// deep nesting, shared anchors) and hand-shaped anchor/alias documents. Each document must load or be
// rejected with a ConfigError whose every issue names a key path or says it is YAML-level; any other
// exception is a bug. FUZZ_SEED and FUZZ_RUNS reproduce or widen a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';

const FILE = '/tmp/fuzz/sagezero.yaml';
const ENV = { PRESENT: 'us-east-1', NUMBER: '3', EMPTY: '', WORDS: 'two words' };
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const scale = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(n * scale),
  ...(seed !== undefined ? { seed } : {}),
});

type Outcome = 'valid' | 'rejected';

const tally = { valid: 0, rejected: 0, documents: 0 };

/** The property every document must satisfy; returns what happened for the tally. */
function check(text: string): Outcome {
  tally.documents++;
  let config;
  try {
    config = parseConfig(text, FILE, ENV);
  } catch (e) {
    if (!(e instanceof ConfigError)) {
      throw new Error(
        `not a ConfigError: ${(e as Error)?.stack ?? String(e)}\n--- document ---\n${text.slice(0, 2000)}`,
      );
    }
    expect(e.issues.length).toBeGreaterThan(0);
    for (const issue of e.issues) {
      expect(issue.file).toBe(FILE);
      expect(typeof issue.message).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
      if (issue.line !== undefined) expect(Number.isInteger(issue.line) && issue.line >= 1).toBe(true);
      const yamlLevel =
        issue.path === '' &&
        (issue.message.startsWith('invalid YAML:') ||
          issue.message.startsWith('the file must be a YAML mapping'));
      if (!yamlLevel && issue.path === '') {
        throw new Error(
          `issue names no key: ${JSON.stringify(issue)}\n--- document ---\n${text.slice(0, 2000)}`,
        );
      }
    }
    // The message the CLI prints: file-prefixed lines, never a stack trace.
    expect(e.message).not.toMatch(/\n\s+at .+:\d+:\d+/);
    tally.rejected++;
    return 'rejected';
  }
  expect(config.endpoints.length).toBeGreaterThan(0);
  for (const ep of config.endpoints) expect(ep.name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
  tally.valid++;
  return 'valid';
}

// ---------- a valid config to mutate ----------

function baseConfig(): Record<string, unknown> {
  return {
    region: 'us-east-1',
    cloud: 'aws',
    project: 'fuzz',
    store: './var/fuzz.db',
    jumpstart: { bucket: 'jumpstart-cache-prod-us-east-1' },
    endpoints: [
      {
        name: 'llm-async',
        model: {
          image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:2.1-gpu',
          modelDataUrl: 's3://models-bucket/llm/model.tar.gz',
          environment: { HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: 4, TOKEN: '${EMPTY:-none}' },
        },
        executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
        instanceType: 'ml.g5.12xlarge',
        initialInstanceCount: 1,
        async: {
          outputPath: 's3://out-bucket/async-out/',
          failurePath: 's3://out-bucket/async-fail/',
          maxConcurrentInvocationsPerInstance: 4,
          notifications: {
            successTopic: 'arn:aws:sns:us-east-1:123456789012:ok',
            errorTopic: 'arn:aws:sns:us-east-1:123456789012:err',
            includeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC'],
          },
        },
        tags: { team: 'nlp' },
        scaling: {
          preset: 'custom',
          minCapacity: 0,
          maxCapacity: 3,
          targetBacklogPerInstance: 2,
          scaleOutCooldownSeconds: 300,
          scaleInCooldownSeconds: 600,
          wake: { periodSeconds: 60, evaluationPeriods: 2 },
          idle: { mode: 'step', minutes: 10 },
          keepWarm: [
            { from: '0 8 * * 1-5', to: '0 18 * * 1-5', timezone: 'Europe/Brussels', minCapacity: 1 },
          ],
        },
        pricePerHourUsd: 7.09,
        baselineInstances: 1,
      },
      {
        name: 'falcon-js',
        model: { jumpstart: { modelId: 'huggingface-llm-falcon-40b-instruct-bf16', version: '*' } },
        executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
        instanceType: 'ml.g5.12xlarge',
      },
    ],
  };
}

// ---------- mutations ----------

type Json = unknown;
type Path = (string | number)[];

function paths(v: Json, p: Path = [], out: Path[] = []): Path[] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}

function parentOf(root: Json, p: Path): Record<string | number, Json> | undefined {
  let cur: Json = root;
  for (const seg of p.slice(0, -1)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[seg];
  }
  return cur && typeof cur === 'object' ? (cur as Record<string | number, Json>) : undefined;
}

const JUNK_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  'x'.repeat(5000),
  '${NOPE}',
  '${PRESENT}',
  '${NUMBER}',
  '${WORDS:-fallback}',
  '$${literal}',
  '${',
  '${}',
  '${1BAD}',
  '💥🔥',
  'ml.',
  'ml.g5',
  'arn:aws:iam::123:role/',
  's3://',
  's3://A/b',
  's3://a..b/c',
  '<script>alert(1)</script>',
  "'; DROP TABLE endpoints; --",
  '../../etc/passwd',
  '0 8 * * *',
  '61 25 32 13 8',
  '@reboot',
  'Not/A_Zone',
  'UTC',
  'aws:reserved',
  'sagezero:managed-by',
  '-leading-hyphen',
  'true',
  '1e400',
  'null',
];

const ODD_NUMBERS = [
  -1,
  0,
  1,
  0.5,
  59,
  61,
  1000,
  1001,
  86_401,
  1e9,
  1e308,
  -1e308,
  2 ** 53 + 1,
  Number.MAX_SAFE_INTEGER,
];

const valueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...JUNK_STRINGS),
  fc.constantFrom<Json>(...ODD_NUMBERS),
  fc.constantFrom<Json>(null, true, false, [], {}, [1, 'a'], { a: 1 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
);

function nested(depth: number, kind: 'list' | 'map'): Json {
  let v: Json = 'leaf';
  for (let i = 0; i < depth; i++) v = kind === 'list' ? [v] : { k: v };
  return v;
}

function typo(key: string, r: number): string {
  if (key.length === 0) return 'x';
  const i = r % key.length;
  switch (r % 5) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1); // drop a letter
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i); // double a letter
    case 2:
      return key.toUpperCase();
    case 3:
      return `${key}_`;
    default:
      return key.slice(0, i) + (key[i + 1] ?? '') + key[i] + key.slice(i + 2); // swap two letters
  }
}

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'typo'; at: number; r: number }
  | { kind: 'nest'; at: number; depth: number; list: boolean }
  | { kind: 'alias'; at: number; from: number }
  | { kind: 'add'; at: number; key: string; value: Json };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: valueArb }),
  fc.record({ kind: fc.constant('typo' as const), at: fc.nat(), r: fc.nat() }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 2, max: 120 }),
    list: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('alias' as const), at: fc.nat(), from: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'toString', 'probe', '$schema', ''),
      fc.string({ maxLength: 12 }),
    ),
    value: valueArb,
  }),
);

function mutate(root: Record<string, unknown>, m: Mutation): void {
  const all = paths(root).filter((p) => p.length > 0);
  const p = all[m.at % all.length];
  if (!p) return;
  const parent = parentOf(root, p);
  const key = p[p.length - 1] as string | number;
  if (!parent) return;
  switch (m.kind) {
    case 'drop':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete parent[key];
      return;
    case 'set':
      // fast-check hands out the same constant objects again: copy, or a later mutation makes a cycle.
      parent[key] = structuredClone(m.value);
      return;
    case 'typo':
      if (!Array.isArray(parent) && typeof key === 'string') {
        const v = parent[key];
        delete parent[key];
        parent[typo(key, m.r)] = v;
      }
      return;
    case 'nest':
      parent[key] = nested(m.depth, m.list ? 'list' : 'map');
      return;
    case 'alias': {
      // The same object in two places: yaml's stringify writes an anchor and an alias.
      const source = all[m.from % all.length];
      const sourceParent = source ? parentOf(root, source) : undefined;
      const value =
        source && sourceParent ? sourceParent[source[source.length - 1] as string | number] : undefined;
      if (value !== undefined && value !== parent && !isAncestor(value, parent)) parent[key] = value;
      return;
    }
    case 'add': {
      const target = parent[key];
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, {
          value: m.value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return;
    }
  }
}

function isAncestor(candidate: Json, node: Json): boolean {
  if (candidate === node) return true;
  if (!candidate || typeof candidate !== 'object') return false;
  return Object.values(candidate).some((v) => isAncestor(v, node));
}

// ---------- text generators ----------

const YAML_TOKENS = [
  'region: us-east-1\n',
  'endpoints:\n',
  '  - name: a\n',
  '    instanceType: ml.g5.xlarge\n',
  'scaling:',
  ': ',
  '- ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\n',
  '  ',
  '    ',
  '\t',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a\n',
  '!!str ',
  '!!int ',
  '!!binary ',
  '!!map ',
  '!custom ',
  '|\n',
  '>-\n',
  '"',
  "'",
  '#',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '${PRESENT}',
  '${NOPE}',
  '~',
  'null',
  '.inf',
  '.nan',
  '0x1F',
  '0o17',
  '2001-12-14',
  'endpoints',
  'model',
  'tags',
  'wake',
  'keepWarm',
  'x',
  '1',
];

const yamlSoupArb = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 80 }).map((t) => t.join(''));

const anchorDocArb = fc
  .record({
    width: fc.integer({ min: 1, max: 12 }),
    depth: fc.integer({ min: 1, max: 6 }),
    where: fc.constantFrom('tags', 'environment', 'endpoints', 'keepWarm', 'top'),
    merge: fc.boolean(),
    dangling: fc.boolean(),
  })
  .map(({ width, depth, where, merge, dangling }) => {
    // An alias tree `width^depth` wide: small ones expand, large ones must hit the alias limit.
    const lines = ['defs:', `  l0: &l0 ["v"${', "v"'.repeat(width - 1)}]`];
    for (let d = 1; d <= depth; d++)
      lines.push(
        `  l${d}: &l${d} [${Array(width)
          .fill(`*l${d - 1}`)
          .join(', ')}]`,
      );
    const ref = dangling ? '*missing' : `*l${depth}`;
    const endpoint = [
      '  - &ep',
      '    name: a1',
      '    model: &m { image: img:1, environment: { A: "1" } }',
      '    executionRoleArn: arn:aws:iam::123456789012:role/R',
      '    instanceType: ml.g5.xlarge',
      where === 'tags' ? `    tags: ${ref}` : '',
      where === 'environment' ? `    model: { image: img:1, environment: ${ref} }` : '',
      where === 'keepWarm' ? `    scaling: { keepWarm: ${ref} }` : '',
    ];
    const second = merge ? ['  - <<: *ep', '    name: a2'] : [];
    return [
      ...lines,
      'region: us-east-1',
      where === 'top' ? `extra: ${ref}` : '',
      `endpoints:${where === 'endpoints' ? ` ${ref}` : ''}`,
      ...(where === 'endpoints' ? [] : [...endpoint, ...second]),
    ]
      .filter((l) => l !== '')
      .join('\n');
  });

describe('config loader under fuzzing (fast-check)', () => {
  it('arbitrary text: loads or is rejected with key-naming / YAML-level issues', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        (t) => {
          check(t);
        },
      ),
      runs(300),
    );
  });

  it('YAML-shaped token soup', () => {
    fc.assert(
      fc.property(yamlSoupArb, (t) => {
        check(t);
      }),
      runs(300),
    );
  });

  it('structured mutations of a valid config', () => {
    const outcomes = { valid: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 5 }), (mutations) => {
        const doc = baseConfig();
        for (const m of mutations) mutate(doc, m);
        outcomes[check(stringify(doc, { aliasDuplicateObjects: true }))]++;
      }),
      runs(400),
    );
    // The generator must exercise both sides: benign mutations load, harmful ones are rejected.
    expect(outcomes.valid).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(outcomes.valid / 4);
  });

  it('anchors, aliases, merge keys and alias bombs', () => {
    const outcomes = { valid: 0, rejected: 0 };
    fc.assert(
      fc.property(anchorDocArb, (t) => {
        outcomes[check(t)]++;
      }),
      runs(200),
    );
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it('a top-level empty key is reported with a key path that names it', () => {
    let issues: { path: string; message: string }[] = [];
    try {
      parseConfig(': 1\nregion: us-east-1\n', FILE, ENV);
    } catch (e) {
      issues = (e as ConfigError).issues;
    }
    const emptyKey = issues.find((i) => i.message === 'unknown key ""');
    expect(emptyKey).toMatchObject({ line: 1, path: '[""]' });
  });

  it('the unmutated base config is valid (so mutations start from a loadable document)', () => {
    expect(check(stringify(baseConfig()))).toBe('valid');
    expect(tally.documents).toBeGreaterThanOrEqual(Math.round(1200 * scale));
  });
});
