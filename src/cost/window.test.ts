import { describe, expect, it } from 'vitest';
import { buckets, parseWindow, ReportParamError } from './window.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const H = 3600_000;

function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ReportParamError ? e.param : `not a ReportParamError: ${String(e)}`;
  }
  return undefined;
}

describe('parseWindow', () => {
  it('defaults to the last seven days', () => {
    expect(parseWindow({}, NOW)).toEqual({ start: NOW - 7 * 24 * H, end: NOW });
  });

  it('reads since, start/end and step', () => {
    expect(parseWindow({ since: '90m' }, NOW)).toEqual({ start: NOW - 1.5 * H, end: NOW });
    expect(
      parseWindow({ start: '2026-03-09T00:00:00Z', end: '2026-03-09T06:00:00+02:00', step: '1h' }, NOW),
    ).toEqual({
      start: Date.UTC(2026, 2, 9),
      end: Date.UTC(2026, 2, 9, 4),
      step: '1h',
    });
    // start alone runs to now; an end in the future is cut at now.
    expect(parseWindow({ start: '2026-03-10T00:00:00Z' }, NOW).end).toBe(NOW);
    expect(parseWindow({ start: '2026-03-10T00:00:00Z', end: '2026-03-11T00:00:00Z' }, NOW).end).toBe(NOW);
  });

  it('names the parameter at fault', () => {
    expect(paramOf(() => parseWindow({ since: '7 days' }, NOW))).toBe('since');
    expect(paramOf(() => parseWindow({ since: '0d' }, NOW))).toBe('since');
    expect(paramOf(() => parseWindow({ since: '999d' }, NOW))).toBe('since');
    expect(paramOf(() => parseWindow({ since: '7d', start: '2026-03-09T00:00:00Z' }, NOW))).toBe('since');
    expect(paramOf(() => parseWindow({ start: 'yesterday' }, NOW))).toBe('start');
    expect(paramOf(() => parseWindow({ start: '2026-03-09' }, NOW))).toBe('start');
    expect(paramOf(() => parseWindow({ start: '2026-02-30T00:00:00Z' }, NOW))).toBe('start'); // no such day
    expect(paramOf(() => parseWindow({ end: '2026-03-09T00:00:00Z' }, NOW))).toBe('start');
    expect(
      paramOf(() => parseWindow({ start: '2026-03-09T00:00:00Z', end: '2026-03-08T00:00:00Z' }, NOW)),
    ).toBe('end');
    expect(paramOf(() => parseWindow({ start: '2026-04-01T00:00:00Z' }, NOW))).toBe('start');
    expect(paramOf(() => parseWindow({ step: '2h' }, NOW))).toBe('step');
    expect(paramOf(() => parseWindow({ since: '90d', step: '5m' }, NOW))).toBe('step');
  });
});

describe('buckets', () => {
  it('aligns to UTC step boundaries and clips the ends to the window', () => {
    const w = { start: Date.UTC(2026, 2, 9, 10, 30), end: Date.UTC(2026, 2, 9, 13, 15), step: '1h' as const };
    expect(
      buckets(w).map((b) => [b.start, b.end].map((t) => new Date(t).toISOString().slice(11, 16))),
    ).toEqual([
      ['10:30', '11:00'],
      ['11:00', '12:00'],
      ['12:00', '13:00'],
      ['13:00', '13:15'],
    ]);
    expect(buckets({ start: 0, end: 10 })).toEqual([]);
  });
});
