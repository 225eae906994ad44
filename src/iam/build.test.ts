import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { contentName } from '../provision/naming.js';
import { buildIamPolicy, CONTENT_HASH_LENGTH, IamPolicyError } from './build.js';
import { isAllowed, wildcardActions } from './evaluate.js';
import type { PolicyDocument } from './types.js';

function config(
  endpoints: string,
  head = 'region: eu-west-1\nproject: team-a',
): ReturnType<typeof parseConfig> {
  return parseConfig(`${head}\nendpoints:\n${endpoints}`, '/tmp/cfg/sagezero.yaml', {});
}

const endpoint = (name: string, extra = '', role = 'arn:aws:iam::111122223333:role/Exec'): string => `
  - name: ${name}
    model: { image: img:1 }
    executionRoleArn: ${role}
    instanceType: ml.g5.xlarge
${extra}`;

const statement = (doc: PolicyDocument, sid: string) => doc.Statement.find((s) => s.Sid === sid);

describe('buildIamPolicy', () => {
  it('scopes models and configs to exactly <endpoint>-<hash>, in lower case', () => {
    const { document } = buildIamPolicy(config(endpoint('MyLLM')));
    const model = contentName('MyLLM', { any: 'content' }).toLowerCase();
    const arn = (t: string, n: string) => `arn:aws:sagemaker:eu-west-1:111122223333:${t}/${n}`;
    expect(model).toHaveLength('myllm-'.length + CONTENT_HASH_LENGTH);
    expect(isAllowed(document, { action: 'sagemaker:DeleteModel', resources: [arn('model', model)] })).toBe(
      true,
    );
    expect(
      isAllowed(document, { action: 'sagemaker:DeleteModel', resources: [arn('model', 'myllm-x')] }),
    ).toBe(false);
    expect(
      isAllowed(document, { action: 'sagemaker:DeleteEndpoint', resources: [arn('endpoint', 'myllm')] }),
    ).toBe(true);
    expect(
      isAllowed(document, { action: 'sagemaker:DeleteEndpoint', resources: [arn('endpoint', 'myllm-b')] }),
    ).toBe(false);
  });

  it('keeps the hash pattern right for names long enough to be truncated', () => {
    const long = `a${'-b'.repeat(31)}`; // 63 characters, the SageMaker maximum
    const { document } = buildIamPolicy(config(endpoint(long)));
    const model = contentName(long, { x: 1 });
    expect(
      isAllowed(document, {
        action: 'sagemaker:DescribeModel',
        resources: [`arn:aws:sagemaker:eu-west-1:111122223333:model/${model}`],
      }),
    ).toBe(true);
  });

  it('takes account and partition from the execution role, or --account', () => {
    const cn = buildIamPolicy(
      config(endpoint('e1', '', 'arn:aws-cn:iam::111122223333:role/Exec'), 'region: cn-north-1'),
    );
    expect(statement(cn.document, 'SageMakerInvokeAsync')?.Resource).toEqual([
      'arn:aws-cn:sagemaker:cn-north-1:111122223333:endpoint/e1',
    ]);
    const other = buildIamPolicy(config(endpoint('e1')), { accountId: '444455556666' });
    expect(statement(other.document, 'SageMakerInvokeAsync')?.Resource).toEqual([
      'arn:aws:sagemaker:eu-west-1:444455556666:endpoint/e1',
    ]);
    expect(() => buildIamPolicy(config(endpoint('e1')), { accountId: '12' })).toThrow(IamPolicyError);
  });

  it('refuses roles from several accounts without --account', () => {
    const two = config(endpoint('e1') + endpoint('e2', '', 'arn:aws:iam::999988887777:role/Exec'));
    expect(() => buildIamPolicy(two)).toThrow(/several accounts \(111122223333, 999988887777\).*--account/);
    expect(() => buildIamPolicy(two, { accountId: '111122223333' })).not.toThrow();
  });

  it('passes only the configured roles, only to SageMaker', () => {
    const { document } = buildIamPolicy(config(endpoint('e1')));
    expect(statement(document, 'PassExecutionRole')).toMatchObject({
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::111122223333:role/Exec'],
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  it('scopes S3 to the SDK default paths when none are configured', () => {
    const { document } = buildIamPolicy(config(endpoint('e1')));
    const bucket = 'sagemaker-eu-west-1-111122223333';
    expect(statement(document, 'S3AsyncResults')?.Resource).toEqual([
      `arn:aws:s3:::${bucket}/async-endpoint-failures/e1/*`,
      `arn:aws:s3:::${bucket}/async-endpoint-outputs/e1/*`,
    ]);
    expect(statement(document, 'S3ProbeInputs')?.Resource).toEqual([
      `arn:aws:s3:::${bucket}/sagezero-probes/e1/*`,
    ]);
    expect(statement(document, 'S3ResultBucketsList')?.Resource).toEqual([`arn:aws:s3:::${bucket}`]);
  });

  it('adds --input-prefix locations and the configured output paths', () => {
    const { document } = buildIamPolicy(
      config(endpoint('e1', '    async: { outputPath: "s3://out-b/p", failurePath: "s3://fail-b/" }')),
      { inputPrefixes: ['s3://in-b/x/'] },
    );
    expect(statement(document, 'S3AsyncResults')?.Resource).toEqual([
      'arn:aws:s3:::fail-b/*',
      'arn:aws:s3:::out-b/p/*',
    ]);
    expect(statement(document, 'S3ProbeInputs')?.Resource).toEqual([
      'arn:aws:s3:::in-b/x/*',
      'arn:aws:s3:::out-b/sagezero-probes/e1/*',
    ]);
  });

  it('reads JumpStart specs only when an endpoint uses JumpStart', () => {
    expect(statement(buildIamPolicy(config(endpoint('e1'))).document, 'JumpStartSpecsRead')).toBeUndefined();
    const js = config(`
  - name: e1
    model: { jumpstart: { modelId: huggingface-llm-falcon-40b-instruct-bf16 } }
    executionRoleArn: arn:aws:iam::111122223333:role/Exec
    instanceType: ml.g5.12xlarge`);
    expect(statement(buildIamPolicy(js).document, 'JumpStartSpecsRead')?.Resource).toEqual([
      'arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*',
    ]);
  });

  it('decrypts results with the configured KMS key, by id, ARN or alias', () => {
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const { document } = buildIamPolicy(
      config(
        endpoint('e1', `    async: { kmsKeyId: ${keyId} }`) +
          endpoint('e2', '    async: { kmsKeyId: alias/results }'),
      ),
    );
    expect(statement(document, 'KmsDecryptResults')?.Resource).toEqual([
      `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`,
    ]);
    expect(statement(document, 'KmsDecryptResultsByAlias')?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/results'] },
    });
  });

  it('limits scaling writes to SageMaker variants and alarms to the endpoint prefix', () => {
    const { document } = buildIamPolicy(config(endpoint('e1')));
    expect(statement(document, 'ScalingWriteSageMakerVariants')?.Condition).toEqual({
      StringEquals: {
        'application-autoscaling:service-namespace': 'sagemaker',
        'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
      },
    });
    expect(statement(document, 'AlarmsWriteOwn')?.Resource).toEqual([
      'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:sagezero-e1-*',
    ]);
    expect(statement(document, 'TargetTrackingAlarms')?.Resource).toEqual([
      'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:TargetTracking-endpoint/e1/variant/AllTraffic-*',
    ]);
  });

  it('has no wildcard action and a reason for every statement', () => {
    const { document, explained } = buildIamPolicy(config(endpoint('e1')));
    expect(wildcardActions(document)).toEqual([]);
    expect(new Set(document.Statement.map((s) => s.Sid)).size).toBe(document.Statement.length);
    for (const e of explained) expect(e.why.length).toBeGreaterThan(40);
    // Only statements for actions without resource-level permissions use "*".
    const star = document.Statement.filter((s) => s.Resource.includes('*')).map((s) => s.Sid);
    expect(star.sort()).toEqual(
      [
        'AlarmsAndMetricsRead',
        'CallerIdentity',
        'Prices',
        'SageMakerList',
        'ScalingRead',
        'ScalingWriteSageMakerVariants',
      ].sort(),
    );
  });

  it('narrows to one endpoint, names unknown ones, and warns past the managed-policy size', () => {
    const many = config(Array.from({ length: 60 }, (_, i) => endpoint(`endpoint-number-${i}`)).join(''));
    const all = buildIamPolicy(many);
    expect(all.warnings.join()).toMatch(/more than a managed policy may hold \(6144\).*--endpoint/);
    const one = buildIamPolicy(many, { endpoint: 'endpoint-number-7' });
    expect(one.warnings).toEqual([]);
    expect(statement(one.document, 'SageMakerInvokeAsync')?.Resource).toEqual([
      'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/endpoint-number-7',
    ]);
    expect(() => buildIamPolicy(many, { endpoint: 'nope' })).toThrow(/--endpoint nope: no such endpoint/);
  });
});

describe('buildIamPolicy with kind: realtime endpoints', () => {
  const realtime = (name: string, role = 'arn:aws:iam::111122223333:role/Exec'): string => `
  - name: ${name}
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: ${role}
    managedScaling: { maxInstances: 2 }
    components:
      - name: Llama
        model: { image: img:1 }
        acceleratorsPerCopy: 2
        memoryMb: 32768
`;
  const A = 'arn:aws:sagemaker:eu-west-1:111122223333';
  const owner = {
    'aws:RequestTag/sagezero:managed-by': 'sagezero',
    'aws:RequestTag/sagezero:project': 'team-a',
  };
  const realtimeActions = (doc: PolicyDocument) =>
    doc.Statement.flatMap((s) => s.Action).filter((a) =>
      /InferenceComponent|sagemaker:InvokeEndpoint$/.test(a),
    );

  it('adds nothing for a config without real-time endpoints', () => {
    const { document } = buildIamPolicy(config(endpoint('e1')));
    expect(realtimeActions(document)).toEqual([]);
    expect(document.Statement.filter((s) => s.Sid.startsWith('Realtime'))).toEqual([]);
  });

  it("covers a component's create, update, delete and invoke, scoped to <endpoint>-<component> and the owner tags", () => {
    const { document } = buildIamPolicy(config(endpoint('e1') + realtime('Chat')));
    // The component's SageMaker name is <endpoint>-<component>, lower case in its ARN.
    const component = `${A}:inference-component/chat-llama`;
    const allowed = (action: string, resources: string[], context?: Record<string, string>) =>
      isAllowed(document, { action, resources, ...(context ? { context } : {}) });
    expect(allowed('sagemaker:CreateInferenceComponent', [component, `${A}:endpoint/chat`], owner)).toBe(
      true,
    );
    expect(allowed('sagemaker:CreateInferenceComponent', [component])).toBe(false);
    expect(
      allowed('sagemaker:CreateInferenceComponent', [`${A}:inference-component/chat-other`], owner),
    ).toBe(false);
    for (const action of [
      'sagemaker:DescribeInferenceComponent',
      'sagemaker:UpdateInferenceComponent',
      'sagemaker:UpdateInferenceComponentRuntimeConfig',
      'sagemaker:DeleteInferenceComponent',
      'sagemaker:InvokeEndpoint',
    ]) {
      expect(allowed(action, [component]), action).toBe(true);
    }
    expect(allowed('sagemaker:InvokeEndpoint', [`${A}:endpoint/chat`])).toBe(true);
    // The async endpoint's statements do not reach the component, nor the component's to e1.
    expect(allowed('sagemaker:InvokeEndpoint', [`${A}:endpoint/e1`])).toBe(false);
    expect(allowed('sagemaker:ListInferenceComponents', ['*'])).toBe(true);
    // The component's content-addressed model and the endpoint's config.
    const model = contentName('Chat-Llama', { any: 'content' }).toLowerCase();
    const cfg = contentName('Chat', { any: 'content' }).toLowerCase();
    expect(allowed('sagemaker:CreateModel', [`${A}:model/${model}`], owner)).toBe(true);
    expect(allowed('sagemaker:CreateEndpointConfig', [`${A}:endpoint-config/${cfg}`], owner)).toBe(true);
    expect(
      allowed('iam:PassRole', ['arn:aws:iam::111122223333:role/Exec'], {
        'iam:PassedToService': 'sagemaker.amazonaws.com',
      }),
    ).toBe(true);
  });

  it('scales copies on inference-component/<name> and manages the component alarms', () => {
    const { document } = buildIamPolicy(config(realtime('chat')));
    const aas = (dimension: string) =>
      isAllowed(document, {
        action: 'application-autoscaling:RegisterScalableTarget',
        resources: ['*'],
        context: {
          'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': dimension,
        },
      });
    expect(aas('sagemaker:inference-component:DesiredCopyCount')).toBe(true);
    // Only real-time endpoints in the config: no variant-dimension writes.
    expect(aas('sagemaker:variant:DesiredInstanceCount')).toBe(false);
    // Alarm names keep their case (the component is Llama), unlike SageMaker ARNs.
    const alarm = (name: string) => `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${name}`;
    for (const action of ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource', 'cloudwatch:DeleteAlarms']) {
      expect(
        isAllowed(document, { action, resources: [alarm('sagezero-inference-component/chat-Llama-wake')] }),
      ).toBe(true);
    }
    expect(
      isAllowed(document, {
        action: 'cloudwatch:PutMetricAlarm',
        resources: [alarm('TargetTracking-inference-component/chat-Llama-AlarmHigh-1234')],
      }),
    ).toBe(true);
    expect(
      isAllowed(document, {
        action: 'cloudwatch:PutMetricAlarm',
        resources: [alarm('sagezero-inference-component/other-llama-wake')],
      }),
    ).toBe(false);
  });

  it('with only real-time endpoints (or --endpoint on one), writes no empty or async-only statement', () => {
    for (const { document } of [
      buildIamPolicy(config(realtime('chat'))),
      buildIamPolicy(config(endpoint('e1') + realtime('chat')), { endpoint: 'chat' }),
    ]) {
      expect(document.Statement.filter((s) => s.Resource.length === 0)).toEqual([]);
      expect(document.Statement.map((s) => s.Sid)).not.toContain('ScalingWriteSageMakerVariants');
      expect(document.Statement.map((s) => s.Sid)).not.toContain('SageMakerInvokeAsync');
      expect(wildcardActions(document)).toEqual([]);
      expect(new Set(document.Statement.map((s) => s.Sid)).size).toBe(document.Statement.length);
    }
    expect(() => buildIamPolicy(config(realtime('chat')), { endpoint: 'nope' })).toThrow(
      /no such endpoint .*\(it has: chat\)/,
    );
  });
});
