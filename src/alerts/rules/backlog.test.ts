import { describe, expect, it } from 'vitest';
import { allowedBacklogMinutes, backlogWithoutCapacity, trailingBacklogMinutes } from './backlog.js';

const MIN = 60_000;
const NOW = 1000 * MIN;
/** Minutes [from, to] (relative to NOW, in minutes) with the given value. */
function minutes(from: number, to: number, value: number): { minute: number; value: number }[] {
  const out = [];
  for (let m = from; m <= to; m++) out.push({ minute: NOW + m * MIN, value });
  return out;
}

const wake = { periodSeconds: 60, evaluationPeriods: 2 };

describe('trailingBacklogMinutes', () => {
  it('counts the run of minutes with backlog that ends at the latest minute', () => {
    const series = [...minutes(-40, -31, 0), ...minutes(-30, -2, 1)];
    expect(trailingBacklogMinutes(series, NOW)).toEqual({ minutes: 29, since: NOW - 30 * MIN });
  });

  it('breaks the run at a zero or a missing minute, and ignores stale data', () => {
    expect(
      trailingBacklogMinutes([...minutes(-30, -20, 1), ...minutes(-19, -19, 0), ...minutes(-18, -2, 1)], NOW)
        .minutes,
    ).toBe(17);
    expect(trailingBacklogMinutes([...minutes(-30, -20, 1), ...minutes(-18, -2, 1)], NOW).minutes).toBe(17);
    expect(trailingBacklogMinutes(minutes(-60, -10, 1), NOW).minutes).toBe(0);
    expect(trailingBacklogMinutes([], NOW).minutes).toBe(0);
  });
});

describe('backlogWithoutCapacity', () => {
  it('allows the wake alarm delay plus boot time plus grace', () => {
    expect(allowedBacklogMinutes({ wake, bootSeconds: 600, graceMinutes: 5 })).toBe(2 + 10 + 5);
    expect(allowedBacklogMinutes({ wake: false, bootSeconds: 600, graceMinutes: 5 })).toBe(15);
  });

  it('fires only once the backlog has waited longer than the policy allows', () => {
    const input = { endpoint: 'llm-a', wake, bootSeconds: 600, graceMinutes: 5, now: NOW };
    expect(backlogWithoutCapacity({ ...input, series: minutes(-17, -1, 1) })).toBeUndefined(); // 17 min = allowed
    const c = backlogWithoutCapacity({
      ...input,
      series: minutes(-18, -1, 1),
      activities: [
        {
          startTime: NOW - 10 * MIN,
          status: 'Failed',
          description: 'Setting desired instance count to 1.',
          cause: 'ResourceLimitExceeded: account-level service limit',
        },
      ],
    });
    expect(c?.key).toBe('backlog-without-capacity:llm-a');
    expect(c?.summary).toContain('18m 00s');
    expect(c?.facts.find((f) => f.label.startsWith('Last scaling activity'))?.value).toContain(
      'ResourceLimitExceeded',
    );
    expect(c?.action).toMatch(/Service Quota/);
  });

  it('tells an endpoint without a wake policy to add one', () => {
    const c = backlogWithoutCapacity({
      endpoint: 'e',
      wake: false,
      bootSeconds: 60,
      graceMinutes: 0,
      now: NOW,
      series: minutes(-3, -1, 1),
    });
    expect(c?.action).toMatch(/no wake policy/);
  });
});
