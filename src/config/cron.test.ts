import { describe, expect, it } from 'vitest';
import { checkCron, checkTimeZone, nextCronTime, toAwsCron } from './cron.js';

describe('toAwsCron', () => {
  it('turns weekday ranges into AWS day names with "?" for day-of-month', () => {
    expect(toAwsCron('0 8 * * 1-5')).toBe('cron(0 8 ? * MON-FRI *)');
    expect(toAwsCron('30 18 * * 1-5')).toBe('cron(30 18 ? * MON-FRI *)');
  });

  it('maps both 0 and 7 to Sunday, and lists', () => {
    expect(toAwsCron('0 0 * * 0')).toBe('cron(0 0 ? * SUN *)');
    expect(toAwsCron('0 0 * * 7')).toBe('cron(0 0 ? * SUN *)');
    expect(toAwsCron('0 9 * * 1,3,5')).toBe('cron(0 9 ? * MON,WED,FRI *)');
  });

  it('puts "?" in day-of-week when only day-of-month is set, or neither', () => {
    expect(toAwsCron('30 6 1 * *')).toBe('cron(30 6 1 * ? *)');
    expect(toAwsCron('*/15 * * * *')).toBe('cron(*/15 * * * ? *)');
  });

  it('upper-cases month and day names', () => {
    expect(toAwsCron('0 9 * jan mon')).toBe('cron(0 9 ? JAN MON *)');
  });
});

describe('checkCron', () => {
  it('accepts ordinary five-field expressions', () => {
    for (const ok of ['0 8 * * 1-5', '*/5 * * * *', '0 0 1 * *', '0 9 * * MON-FRI'])
      expect(checkCron(ok)).toBeUndefined();
  });

  it('rejects the wrong number of fields, invalid values, and both day fields', () => {
    expect(checkCron('0 8 * *')).toContain('five-field');
    expect(checkCron('0 8 * * * 2026')).toContain('got 6 fields');
    expect(checkCron('0 25 * * *')).toContain('not a valid cron expression');
    expect(checkCron('0 8 1 * 1-5')).toContain('cannot restrict both');
  });
});

describe('checkTimeZone', () => {
  it('accepts IANA zones and rejects others', () => {
    expect(checkTimeZone('Europe/Brussels')).toBeUndefined();
    expect(checkTimeZone('UTC')).toBeUndefined();
    expect(checkTimeZone('Europe/Brussel')).toContain('IANA');
    expect(checkTimeZone('CEST+1')).toContain('IANA');
  });
});

describe('nextCronTime', () => {
  it('finds the next weekday 08:00 in the given zone (Friday noon -> Monday 08:00 CET = 07:00Z)', () => {
    const fridayNoon = Date.parse('2026-01-02T12:00:00Z');
    expect(new Date(nextCronTime('0 8 * * 1-5', fridayNoon, 'Europe/Brussels')).toISOString()).toBe(
      '2026-01-05T07:00:00.000Z',
    );
  });

  it('follows daylight saving time (08:00 CEST = 06:00Z after the March change)', () => {
    const before = Date.parse('2026-03-28T12:00:00Z');
    expect(new Date(nextCronTime('0 8 * * *', before, 'Europe/Brussels')).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
  });

  it('defaults to UTC and is strictly after the given time', () => {
    const eight = Date.parse('2026-01-05T08:00:00Z');
    expect(new Date(nextCronTime('0 8 * * *', eight)).toISOString()).toBe('2026-01-06T08:00:00.000Z');
  });
});
