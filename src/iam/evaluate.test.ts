import { describe, expect, it } from 'vitest';
import { conditionsHold, deniedResources, isAllowed, wildcardActions, wildcardMatch } from './evaluate.js';
import type { PolicyDocument } from './types.js';

describe('wildcardMatch', () => {
  it('treats * as any run (across / and :) and ? as exactly one character', () => {
    expect(wildcardMatch('arn:aws:s3:::b/p/*', 'arn:aws:s3:::b/p/x/y.out')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/p/*', 'arn:aws:s3:::b/q/x')).toBe(false);
    expect(wildcardMatch('model/llm-??', 'model/llm-ab')).toBe(true);
    expect(wildcardMatch('model/llm-??', 'model/llm-abc')).toBe(false);
    expect(wildcardMatch('model/llm-??', 'model/llm-a')).toBe(false);
  });

  it('escapes regex metacharacters and is case-sensitive unless asked', () => {
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('a+(b)', 'a+(b)')).toBe(true);
    expect(wildcardMatch('endpoint/llm', 'endpoint/LLM')).toBe(false);
    expect(wildcardMatch('sagemaker:describe*', 'sagemaker:DescribeModel', true)).toBe(true);
  });
});

describe('conditionsHold', () => {
  it('needs every key present and matching; a missing key fails', () => {
    const c = { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } };
    expect(conditionsHold(c, { 'iam:PassedToService': 'sagemaker.amazonaws.com' })).toBe(true);
    expect(conditionsHold(c, { 'IAM:passedtoservice': 'sagemaker.amazonaws.com' })).toBe(true);
    expect(conditionsHold(c, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    expect(conditionsHold(c, {})).toBe(false);
    expect(conditionsHold(undefined, undefined)).toBe(true);
  });

  it('supports StringLike and ForAnyValue:StringEquals', () => {
    expect(conditionsHold({ StringLike: { k: 'a*' } }, { k: 'abc' })).toBe(true);
    expect(conditionsHold({ StringLike: { k: 'a*' } }, { k: 'bc' })).toBe(false);
    const any = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/x'] } };
    expect(conditionsHold(any, { 'kms:ResourceAliases': ['alias/y', 'alias/x'] })).toBe(true);
    expect(conditionsHold(any, { 'kms:ResourceAliases': ['alias/y'] })).toBe(false);
  });
});

describe('isAllowed / deniedResources', () => {
  const doc: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'A',
        Effect: 'Allow',
        Action: ['sagemaker:CreateEndpoint'],
        Resource: ['arn:aws:sagemaker:us-east-1:1:endpoint/llm'],
      },
      {
        Sid: 'B',
        Effect: 'Allow',
        Action: ['sagemaker:CreateEndpoint'],
        Resource: ['arn:aws:sagemaker:us-east-1:1:endpoint-config/llm-*'],
      },
      { Sid: 'C', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: ['*'] },
    ],
  };

  it('needs every resource of a request allowed, by any statement', () => {
    const both = [
      'arn:aws:sagemaker:us-east-1:1:endpoint/llm',
      'arn:aws:sagemaker:us-east-1:1:endpoint-config/llm-1',
    ];
    expect(isAllowed(doc, { action: 'sagemaker:CreateEndpoint', resources: both })).toBe(true);
    const other = [
      'arn:aws:sagemaker:us-east-1:1:endpoint/llm',
      'arn:aws:sagemaker:us-east-1:1:endpoint-config/x',
    ];
    expect(deniedResources(doc, { action: 'sagemaker:CreateEndpoint', resources: other })).toEqual([
      'arn:aws:sagemaker:us-east-1:1:endpoint-config/x',
    ]);
  });

  it('matches actions case-insensitively and never across actions', () => {
    expect(isAllowed(doc, { action: 'STS:getcalleridentity', resources: ['*'] })).toBe(true);
    expect(isAllowed(doc, { action: 'sagemaker:DeleteEndpoint', resources: ['*'] })).toBe(false);
  });

  it('finds wildcard actions', () => {
    expect(wildcardActions(doc)).toEqual([]);
    const loose: PolicyDocument = {
      ...doc,
      Statement: [...doc.Statement, { Sid: 'D', Effect: 'Allow', Action: ['s3:Get*'], Resource: ['*'] }],
    };
    expect(wildcardActions(loose)).toEqual(['s3:Get*']);
  });
});
