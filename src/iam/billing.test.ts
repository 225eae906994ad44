import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { buildIamPolicy } from './build.js';
import { isAllowed } from './evaluate.js';

const cfg = (pricing: string) =>
  parseConfig(
    `region: eu-west-1\nproject: team-a\n${pricing}endpoints:\n  - name: llm\n    model: { image: img:1 }\n    executionRoleArn: arn:aws:iam::111122223333:role/Exec\n    instanceType: ml.g5.xlarge\n`,
    '/tmp/cfg/sagezero.yaml',
    {},
  );

describe('iam-policy and pricing.billing', () => {
  it('allows ce:GetCostAndUsage only when the bill is read', () => {
    const on = buildIamPolicy(cfg('pricing:\n  billing: cost-explorer\n')).document;
    const off = buildIamPolicy(cfg('')).document;
    expect(isAllowed(on, { action: 'ce:GetCostAndUsage', resources: ['*'] })).toBe(true);
    expect(isAllowed(off, { action: 'ce:GetCostAndUsage', resources: ['*'] })).toBe(false);
    // Nothing else of Cost Explorer: the daemon only reads.
    expect(on.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith('ce:'))).toEqual([
      'ce:GetCostAndUsage',
    ]);
  });
});
