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
    expect(SUMMARY_COLUMNS.slice(col('life_start'), col('life_start') + 4)).toEqual([
      'life_start',
      'life_start_source',
      'life_end',
      'life_end_source',
    ]);
    // Counted from the end: the first endpoint's quoted name holds a comma.
    const fromEnd = SUMMARY_COLUMNS.length - col('life_start');
    const first = lines[1]!.split(',').slice(-fromEnd, -fromEnd + 4);
    expect(first).toEqual(['2026-03-09T21:00:00.000Z', 'created', '2026-03-09T23:00:00.000Z', 'deleted']);
    expect(lines[2]!.split(',')[col('life_start')]).toBe('');
    expect(total.slice(col('life_start'), col('life_start') + 4)).toEqual(['', '', '', '']);
  });
});

describe('reportToCsv, realtime endpoints', () => {
  it('adds a share row per component (and the unattributed time) under its endpoint, with kind and basis', () => {
    const rt: EndpointReport = {
      ...ep('rt'),
      kind: 'realtime',
      gpusPerInstance: 4,
      realtime: {
        baselineBasis: '1 instance: one copy of each of 2 components',
        sharedBy: 'accelerators',
        unattributedInstanceHours: 0.5,
        unattributedSpendUsd: null,
        components: [
          {
            name: 'a',
            componentName: 'rt-a',
            instanceHoursShare: 1,
            spendShareUsd: null,
            coldStarts: {
              count: 3,
              probes: 1,
              timeToFirstResultSeconds: { p50: 300, p95: 300, samples: 1, measured: 1, estimated: 0 },
              failedInvocationsPerWake: 7,
            },
          },
        ],
      },
    };
    const r = report(['x']);
    r.endpoints.push(rt);
    const rows = reportToCsv(r)
      .split('\r\n')
      .map((l) => l.split(','));
    const col = (c: (typeof SUMMARY_COLUMNS)[number]): number => SUMMARY_COLUMNS.indexOf(c);
    expect(rows.map((x) => [x[0], x[col('kind')], x[col('component')]])).toEqual([
      ['endpoint', 'kind', 'component'],
      ['x', 'async', ''],
      ['rt', 'realtime', ''],
      ['rt', 'realtime', 'a'],
      ['rt', 'realtime', '(unattributed)'],
      ['TOTAL', '', ''],
      ['', undefined, undefined],
    ]);
    expect(rows[2]![col('baseline_basis')]).toBe('1 instance: one copy of each of 2 components');
    const a = rows[3]!;
    // 1 instance-hour share on a 4-GPU instance type: 4 GPU-hours.
    expect([
      a[col('instance_hours')],
      a[col('gpu_hours')],
      a[col('cold_starts')],
      a[col('ttfr_p50_s')],
    ]).toEqual(['1', '4', '3', '300']);
    expect(rows[4]![col('instance_hours')]).toBe('0.5');
  });
});
