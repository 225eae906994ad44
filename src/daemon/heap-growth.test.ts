import { describe, expect, it } from 'vitest';
import { shouldLimitHeapGrowth } from './heap-growth.js';

describe('shouldLimitHeapGrowth', () => {
  it('sets the factor when the operator chose nothing about the heap', () => {
    expect(shouldLimitHeapGrowth([], undefined)).toBe(true);
    expect(shouldLimitHeapGrowth(['--max-semi-space-size=2'], '--enable-source-maps')).toBe(true);
  });

  it("leaves the operator's own heap flags alone, from the command line or NODE_OPTIONS", () => {
    expect(shouldLimitHeapGrowth(['--max-old-space-size=512'], undefined)).toBe(false);
    expect(shouldLimitHeapGrowth([], '--enable-source-maps --heap-growing-percent=20')).toBe(false);
    expect(shouldLimitHeapGrowth([], '--max_old_space_size=1024')).toBe(false);
    expect(shouldLimitHeapGrowth(['--max-heap-size', '300'], undefined)).toBe(false);
  });
});
