import { describe, expect, it } from 'vitest';
import { gpusPerInstance } from './gpus.js';
import { pricingConfigOf, pricingConfigSchema } from './pricing-config.js';

describe('pricing config', () => {
  it('defaults to the API with a day of caching', () => {
    const billingOff = { billing: 'off', billingAlert: { percent: 10, minUsd: 1, days: 3 } };
    expect(pricingConfigSchema.parse(undefined)).toEqual({ source: 'api', cacheTtlHours: 24, ...billingOff });
    expect(pricingConfigOf({ pricing: { source: 'table' } })).toEqual({
      source: 'table',
      cacheTtlHours: 24,
      ...billingOff,
    });
  });

  it('rejects an unknown source or a non-positive TTL', () => {
    expect(pricingConfigSchema.safeParse({ source: 'csv' }).success).toBe(false);
    expect(pricingConfigSchema.safeParse({ cacheTtlHours: 0 }).success).toBe(false);
    expect(pricingConfigSchema.safeParse({ sources: 'api' }).success).toBe(false);
  });
});

describe('gpusPerInstance', () => {
  it('knows the common GPU types, counts CPU families as 0 and unknown ones as undefined', () => {
    expect(gpusPerInstance('ml.g5.xlarge')).toBe(1);
    expect(gpusPerInstance('ml.g5.12xlarge')).toBe(4);
    expect(gpusPerInstance('ml.g5.48xlarge')).toBe(8);
    expect(gpusPerInstance('ml.p4d.24xlarge')).toBe(8);
    expect(gpusPerInstance('ml.m5.xlarge')).toBe(0);
    expect(gpusPerInstance('ml.zz9.large')).toBeUndefined();
  });
});
