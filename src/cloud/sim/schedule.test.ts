import { describe, expect, it } from 'vitest';
import { toAwsCron } from '../../config/cron.js';
import { awsCronToFiveField, parseSchedule, ScheduleError } from './schedule.js';

const MON = Date.UTC(2026, 0, 5);
const H = 3_600_000;

describe('AWS schedule expressions', () => {
  it("converts sagezero's own AWS cron back to five fields (1=SUN in AWS, 0=SUN in cron)", () => {
    expect(awsCronToFiveField('0 8 ? * MON-FRI *')).toEqual({ expr: '0 8 * * 1-5', year: '*' });
    expect(awsCronToFiveField('30 7 ? * 2,6 *')).toEqual({ expr: '30 7 * * 1,5', year: '*' });
    expect(awsCronToFiveField('0 0 1 * ? *')).toEqual({ expr: '0 0 1 * *', year: '*' });
    const round = parseSchedule(toAwsCron('0 9 * * 1-5'));
    expect(round.next(MON)).toBe(MON + 9 * H);
  });

  it('fires weekday crons on weekdays only, in the given time zone', () => {
    const s = parseSchedule('cron(0 9 ? * MON-FRI *)', 'Europe/Brussels');
    expect(s.next(MON)).toBe(MON + 8 * H);
    const friday = MON + 4 * 24 * H;
    expect(s.next(friday + 9 * H)).toBe(MON + 7 * 24 * H + 8 * H);
  });

  it('honours the year field, at() and rate()', () => {
    expect(parseSchedule('cron(0 12 1 JAN ? 2027)').next(MON)).toBe(Date.UTC(2027, 0, 1, 12));
    expect(parseSchedule('at(2026-01-05T10:30:00)', 'America/New_York').next(MON)).toBe(
      Date.UTC(2026, 0, 5, 15, 30),
    );
    expect(parseSchedule('at(2026-01-05T10:30:00)').next(Date.UTC(2026, 0, 6))).toBeUndefined();
    const rate = parseSchedule('rate(15 minutes)', 'UTC', MON);
    expect(rate.next(MON)).toBe(MON + 15 * 60_000);
    expect(rate.next(MON + 16 * 60_000)).toBe(MON + 30 * 60_000);
  });

  it('rejects malformed schedules with a reason', () => {
    expect(() => parseSchedule('cron(0 8 * * MON-FRI)')).toThrow(/six fields/);
    expect(() => parseSchedule('cron(0 8 1 * MON *)')).toThrow(/must be "\?"/);
    expect(() => parseSchedule('every day')).toThrow(ScheduleError);
  });
});
