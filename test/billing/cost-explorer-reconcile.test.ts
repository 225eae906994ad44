// Estimate against the bill with the real Cost Explorer client replaying recorded answers
// (test/fixtures/cost-explorer/): the billing task's fetches, finality, cache and request count, the
// report's per-day rows with hand-computed differences, attribution, and the persistent-difference
// alert.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateRules } from '../../src/alerts/evaluate.js';
import type { BillingAlertInput } from '../../src/alerts/rules/billing.js';
import { DEFAULT_ALERTS_CONFIG } from '../../src/alerts/config.js';
import { VirtualClock } from '../../src/clock.js';
import { createCostExplorerBilling } from '../../src/cloud/aws/cost-explorer.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import type { Config } from '../../src/config/load.js';
import { billingToCsv, formatBilling } from '../../src/cost/billing-format.js';
import { createApp } from '../../src/server/app.js';
import { buildReport } from '../../src/cost/report.js';
import { billingTask } from '../../src/daemon/billing-task.js';
import { createLogger } from '../../src/daemon/logger.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, storeApiCallObserver, type Store } from '../../src/store/index.js';
import { startCostExplorerServer, type CostExplorerServer } from '../support/cost-explorer-server.js';
import { addSteps, config as baseConfig, endpoint, tablePrices } from '../report/helpers.js';

const at = (iso: string): number => Date.parse(iso);
const BILLING = { billing: 'cost-explorer', billingAlert: { percent: 10, minUsd: 1, days: 2 } };

let server: CostExplorerServer;
beforeAll(async () => {
  server = await startCostExplorerServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

interface Rig {
  store: Store;
  clock: VirtualClock;
  config: Config;
  run(): Promise<BillingAlertInput | undefined>;
  lookback(days: number): void;
  requests(): Promise<number>;
}

async function rig(startIso: string, lookbackDays: number, endpoints = defaultEndpoints()): Promise<Rig> {
  const store = await openStore(':memory:');
  const clock = new VirtualClock(at(startIso));
  const config = baseConfig(endpoints, {
    cloud: 'aws',
    pricing: { source: 'table', cacheTtlHours: 24, ...BILLING },
  } as Partial<Config>);
  const log = createLogger(new Redactor(), new Writable({ write: (_c, _e, done) => done() }));
  const source = createCostExplorerBilling({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    observer: storeApiCallObserver(store, clock),
  });
  let last: BillingAlertInput | undefined;
  const deps: Parameters<typeof billingTask>[0] = {
    cloud: new FakeCloud(),
    clock,
    config,
    store,
    log,
    prices: tablePrices(store, clock),
    source,
    lookbackDays,
    onReconciled: (input) => {
      last = input;
      return Promise.resolve();
    },
  };
  const task = billingTask(deps);
  return {
    store,
    clock,
    config,
    run: async () => {
      last = undefined;
      await task(new AbortController().signal);
      return last;
    },
    lookback: (days) => {
      deps.lookbackDays = days;
    },
    requests: async () =>
      (await store.apiCalls.totals())
        .filter((t) => t.service === 'ce' && t.operation === 'GetCostAndUsage')
        .reduce((n, t) => n + t.count, 0),
  };
}

function defaultEndpoints() {
  return [
    endpoint('llm', { instanceType: 'ml.g5.12xlarge', pricePerHourUsd: 7 }),
    endpoint('embed', { instanceType: 'ml.g5.xlarge', pricePerHourUsd: 1.5 }),
  ];
}

/**
 * llm runs 10 h on 03-01 (00:00-10:00), 4 h on 03-02 (08:00-12:00), 6 h on 03-03 (08:00-14:00) at
 * $7: estimates $70, $28, $42. embed is always on at $1.50: $36 a day.
 */
async function history(store: Store): Promise<void> {
  await addSteps(store, 'llm', [
    [at('2026-03-01T00:00:00Z'), 1],
    [at('2026-03-01T10:00:00Z'), 0],
    [at('2026-03-02T08:00:00Z'), 1],
    [at('2026-03-02T12:00:00Z'), 0],
    [at('2026-03-03T08:00:00Z'), 1],
    [at('2026-03-03T14:00:00Z'), 0],
  ]);
  await addSteps(store, 'embed', [[at('2026-02-20T00:00:00Z'), 1]]);
}

async function report(r: Rig, startIso: string, endIso: string) {
  return buildReport(
    { store: r.store, config: r.config, prices: tablePrices(r.store, r.clock), clock: r.clock },
    { start: at(startIso), end: at(endIso) },
  );
}

describe('reconciling with Cost Explorer (recorded answers)', () => {
  it('sets the bill beside the estimate per day and endpoint, with the difference and finality', async () => {
    const r = await rig('2026-03-04T06:00:00Z', 3);
    await history(r.store);
    server.answer = () => 'march-01-03.json';
    await r.run();
    expect(server.requests.map((q) => q.body.TimePeriod)).toEqual([
      { Start: '2026-03-01', End: '2026-03-04' },
    ]);

    const rep = await report(r, '2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z');
    const b = rep.billing!;
    const row = (day: string, ep: string) => b.days.find((d) => d.day === day && d.endpoint === ep)!;
    // 03-01: billed 10.2 h x $7 = $71.40 against 10 h x $7 = $70: +$1.40, 1.40 / 70 = 2%.
    expect(row('2026-03-01', 'llm')).toEqual({
      day: '2026-03-01',
      endpoint: 'llm',
      estimatedUsd: 70,
      billedUsd: 71.4,
      differenceUsd: 1.4,
      differencePercent: 2,
      estimatedInstanceHours: 10,
      billedInstanceHours: 10.2,
      // Cost Explorer still says estimated, but 03-01 ended 03-02T00:00 and 03-02T00:00 + 48 h =
      // 03-04T00:00 is before the 06:00 fetch.
      final: true,
      attribution: 'tag',
    });
    // 03-02: $33.60 billed against 4 h x $7 = $28: +$5.60 = 20%; ended 30 h before the fetch: provisional.
    expect(row('2026-03-02', 'llm')).toMatchObject({
      differenceUsd: 5.6,
      differencePercent: 20,
      final: false,
    });
    // 03-03: $50.40 against 6 h x $7 = $42: +$8.40 = 20%.
    expect(row('2026-03-03', 'llm')).toMatchObject({
      differenceUsd: 8.4,
      differencePercent: 20,
      final: false,
    });
    // embed has no tag on the bill: matched by its usage type, the only g5.xlarge async endpoint.
    expect(row('2026-03-01', 'embed')).toMatchObject({
      estimatedUsd: 36,
      billedUsd: 36,
      differenceUsd: 0,
      attribution: 'usage-type',
    });
    // The EBS volume row belongs to no endpoint, and says so.
    expect(b.unattributed).toEqual([
      { day: '2026-03-01', costUsd: 0.42, usageTypes: ['USE1-Host:VolumeUsage.gp2'] },
    ]);
    expect(rep.warnings.some((w) => w.includes('$0.42') && w.includes('unattributed'))).toBe(true);
    expect(b.tagSeen).toBe(true);
    expect(b.requests).toBe(1);
    expect(billingToCsv(b).split('\r\n')[0]).toBe(
      'day,endpoint,estimated_usd,billed_usd,difference_usd,difference_percent,estimated_instance_hours,billed_instance_hours,final,attribution',
    );
    expect(billingToCsv(b)).toContain('2026-03-01,llm,70,71.4,1.4,2,10,10.2,true,tag\r\n');
    const text = formatBilling(b).join('\n');
    expect(text).toContain('Bill (Cost Explorer; 1 GetCostAndUsage request so far)');
    expect(text).toMatch(/2026-03-02\s+llm\s+\$28\.00\s+\$33\.60\s+\$5\.60 \(20\.0%\)\s+provisional\s+tag/);
    expect(text).toMatch(/2026-03-01\s+\(unattributed\)\s+-\s+\$0\.42/);

    // The API serves the same rows as CSV; reading it asks Cost Explorer nothing.
    const app = createApp({
      store: r.store,
      config: r.config,
      clock: r.clock,
      prices: tablePrices(r.store, r.clock),
    });
    const res = await app.request('/api/v1/billing.csv?start=2026-03-01T00:00:00Z&end=2026-03-04T00:00:00Z');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(billingToCsv(b));
    expect(server.requests).toHaveLength(1);
  });

  it('asks again only for the days that were not final, and alerts once the difference persists', async () => {
    const r = await rig('2026-03-04T06:00:00Z', 3);
    await history(r.store);
    server.answer = () => 'march-01-03.json';
    const first = await r.run();
    // Only 03-01 is final, and it differs by 2% (under 10%): no alert.
    expect(first?.persistent).toEqual([]);
    expect(
      evaluateRules({ now: r.clock.now(), endpoints: [], billing: first! }, DEFAULT_ALERTS_CONFIG).conditions,
    ).toEqual([]);

    // Two days later, five days back reach 03-01 again: final, so the request starts at 03-02.
    await r.clock.advanceTo(at('2026-03-06T06:00:00Z'));
    r.lookback(5);
    server.answer = (q) => {
      if (q.body.TimePeriod?.Start !== '2026-03-02')
        throw new Error(`asked for ${JSON.stringify(q.body.TimePeriod)}`);
      return 'march-02-05.json';
    };
    const second = await r.run();
    expect(server.requests.map((q) => q.body.TimePeriod)).toEqual([
      { Start: '2026-03-01', End: '2026-03-04' },
      { Start: '2026-03-02', End: '2026-03-06' },
    ]);
    // 03-02 and 03-03 are now final (fetched 48 h or more after their end) and both differ by 20%
    // and more than $1 ($5.60, $8.40): with billingAlert.days 2 the difference persists.
    expect(second!.persistent.map((p) => [p.endpoint, p.days.map((d) => d.day)])).toEqual([
      ['llm', ['2026-03-02', '2026-03-03']],
    ]);
    const alerts = evaluateRules(
      { now: r.clock.now(), endpoints: [], billing: second! },
      DEFAULT_ALERTS_CONFIG,
    );
    expect(alerts.conditions.map((c) => [c.rule, c.endpoint, c.key])).toEqual([
      ['billing-difference', 'llm', 'billing-difference:llm'],
    ]);
    // $33.60 + $50.40 = $84.00 billed against $28 + $42 = $70.00 estimated.
    expect(alerts.conditions[0]!.summary).toContain(
      'billed $84.00, $14.00 more than sagezero estimated ($70.00)',
    );
    // embed is in scope too, so a billing-difference alert of embed would resolve.
    expect(alerts.scope.covers('billing-difference', 'embed')).toBe(true);
    expect(await r.requests()).toBe(2);
  });

  it('a closed month is final at once: read over two pages, then never asked for again', async () => {
    const r = await rig('2026-03-01T06:00:00Z', 3);
    await addSteps(r.store, 'embed', [[at('2026-02-20T00:00:00Z'), 1]]);
    server.answer = (q) =>
      q.body.NextPageToken ? 'february-closed-page2.json' : 'february-closed-page1.json';
    await r.run();
    expect(await r.requests()).toBe(2);
    // Another run, and a report: neither asks Cost Explorer anything.
    await r.clock.advanceTo(at('2026-03-01T12:00:00Z'));
    await r.run();
    const rep = await report(r, '2026-02-26T00:00:00Z', '2026-03-01T00:00:00Z');
    expect(server.requests).toHaveLength(2);
    expect(await r.requests()).toBe(2);
    const embed = rep.billing!.days.filter((d) => d.endpoint === 'embed');
    // Estimated false: final although 02-28 ended only 6 h before the fetch. 02-27: billed 23.5 h
    // ($35.25) against 24 h x $1.50 = $36: -$0.75, -0.75 / 36 = -2.08%.
    expect(embed.map((d) => [d.day, d.final, d.differenceUsd, d.differencePercent])).toEqual([
      ['2026-02-26', true, 0, 0],
      ['2026-02-27', true, -0.75, -2.08],
      ['2026-02-28', true, 0, 0],
    ]);
    // The storage row of the second page, on the day the token split.
    expect(rep.billing!.unattributed.map((u) => u.day)).toEqual(['2026-02-27']);
  });

  it('without a tag, usage type matches only an instance type one endpoint alone runs', async () => {
    const r = await rig('2026-03-04T06:00:00Z', 3, [
      endpoint('llm', { instanceType: 'ml.g5.12xlarge', pricePerHourUsd: 7 }),
      endpoint('embed', { instanceType: 'ml.g5.xlarge', pricePerHourUsd: 1.5 }),
      endpoint('embed-b', { instanceType: 'ml.g5.xlarge', pricePerHourUsd: 1.5 }),
    ]);
    await history(r.store);
    server.answer = () => 'march-01-03.json';
    await r.run();
    const rep = await report(r, '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z');
    const b = rep.billing!;
    // Two endpoints run g5.xlarge: the untagged $36 cannot be split, so it is unattributed.
    expect(
      b.days
        .filter((d) => d.endpoint.startsWith('embed'))
        .map((d) => [d.endpoint, d.billedUsd, d.attribution]),
    ).toEqual([
      ['embed', 0, 'none'],
      ['embed-b', 0, 'none'],
    ]);
    expect(b.unattributed[0]).toEqual({
      day: '2026-03-01',
      costUsd: 36.42,
      usageTypes: ['USE1-AsyncInf:ml.g5.xlarge', 'USE1-Host:VolumeUsage.gp2'],
    });
    // The tagged llm row is still matched by its tag.
    expect(b.days.find((d) => d.endpoint === 'llm')!.attribution).toBe('tag');
  });
});
