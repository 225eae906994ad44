import { describe, expect, it } from 'vitest';
import { auditToCsv, CSV_COLUMNS, formatAudit } from './format.js';
import type { AuditReport, EndpointAudit } from './types.js';

const priced: EndpointAudit = {
  name: 'always-on',
  status: 'InService',
  kind: 'async',
  managedBySagezero: false,
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  scaling: {
    target: false,
    minCapacity: null,
    maxCapacity: null,
    policies: [],
    reachesZero: false,
    detail: 'no scalable target: always on',
  },
  window: { start: '2026-12-03T06:00:00.000Z', end: '2026-12-03T12:00:00.000Z' },
  traffic: {
    minutes: 360,
    idleMinutes: 300,
    share: 300 / 360,
    requests: 120,
    datapoints: 60,
    serviceSeconds: 5,
  },
  price: { usdPerHour: 1.5, source: 'bundled table' },
  current: { instanceHours: 6, costUsd: 9 },
  recommended: {
    policy: 'aws-recommended: 0-2 instances, idle 15m, wake on backlog',
    yaml: 'scaling:\n  preset: aws-recommended\n',
    instanceHours: 1.25,
    costUsd: 1.875,
    p95TimeToResultSeconds: 500,
    unserved: 0,
    coldStarts: 1,
    meetsObjective: true,
    deadlineOptimum: { instanceHours: 0.5, costUsd: 0.75, exact: true },
  },
  leftOnTableUsd: 7.125,
  notes: [],
};

const unpriced: EndpointAudit = {
  ...priced,
  name: 'rt, "odd" name',
  kind: 'realtime',
  price: { usdPerHour: null, source: 'unknown: the bundled price table has no ml.zz9.xlarge' },
  current: { instanceHours: 12, costUsd: null },
  recommended: null,
  leftOnTableUsd: null,
  notes: ['no whole minute of its life in the window: nothing to replay'],
};

const report: AuditReport = {
  region: 'us-east-1',
  window: { start: '2026-12-03T06:00:00.000Z', end: '2026-12-03T12:00:00.000Z', since: '6h' },
  objective: { p95TimeToResultSeconds: 900, maxExpired: 0 },
  metricCalls: 1,
  endpoints: [priced, unpriced],
};

/** RFC 4180 fields of one line (quoted fields may hold commas and doubled quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ''));
  return out;
}

describe('audit CSV', () => {
  const lines = auditToCsv(report).split('\r\n');

  it('has the documented header and one row per endpoint', () => {
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4); // header, 2 rows, the final empty string after the last CRLF
    expect(lines[3]).toBe('');
  });

  it('writes the figures in the column they are named by', () => {
    const cells = fields(lines[1] ?? '');
    expect(cells).toHaveLength(CSV_COLUMNS.length);
    const get = (c: (typeof CSV_COLUMNS)[number]): string | undefined => cells[CSV_COLUMNS.indexOf(c)];
    expect(get('endpoint')).toBe('always-on');
    expect(get('idle_share')).toBe(String(300 / 360));
    expect(get('current_usd')).toBe('9');
    expect(get('recommended_usd')).toBe('1.88'); // 1.875 to the cent
    expect(get('deadline_optimum_usd')).toBe('0.75');
    expect(get('left_on_table_usd')).toBe('7.13');
    expect(get('reaches_zero')).toBe('false');
    expect(get('recommended_policy')).toBe('aws-recommended: 0-2 instances, idle 15m, wake on backlog');
  });

  it('leaves unknown figures empty, never 0, and quotes names that need it', () => {
    expect(lines[2]).toMatch(/^"rt, ""odd"" name",realtime,/);
    const cells = fields(lines[2] ?? '');
    expect(cells[0]).toBe('rt, "odd" name');
    const get = (c: (typeof CSV_COLUMNS)[number]): string | undefined => cells[CSV_COLUMNS.indexOf(c)];
    expect(get('usd_per_hour')).toBe('');
    expect(get('current_usd')).toBe('');
    expect(get('current_instance_hours')).toBe('12');
    expect(get('recommended_usd')).toBe('');
    expect(get('left_on_table_usd')).toBe('');
  });
});

describe('audit JSON', () => {
  it('is the report itself, unknowns as null', () => {
    const back = JSON.parse(JSON.stringify(report)) as AuditReport;
    expect(back.endpoints[1]?.leftOnTableUsd).toBeNull();
    expect(Object.keys(back.endpoints[0] ?? {})).toEqual([
      'name',
      'status',
      'kind',
      'managedBySagezero',
      'instanceType',
      'instanceCount',
      'scaling',
      'window',
      'traffic',
      'price',
      'current',
      'recommended',
      'leftOnTableUsd',
      'notes',
    ]);
  });
});

describe('audit table', () => {
  it('one line per endpoint with the money left on the table, then details and notes', () => {
    const text = formatAudit(report);
    const header = text.findIndex((l) => l.startsWith('ENDPOINT'));
    expect(text[header]).toMatch(/IDLE\s+REQUESTS\s+COST\s+RECOMMENDED\s+DEADLINE OPT\s+LEFT ON TABLE$/);
    expect(text[header + 1]).toMatch(
      /^always-on\s+async\s+1 x ml\.g5\.xlarge\s+none\s+83\.3%\s+120\s+\$9\.00\s+\$1\.88\s+\$0\.75\s+\$7\.13$/,
    );
    expect(text[header + 2]).toMatch(/\s\?\s+-\s+-\s+\?$/);
    expect(text.join('\n')).toMatch(/note: no whole minute of its life/);
  });

  it('says when there is nothing to audit', () => {
    expect(formatAudit({ ...report, endpoints: [] }).at(-1)).toBe('no SageMaker endpoints in us-east-1');
  });
});
