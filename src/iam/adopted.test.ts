import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import { buildIamPolicy } from './build.js';
import { isAllowed } from './evaluate.js';

const MODEL = 'arn:aws:sagemaker:us-east-1:123456789012:model/handmade-llm-model';
const CONFIG = 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/handmade-llm-config';

describe('iam-policy and adopted endpoints', () => {
  const doc = buildIamPolicy(testConfig()).document;
  const tagged = (project: string) => ({
    'aws:ResourceTag/sagezero:managed-by': 'sagezero',
    'aws:ResourceTag/sagezero:project': project,
  });

  it("reads and deletes an adopted model or config under its own name only when it carries this project's tags", () => {
    for (const action of ['sagemaker:DescribeModel', 'sagemaker:DeleteModel', 'sagemaker:ListTags'])
      expect(isAllowed(doc, { action, resources: [MODEL], context: tagged('test') })).toBe(true);
    expect(
      isAllowed(doc, {
        action: 'sagemaker:DescribeEndpointConfig',
        resources: [CONFIG],
        context: tagged('test'),
      }),
    ).toBe(true);
    expect(
      isAllowed(doc, { action: 'sagemaker:DeleteModel', resources: [MODEL], context: tagged('other') }),
    ).toBe(false);
    expect(isAllowed(doc, { action: 'sagemaker:DescribeModel', resources: [MODEL], context: {} })).toBe(
      false,
    );
  });

  it('does not let sagezero tag a resource of another name as its own (that would bring it under the rule above)', () => {
    const request = {
      'aws:RequestTag/sagezero:managed-by': 'sagezero',
      'aws:RequestTag/sagezero:project': 'test',
    };
    expect(isAllowed(doc, { action: 'sagemaker:AddTags', resources: [MODEL], context: request })).toBe(false);
  });
});
