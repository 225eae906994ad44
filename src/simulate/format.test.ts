import { describe, expect, it } from 'vitest';
import { formatSeconds } from './format.js';

describe('formatSeconds', () => {
  it('rounds to whole seconds before splitting minutes, so no "60s" appears', () => {
    expect(formatSeconds(779.6)).toBe('13m00s');
    expect(formatSeconds(59.6)).toBe('1m00s');
    expect(formatSeconds(3599.6)).toBe('1h00m');
    expect(formatSeconds(768)).toBe('12m48s');
  });

  it('keeps a decimal under ten seconds, and says never for an unserved request', () => {
    expect(formatSeconds(9.44)).toBe('9.4s');
    expect(formatSeconds(42.4)).toBe('42s');
    expect(formatSeconds(Infinity)).toBe('never');
    expect(formatSeconds(NaN)).toBe('-');
    expect(formatSeconds(null)).toBe('-');
  });
});
