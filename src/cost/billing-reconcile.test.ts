import { describe, expect, it } from 'vitest';
import { hostingUsage } from '../cloud/billing.js';
import {
  attributeRow,
  differs,
  isFinalDay,
  persistentDifferences,
  type BilledEndpoint,
  type BillingDayRow,
} from './billing-reconcile.js';

const eps: BilledEndpoint[] = [
  { name: 'llm', instanceType: 'ml.g5.12xlarge', kind: 'async' },
  { name: 'chat', instanceType: 'ml.g5.12xlarge', kind: 'realtime' },
  { name: 'a', instanceType: 'ml.g5.xlarge', kind: 'async' },
  { name: 'b', instanceType: 'ml.g5.xlarge', kind: 'async' },
];

describe('usage types and attribution', () => {
  it('reads instance type and kind out of hosting usage types only', () => {
    expect(hostingUsage('USE1-AsyncInf:ml.g5.12xlarge')).toEqual({
      instanceType: 'ml.g5.12xlarge',
      kind: 'async',
    });
    expect(hostingUsage('EUW3-Host:ml.g6.xlarge')).toEqual({
      instanceType: 'ml.g6.xlarge',
      kind: 'realtime',
    });
    expect(hostingUsage('USE1-Host:VolumeUsage.gp2')).toBeUndefined();
    expect(hostingUsage('USE1-Train:ml.g5.xlarge')).toBeUndefined();
  });

  it('matches by tag first, else by a usage type exactly one endpoint of that kind runs', () => {
    // Same instance type, different kinds: async and real-time usage types tell them apart.
    expect(attributeRow({ usageType: 'USE1-AsyncInf:ml.g5.12xlarge', tag: '' }, eps)).toEqual({
      endpoint: 'llm',
      by: 'usage-type',
    });
    expect(attributeRow({ usageType: 'USE1-Host:ml.g5.12xlarge', tag: '' }, eps)).toEqual({
      endpoint: 'chat',
      by: 'usage-type',
    });
    // Two async g5.xlarge endpoints: no guess.
    expect(attributeRow({ usageType: 'USE1-AsyncInf:ml.g5.xlarge', tag: '' }, eps)).toBeUndefined();
    // A tag settles it, whatever the usage type.
    expect(attributeRow({ usageType: 'USE1-AsyncInf:ml.g5.xlarge', tag: 'b' }, eps)).toEqual({
      endpoint: 'b',
      by: 'tag',
    });
    // Tagged for an endpoint this config does not have (another project's): not ours to count.
    expect(attributeRow({ usageType: 'USE1-AsyncInf:ml.g5.12xlarge', tag: 'other' }, eps)).toBeUndefined();
  });
});

describe('finality', () => {
  const end = Date.parse('2026-03-02T00:00:00Z');
  it("is Cost Explorer's flag, or 48 h after the day ended", () => {
    expect(isFinalDay('2026-03-01', false, end - 1)).toBe(true);
    expect(isFinalDay('2026-03-01', true, end + 48 * 3_600_000 - 1)).toBe(false);
    expect(isFinalDay('2026-03-01', true, end + 48 * 3_600_000)).toBe(true);
  });
});

describe('persistent differences', () => {
  const t = { percent: 10, minUsd: 1, days: 2 };
  const row = (day: string, est: number | null, billed: number | null, final = true): BillingDayRow => ({
    day,
    endpoint: 'llm',
    estimatedUsd: est,
    billedUsd: billed,
    differenceUsd: est !== null && billed !== null ? billed - est : null,
    differencePercent: null,
    estimatedInstanceHours: 0,
    billedInstanceHours: null,
    final,
    attribution: 'tag',
  });

  it('needs both the percentage and the dollar floor, on final days only', () => {
    expect(differs(row('d', 100, 111), t)).toBe(true); // 11% and $11
    expect(differs(row('d', 100, 109), t)).toBe(false); // 9%
    expect(differs(row('d', 5, 5.9), t)).toBe(false); // 18% but $0.90
    expect(differs(row('d', 0, 2), t)).toBe(true); // billed with nothing estimated
    expect(differs(row('d', 100, 150, false), t)).toBe(false); // provisional
    expect(differs(row('d', null, 150), t)).toBe(false); // no price, no judgement
  });

  it('looks at the newest final days of each endpoint', () => {
    const days = [row('03-01', 100, 150), row('03-02', 100, 150), row('03-03', 100, 100)];
    expect(persistentDifferences(days, t)).toEqual([]);
    expect(persistentDifferences(days.slice(0, 2), t).map((p) => p.days.map((d) => d.day))).toEqual([
      ['03-01', '03-02'],
    ]);
    // A newer provisional day neither breaks nor makes the streak.
    expect(persistentDifferences([...days.slice(0, 2), row('03-03', 100, 100, false)], t)).toHaveLength(1);
    expect(persistentDifferences(days.slice(0, 1), t)).toEqual([]);
  });
});
