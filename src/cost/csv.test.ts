import { describe, expect, it } from 'vitest';
import { reportToCsv, SUMMARY_COLUMNS } from './csv.js';
import type { CostFigures, CostReport, EndpointReport } from './report-types.js';

const figures: CostFigures = {
  instanceHours: 1.5,
  gpuHours: null,
  spendUsd: null,
  baseline: { instanceHours: 24, spendUsd: null },
  savingsUsd: -2.5,
  savingsPercent: null,
  coldStarts: {
    count: 2,
    byProbes: 1,
    timeToFirstResultSeconds: { p50: 400, p95: 500, samples: 2, measured: 1, estimated: 1 },
    histogram: [],
  },
  probes: { instanceHours: 0.25, spendUsd: null, wakes: 1 },
};

const ep = (name: string): EndpointReport => ({
  ...figures,
  name,
  variant: 'AllTraffic',
  instanceType: 'ml.g5.xlarge',
  gpusPerInstance: null,
  baselineInstances: 1,
  price: { usdPerHour: null, source: null, detail: '', changes: [] },
  historyStart: null,
  life:
    name === '=cmd'
      ? null
      : {
          start: '2026-03-09T21:00:00.000Z',
          startSource: 'created',
          end: '2026-03-09T23:00:00.000Z',
          endSource: 'deleted',
          absent: [],
        },
});

const report = (names: string[]): CostReport => ({
  project: 'p',
  region: 'us-east-1',
  cloud: 'sim',
  currency: 'USD',
  generatedAt: '2026-03-10T00:00:00.000Z',
  window: { start: '2026-03-09T00:00:00.000Z', end: '2026-03-10T00:00:00.000Z', hours: 24, step: null },
  endpoints: names.map(ep),
  total: figures,
  gaps: [],
  backfilledTransitions: 0,
  warnings: [],
});

describe('reportToCsv', () => {
  it('leaves unknown values empty, keeps negative numbers, and quotes per RFC 4180', () => {
    const lines = reportToCsv(report(['a,"b"', '=cmd'])).split('\r\n');
    expect(lines[0]).toBe(SUMMARY_COLUMNS.join(','));
    expect(lines[1]!.startsWith('"a,""b""",AllTraffic,ml.g5.xlarge,')).toBe(true);
    // A name a spreadsheet would run as a formula is defused; numbers are left alone.
    expect(lines[2]!.startsWith("'=cmd,")).toBe(true);
    const total = lines[3]!.split(',');
    expect(total[0]).toBe('TOTAL');
    expect(total[SUMMARY_COLUMNS.indexOf('spend_usd')]).toBe('');
    expect(total[SUMMARY_COLUMNS.indexOf('savings_usd')]).toBe('-2.5');
    expect(total[SUMMARY_COLUMNS.indexOf('ttfr_p95_s')]).toBe('500');
    expect(lines[4]).toBe('');
    // The life the baseline covers, appended after the old columns; empty with no history and on TOTAL.
    const col = (c: (typeof SUMMARY_COLUMNS)[number]): number => SUMMARY_COLUMNS.indexOf(c);
    expect(SUMMARY_COLUMNS.slice(-4)).toEqual([
      'life_start',
      'life_start_source',
      'life_end',
      'life_end_source',
    ]);
    const first = lines[1]!.split(',').slice(-4);
    expect(first).toEqual(['2026-03-09T21:00:00.000Z', 'created', '2026-03-09T23:00:00.000Z', 'deleted']);
    expect(lines[2]!.split(',')[col('life_start')]).toBe('');
    expect(total.slice(col('life_start'))).toEqual(['', '', '', '']);
  });
});
