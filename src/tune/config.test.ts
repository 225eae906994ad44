import { describe, expect, it } from 'vitest';
import { parseHistory, tuneConfigOf, tuneConfigSchema } from './config.js';

describe('tuneConfigSchema', () => {
  it('fills the defaults of the issue’s example block', () => {
    expect(tuneConfigSchema.parse({})).toEqual({
      mode: 'recommend',
      schedule: '0 3 * * *',
      history: '14d',
      objective: { p95TimeToResultSeconds: 900, maxExpired: 0 },
      coldStartPriorSeconds: 480,
      serviceSecondsPrior: 10,
    });
  });

  it('rejects a bad schedule, history or key with a message naming it', () => {
    const bad = (input: unknown): string[] => {
      const r = tuneConfigSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ schedule: '0 3 * *' })[0]).toMatch(/^schedule: must be a five-field cron/);
    expect(bad({ history: 'two weeks' })[0]).toMatch(/^history: must be a duration/);
    expect(bad({ history: '90d' })[0]).toMatch(/^history: must be between 1h and 35d/);
    expect(bad({ objective: { p95: 900 } })[0]).toMatch(/^objective/);
    expect(bad({ mode: 'auto' })[0]).toMatch(/^mode/);
  });

  it('parses history durations', () => {
    expect(parseHistory('14d')).toBe(14 * 86_400_000);
    expect(parseHistory('36h')).toBe(36 * 3_600_000);
    expect(parseHistory('2w')).toBe(14 * 86_400_000);
    expect(parseHistory('14')).toBeUndefined();
  });

  it('reads an endpoint’s block whether or not the config schema mounted it', () => {
    expect(tuneConfigOf({ name: 'x' }).history).toBe('14d');
    expect(tuneConfigOf({ tune: { mode: 'apply' } }).mode).toBe('apply');
    expect(() => tuneConfigOf({ tune: { schedule: 'sometimes' } })).toThrow(/^tune\.schedule: /);
  });
});
