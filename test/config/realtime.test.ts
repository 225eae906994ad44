// kind: realtime endpoints: what loads, what is refused, and that each refusal names its key.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

function realtime(extra = '', component = ''): string {
  return `region: us-east-1
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: ${ROLE}
    managedScaling:
      maxInstances: 2
${extra}    components:
      - name: llama
        model:
          image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:latest
          modelDataUrl: s3://models/llama/
        acceleratorsPerCopy: 2
        memoryMb: 32768
${component}`;
}

function issues(text: string): string[] {
  try {
    parseConfig(text, 'sz.yaml', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected the config to be refused');
}

describe('kind: realtime', () => {
  it('loads apart from async endpoints, with defaults and the aws-recommended preset filled in', () => {
    const c = parseConfig(realtime(), 'sz.yaml', {});
    expect(c.endpoints).toEqual([]);
    expect(c.realtimeEndpoints).toHaveLength(1);
    const e = c.realtimeEndpoints[0]!;
    expect(e.managedScaling).toEqual({ minInstances: 0, maxInstances: 2 });
    expect(e.routingStrategy).toBe('least-outstanding-requests');
    const comp = e.components[0]!;
    expect(comp.componentName).toBe('chat-llama');
    // 4 GPUs per ml.g5.12xlarge / 2 per copy = 2 copies per instance, times 2 instances.
    expect(comp.scaling.maxCopies).toBe(4);
    expect(comp.scaling.minCopies).toBe(0);
    expect(comp.scaling.targetConcurrentRequestsPerCopy).toBe(5);
    // Default boot prior 480 s -> p90 581.7 s; ceil((581.7 + 60 + 60) / 60) * 60 = 720 s.
    expect(comp.scaling.wake).toEqual({ periodSeconds: 60, cooldownSeconds: 720 });
  });

  it('async endpoints still load without kind, and kind: async is accepted', () => {
    const text = `region: us-east-1
endpoints:
  - name: a
    model: { image: img }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
  - name: b
    kind: async
    model: { image: img }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
`;
    const c = parseConfig(text, 'sz.yaml', {});
    expect(c.endpoints.map((e) => e.name)).toEqual(['a', 'b']);
    expect(c.realtimeEndpoints).toEqual([]);
  });

  it('refuses async-only keys on a realtime endpoint by name', () => {
    const out = issues(realtime('    async: { outputPath: s3://b/o/ }\n    model: { image: img }\n'));
    expect(out).toContainEqual(
      expect.stringMatching(/^endpoints\[0\]\.async: is not allowed on a kind: realtime/),
    );
    expect(out).toContainEqual(
      expect.stringMatching(/^endpoints\[0\]\.model: .*components\[\] entry has its own model/),
    );
  });

  it('refuses components on an async endpoint', () => {
    const out = issues(`region: us-east-1
endpoints:
  - name: a
    model: { image: img }
    executionRoleArn: ${ROLE}
    instanceType: ml.g5.xlarge
    components: []
`);
    expect(out).toEqual([
      'endpoints[0].components: is only for kind: realtime endpoints; set kind: realtime or remove components',
    ]);
  });

  it('refuses an unknown kind', () => {
    const out = issues(realtime().replace('kind: realtime', 'kind: serverless'));
    expect(out).toEqual(['endpoints[0].kind: must be "async" (the default) or "realtime", got "serverless"']);
  });

  it('requires at least one component, with unique names', () => {
    const none = realtime().replace(/ {4}components:[\s\S]*$/, '    components: []\n');
    expect(issues(none)).toEqual([
      'endpoints[0].components: must list at least one component (a realtime endpoint serves its models through them)',
    ]);
    const dup = realtime(
      '',
      `      - name: llama
        model: { image: img }
        acceleratorsPerCopy: 1
        memoryMb: 1024
`,
    );
    expect(issues(dup)).toEqual(['endpoints[0].components[1].name: duplicates components[0].name "llama"']);
  });

  it('refuses more accelerators per copy than the instance type has', () => {
    const out = issues(realtime().replace('acceleratorsPerCopy: 2', 'acceleratorsPerCopy: 8'));
    expect(out).toEqual([
      'endpoints[0].components[0].acceleratorsPerCopy: must be at most 4 (ml.g5.12xlarge has 4); a copy cannot span instances',
    ]);
    const cpu = issues(realtime().replace('ml.g5.12xlarge', 'ml.m5.xlarge'));
    expect(cpu).toEqual([
      'endpoints[0].components[0].acceleratorsPerCopy: must be 0: ml.m5.xlarge has no accelerators',
    ]);
  });

  it('checks managedScaling bounds', () => {
    expect(issues(realtime().replace('maxInstances: 2', 'maxInstances: 0'))).toEqual([
      'endpoints[0].managedScaling.maxInstances: must be at least 1 (an endpoint that can never run serves nothing)',
    ]);
    expect(issues(realtime().replace('maxInstances: 2', 'maxInstances: 2\n      minInstances: 3'))).toEqual([
      'endpoints[0].managedScaling.minInstances: must not exceed managedScaling.maxInstances (2)',
    ]);
    const cooldown = realtime().replace(
      'maxInstances: 2',
      'maxInstances: 2\n      scaleIn: { policy: consolidation, cooldownMinutes: 4 }',
    );
    expect(issues(cooldown)).toEqual([
      'endpoints[0].managedScaling.scaleIn.cooldownMinutes: must be between 5 and 1440 minutes (AWS limit)',
    ]);
  });

  it('refuses a component name that makes the SageMaker name too long', () => {
    const long = 'x'.repeat(60);
    expect(issues(realtime().replace('name: llama', `name: ${long}`))).toEqual([
      `endpoints[0].components[0].name: makes the inference component name "chat-${long}" 65 characters long; SageMaker allows 63 (<endpoint name>-<component name>): shorten one of them`,
    ]);
  });

  it('custom scaling requires its values and exposes target, cooldowns and the alarm period', () => {
    expect(issues(realtime('', '        scaling: { preset: custom }\n'))).toEqual([
      'endpoints[0].components[0].scaling.minCopies: is required with preset: custom',
      'endpoints[0].components[0].scaling.maxCopies: is required with preset: custom',
      'endpoints[0].components[0].scaling.targetConcurrentRequestsPerCopy: is required with preset: custom',
    ]);
    const c = parseConfig(
      realtime(
        '',
        `        scaling:
          preset: custom
          minCopies: 0
          maxCopies: 3
          targetConcurrentRequestsPerCopy: 2
          scaleInCooldownSeconds: 900
          wake: { periodSeconds: 30, cooldownSeconds: 600 }
`,
      ),
      'sz.yaml',
      {},
    );
    expect(c.realtimeEndpoints[0]!.components[0]!.scaling).toEqual({
      preset: 'custom',
      minCopies: 0,
      maxCopies: 3,
      targetConcurrentRequestsPerCopy: 2,
      scaleOutCooldownSeconds: 300,
      scaleInCooldownSeconds: 900,
      wake: { periodSeconds: 30, cooldownSeconds: 600 },
    });
  });

  it('suggests keys of the realtime branch for a typo', () => {
    const out = issues(
      realtime().replace(
        'managedScaling:',
        'managedScaling:\n      maxInstance: 1\n    mangedScaling: {}\n    x:',
      ),
    );
    expect(out.join('\n')).toMatch(/unknown key "mangedScaling" \(did you mean "managedScaling"\?\)/);
  });

  it('warns when a component at zero copies has no wake policy', () => {
    const c = parseConfig(realtime('', '        scaling: { wake: false }\n'), 'sz.yaml', {});
    expect(c.realtimeEndpoints[0]!.components[0]!.scaling.wake).toBe(false);
    expect(c.warnings).toEqual([
      expect.stringMatching(/^chat\/llama: minCopies is 0 and there is no wake policy/),
    ]);
    expect(parseConfig(realtime(), 'sz.yaml', {}).warnings).toEqual([]);
  });

  it('duplicate endpoint names are refused across kinds', () => {
    const text = realtime().replace(
      'endpoints:\n',
      `endpoints:\n  - name: chat\n    model: { image: img }\n    executionRoleArn: ${ROLE}\n    instanceType: ml.g5.xlarge\n`,
    );
    expect(issues(text)).toEqual(['endpoints[1].name: duplicates endpoints[0].name "chat"']);
  });
});
