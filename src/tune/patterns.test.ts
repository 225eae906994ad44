import { describe, expect, it } from 'vitest';
import { checkCron, nextCronTime } from '../config/cron.js';
import { findRecurringBursts, gapsLongerThan, idleGaps, keepWarmFor, weekdayOf } from './patterns.js';

const DAY = 86_400;
/** Monday 2026-01-05 00:00 UTC. */
const MONDAY = Date.UTC(2026, 0, 5);

/** `n` requests 15 s apart starting at `hour` on each listed day (0 = the Monday). */
function bursts(daysList: number[], hour: number, n = 20): Float64Array {
  const out: number[] = [];
  for (const d of daysList) for (let i = 0; i < n; i++) out.push(d * DAY + hour * 3600 + i * 15);
  return Float64Array.from(out);
}

describe('idleGaps', () => {
  it('measures from the end of processing to the next arrival, overlapping work merged', () => {
    const gaps = idleGaps(Float64Array.from([0, 5, 100, 400]), undefined, 10);
    expect([...gaps]).toEqual([85, 290]);
    expect(gapsLongerThan(gaps, 100)).toBe(1);
    expect(gapsLongerThan(gaps, 300)).toBe(0);
  });
});

describe('findRecurringBursts', () => {
  it('finds a burst every weekday at 9:00 and says weekdays', () => {
    const weekdays = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11];
    const found = findRecurringBursts(bursts(weekdays, 9), MONDAY, 14 * DAY);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ days: 'weekdays', startMinute: 540 });
  });

  it('says daily when the weekend has the burst too', () => {
    const found = findRecurringBursts(bursts([0, 1, 2, 3, 4, 5, 6, 7, 8], 14), MONDAY, 9 * DAY);
    expect(found).toHaveLength(1);
    expect(found[0]?.days).toBe('daily');
  });

  it('finds nothing in traffic without a daily rhythm, or in less than two days', () => {
    const scattered = Float64Array.from([3600, 2 * DAY + 5 * 3600, 4 * DAY + 20 * 3600, 6 * DAY + 11 * 3600]);
    expect(findRecurringBursts(scattered, MONDAY, 7 * DAY)).toEqual([]);
    expect(findRecurringBursts(bursts([0], 9), MONDAY, DAY)).toEqual([]);
  });
});

describe('keepWarmFor', () => {
  it('opens the 90th-percentile boot plus a minute before the burst, as valid cron', () => {
    const w = keepWarmFor(
      { startMinute: 540, endMinute: 560, days: 'weekdays', support: 1, occurrences: 5 },
      580,
      'end',
    );
    expect(w.from).toBe('49 8 * * 1-5');
    expect(w.to).toBe('21 9 * * 1-5');
    expect(checkCron(w.from)).toBeUndefined();
    expect(checkCron(w.to)).toBeUndefined();
  });

  it('moves the weekdays back a day when the window opens before midnight', () => {
    const w = keepWarmFor(
      { startMinute: 5, endMinute: 30, days: 'weekdays', support: 1, occurrences: 5 },
      480,
      'start',
    );
    expect(checkCron(w.from)).toBeUndefined();
    // The Monday 00:05 burst is pre-warmed on Sunday evening; the Saturday one does not exist.
    const firstOpen = nextCronTime(w.from, MONDAY - 2 * DAY * 1000);
    expect(weekdayOf(firstOpen)).toBe(0);
    expect(firstOpen).toBe(MONDAY - 4 * 60_000);
  });
});
