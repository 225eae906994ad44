// The whole audit on FakeCloud: figures derived by hand, the order, and no mutating call.
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeCloud } from '../cloud/fake.js';
import { addEndpoint, metricsFrom } from '../../test/support/audit-fixtures.js';
import { audit, auditOne, MAX_REPLAY_REQUESTS, sortByLeftOnTable } from './audit.js';
import { DEFAULT_TUNE_CONFIG } from '../tune/config.js';
import type { InventoryEntry } from './types.js';
import type { AuditReport, EndpointAudit } from './types.js';

const MIN = 60_000;
const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 3, 12, 0, 30);
// The window ends at the last whole minute: 12:00:00, and starts 6 h before.
const END = Date.UTC(2026, 11, 3, 12, 0);
const START = END - 6 * H;
// Bundled table, us-east-1 (src/cost/prices.tsv).
const G5_XLARGE = 1.4084;

let cloud: FakeCloud;
let report: AuditReport;
const progress: string[] = [];

function row(name: string): EndpointAudit {
  const r = report.endpoints.find((e) => e.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
}

beforeAll(async () => {
  cloud = new FakeCloud();
  // Always on for days, never invoked, no metrics at all.
  addEndpoint(cloud, {
    name: 'idle-async',
    kind: 'async',
    instanceType: 'ml.g5.xlarge',
    count: 1,
    createdAt: END - 9 * 24 * H,
  });
  // Created 30 minutes before the end of the window.
  addEndpoint(cloud, {
    name: 'new-async',
    kind: 'async',
    instanceType: 'ml.g5.xlarge',
    count: 1,
    createdAt: END - 30 * MIN,
  });
  // Real-time on an instance type the price table does not know; two requests a minute in the first hour.
  addEndpoint(cloud, {
    name: 'busy-rt',
    kind: 'realtime',
    instanceType: 'ml.zz9.xlarge',
    count: 2,
    createdAt: START - H,
  });
  cloud.metricData = metricsFrom((endpoint, metric, t) => {
    if (endpoint !== 'busy-rt' || t >= START + H) return undefined;
    if (metric === 'Invocations') return 2;
    if (metric === 'ModelLatency') return 5_000_000;
    return undefined;
  });
  report = await audit(cloud, { sinceMs: 6 * H, since: '6h', now: NOW, progress: (l) => progress.push(l) });
});

describe('audit', () => {
  it('makes only read calls', () => {
    expect(cloud.mutatingCalls()).toEqual([]);
    expect(new Set(cloud.calls)).toEqual(
      new Set([
        'ListEndpoints',
        'DescribeEndpoint',
        'DescribeEndpointConfig',
        'DescribeScalableTargets',
        'GetMetricData',
      ]),
    );
  });

  it('reads all metrics in one GetMetricData call and says so on the progress channel', () => {
    // 2 async x 5 metrics + 1 real-time x 2 = 12 queries x 360 minutes = 4,320 datapoints: one call.
    expect(report.metricCalls).toBe(1);
    expect(progress).toContain('reading CloudWatch metrics: GetMetricData call 1 of 1');
  });

  it('an always-on endpoint without metrics: idle every minute, billed the whole window', () => {
    const r = row('idle-async');
    expect(r.traffic).toMatchObject({ minutes: 360, idleMinutes: 360, share: 1, requests: 0, datapoints: 0 });
    expect(r.scaling).toMatchObject({ target: false, reachesZero: false });
    // 1 instance x 6 h.
    expect(r.current.instanceHours).toBe(6);
    expect(r.current.costUsd).toBeCloseTo(6 * G5_XLARGE, 9);
    // A scale-to-zero policy with no request never launches an instance.
    expect(r.recommended?.instanceHours).toBe(0);
    expect(r.leftOnTableUsd).toBeCloseTo(6 * G5_XLARGE, 9);
    expect(r.notes.join('\n')).toMatch(/no CloudWatch datapoints in the window/);
  });

  it('a brand-new endpoint: only its 30 minutes count', () => {
    const r = row('new-async');
    expect(r.window.start).toBe(new Date(END - 30 * MIN).toISOString());
    expect(r.traffic).toMatchObject({ minutes: 30, idleMinutes: 30, share: 1 });
    expect(r.current.instanceHours).toBe(0.5);
    expect(r.current.costUsd).toBeCloseTo(0.5 * G5_XLARGE, 9);
  });

  it('a real-time endpoint with an unknown price: figures in instance-hours, dollars unknown', () => {
    const r = row('busy-rt');
    // Busy the first 60 of 360 minutes: 300 idle; 2 requests x 60 minutes.
    expect(r.traffic).toMatchObject({ minutes: 360, idleMinutes: 300, requests: 120, serviceSeconds: 5 });
    expect(r.traffic.share).toBeCloseTo(300 / 360, 12);
    expect(r.price.usdPerHour).toBeNull();
    expect(r.price.source).toMatch(/unknown/);
    // 2 instances x 6 h.
    expect(r.current).toEqual({ instanceHours: 12, costUsd: null });
    expect(r.recommended?.costUsd).toBeNull();
    expect(r.recommended?.deadlineOptimum.costUsd).toBeNull();
    // 120 requests of 5 s need at least 600 s of serving; the deadline optimum is at least that.
    expect(r.recommended?.deadlineOptimum.instanceHours).toBeGreaterThanOrEqual(600 / 3600);
    expect(r.recommended?.instanceHours).toBeGreaterThanOrEqual(
      r.recommended?.deadlineOptimum.instanceHours ?? 0,
    );
    expect(r.recommended?.instanceHours).toBeLessThan(12);
    expect(r.leftOnTableUsd).toBeNull();
  });

  it('sorts by money left on the table, endpoints without a price last', () => {
    expect(report.endpoints.map((e) => e.name)).toEqual(['idle-async', 'new-async', 'busy-rt']);
  });
});

describe('sortByLeftOnTable', () => {
  const base = (name: string, left: number | null, current: number, recommended: number): EndpointAudit =>
    ({
      name,
      leftOnTableUsd: left,
      current: { instanceHours: current, costUsd: null },
      recommended: { instanceHours: recommended },
    }) as EndpointAudit;

  it('dollars descending, then unknown prices by instance-hours saved, then by name', () => {
    const rows = [
      base('u-small', null, 10, 9),
      base('cheap', 1, 0, 0),
      base('b-tie', 5, 0, 0),
      base('u-big', null, 100, 1),
      base('a-tie', 5, 0, 0),
      base('negative', -2, 0, 0),
    ];
    expect(sortByLeftOnTable(rows).map((r) => r.name)).toEqual([
      'a-tie',
      'b-tie',
      'cheap',
      'negative',
      'u-big',
      'u-small',
    ]);
  });
});

describe('an endpoint too busy to replay', () => {
  it('keeps its idle share and cost, and says why it has no recommendation', async () => {
    const entry: InventoryEntry = {
      name: 'firehose',
      status: 'InService',
      kind: 'realtime',
      managedBySagezero: false,
      variantName: 'AllTraffic',
      instanceType: 'ml.c5.xlarge',
      instanceCount: 1,
      initialInstanceCount: 1,
      createdAt: START - H,
      concurrency: 1,
      scaling: {
        target: false,
        minCapacity: null,
        maxCapacity: null,
        policies: [],
        reachesZero: false,
        detail: '',
      },
      activities: [],
      activitiesSince: START,
      notes: [],
    };
    // One more request than the cap, all in the first of two minutes.
    const m = {
      start: START,
      minutes: 2,
      series: {
        Invocations: Float64Array.from([MAX_REPLAY_REQUESTS + 1, NaN]),
        ModelLatency: Float64Array.from([NaN, NaN]),
      },
      datapoints: 1,
    };
    const r = await auditOne(entry, m, START + 2 * MIN, 'us-east-1', DEFAULT_TUNE_CONFIG.objective, 1);
    expect(r.recommended).toBeNull();
    expect(r.leftOnTableUsd).toBeNull();
    expect(r.traffic).toMatchObject({ minutes: 2, idleMinutes: 1, requests: MAX_REPLAY_REQUESTS + 1 });
    // 1 instance x 2 minutes at the bundled us-east-1 price of ml.c5.xlarge, $0.204/h.
    expect(r.current.costUsd).toBeCloseTo((2 / 60) * 0.204, 12);
    expect(r.notes.join('\n')).toMatch(/more than the 2,000,000 the audit replays/);
  });
});
