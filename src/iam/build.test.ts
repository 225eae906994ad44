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
