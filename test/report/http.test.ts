// The HTTP API through hono's app.request(): status codes, 400s naming the parameter, auth, CSV
// shape, and a Prometheus exposition that parses.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { SUMMARY_COLUMNS, SERIES_COLUMNS } from '../../src/cost/csv.js';
import { createApp, type SagezeroApp } from '../../src/server/app.js';
import { escapeHtml } from '../../src/server/html.js';
import type { CostReport } from '../../src/cost/report-types.js';
import type { EndpointView } from '../../src/server/endpoints-view.js';
import { META, openStore, type Store } from '../../src/store/index.js';
import { addSteps, config, endpoint, tablePrices } from './helpers.js';
import { parseExposition } from '../support/prometheus.js';

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const TOKEN = 'test-token-0123456789abcdef';

let store: Store;
let clock: VirtualClock;
let app: SagezeroApp;

function makeApp(opts: { authToken?: string; project?: string } = {}): SagezeroApp {
  const cfg = config(
    [endpoint('alpha', { pricePerHourUsd: 2 }), endpoint('beta', { instanceType: 'ml.g5.12xlarge' })],
    {
      project: opts.project ?? 'demo',
    },
  );
  return createApp({
    store,
    config: cfg,
    clock,
    prices: tablePrices(store, clock),
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
  });
}

beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(NOW);
  // alpha: 1 instance from 6 h ago to 3 h ago; beta: 0 all along.
  await addSteps(store, 'alpha', [
    [NOW - 6 * HOUR, 1],
    [NOW - 3 * HOUR, 0],
  ]);
  await addSteps(store, 'beta', [[NOW - 30 * HOUR, 0]]);
  await store.meta.set(META.lastPollAt, String(NOW - 60_000), NOW);
  await store.meta.setJson(
    META.endpointStatus('alpha'),
    { status: 'InService', instances: 0, desired: 0, observedAt: NOW - 60_000 },
    NOW,
  );
  await store.probes.save({
    id: 'p1',
    endpoint: 'alpha',
    startedAt: NOW - 6 * HOUR - 600_000,
    finishedAt: NOW - 6 * HOUR + 60_000,
    instancesAtStart: 0,
    cold: true,
    totalS: 660,
    outcome: 'success',
  });
  await store.probes.save({
    id: 'p2',
    endpoint: 'beta',
    startedAt: NOW - HOUR,
    finishedAt: NOW - HOUR + 1000,
    instancesAtStart: 0,
    cold: true,
    outcome: 'model_error',
    errorMessage: '<img src=x onerror=alert(1)> model crashed',
  });
  await store.apiCalls.record(
    {
      service: 'sagemaker',
      operation: 'DescribeEndpoint',
      ok: true,
      retriedErrors: ['ThrottlingException', 'ThrottlingException'],
    },
    NOW,
  );
  await store.apiCalls.record(
    { service: 'cloudwatch', operation: 'GetMetricData', ok: false, errorCode: 'Throttling' },
    NOW,
  );
  await store.controllers.error('telemetry', NOW, 'boom');
  app = makeApp();
});
afterEach(() => store.close());

interface ErrorBody {
  error: { parameter?: string; message: string };
}

async function json<T = ErrorBody>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await app.request(path, init);
  return { status: res.status, body: (await res.json()) as T };
}

describe('routes', () => {
  it('answers /healthz', async () => {
    expect(await json('/healthz')).toEqual({
      status: 200,
      body: { ok: true, project: 'demo', cloud: 'sim' },
    });
  });

  it('serves the JSON report for the default window', async () => {
    const { status, body } = await json<CostReport>('/api/v1/report');
    expect(status).toBe(200);
    expect(body.window).toMatchObject({
      start: new Date(NOW - 7 * 24 * HOUR).toISOString(),
      end: new Date(NOW).toISOString(),
      step: null,
    });
    const alpha = body.endpoints.find((e) => e.name === 'alpha')!;
    expect(alpha.instanceHours).toBe(3);
    expect(alpha.spendUsd).toBe(6); // 3 h x $2 override
    // Always on only since alpha's first record (6 h ago), not the 7-day window: 6 h x $2 = $12.
    expect(alpha.baseline.spendUsd).toBe(6 * 2);
    expect(alpha.life).toMatchObject({
      start: new Date(NOW - 6 * HOUR).toISOString(),
      startSource: 'first-record',
    });
    expect(body.endpoints.map((e) => e.name)).toEqual(['alpha', 'beta']);
  });

  it('filters to one endpoint and builds a series with step', async () => {
    const { status, body } = await json<CostReport>('/api/v1/report?since=6h&step=1h&endpoint=alpha');
    expect(status).toBe(200);
    expect(body.endpoints).toHaveLength(1);
    expect(body.endpoints[0]!.series!.map((p) => p.instanceHours)).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it.each([
    ['since=7days', 'since'],
    ['since=7d&start=2026-03-01T00:00:00Z', 'since'],
    ['start=2026-03-01', 'start'],
    ['start=2026-03-05T00:00:00Z&end=2026-03-04T00:00:00Z', 'end'],
    ['end=2026-03-04T00:00:00Z', 'start'],
    ['step=2h', 'step'],
    ['since=90d&step=5m', 'step'],
    ['endpoint=gamma', 'endpoint'],
    ['sinse=7d', 'sinse'],
    ['since=1d&since=2d', 'since'],
  ])('rejects %s with a 400 naming %s', async (query, param) => {
    for (const path of ['/api/v1/report', '/api/v1/report.csv']) {
      const { status, body } = await json(`${path}?${query}`);
      expect(status).toBe(400);
      expect(body.error.parameter).toBe(param);
      expect(body.error.message).toContain(param);
    }
  });

  it('never answers arbitrary query strings with a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('since', 'start', 'end', 'step', 'endpoint', 'x'),
            fc.string({ maxLength: 30 }),
          ),
          { maxLength: 4 },
        ),
        async (pairs) => {
          const qs = new URLSearchParams(pairs).toString();
          const res = await app.request(`/api/v1/report?${qs}`);
          expect(res.status === 200 || res.status === 400).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('serves the report as CSV, one row per endpoint and a TOTAL', async () => {
    const res = await app.request('/api/v1/report.csv?since=1d');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(SUMMARY_COLUMNS.join(','));
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['alpha', 'beta', 'TOTAL']);
    const col = (name: string) => SUMMARY_COLUMNS.indexOf(name as (typeof SUMMARY_COLUMNS)[number]);
    expect(rows.every((r) => r.length === SUMMARY_COLUMNS.length)).toBe(true);
    expect(rows[0]![col('instance_hours')]).toBe('3');
    expect(rows[0]![col('spend_usd')]).toBe('6');
    expect(rows[0]![col('price_source')]).toBe('override');
    expect(rows[1]![col('price_source')]).toBe('table');
    expect(Number(rows[2]![col('spend_usd')])).toBeCloseTo(6, 9); // beta ran 0 h
  });

  it('serves a CSV series with step', async () => {
    const res = await app.request('/api/v1/report.csv?since=6h&step=1h');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(SERIES_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 6 * 3);
  });

  it('lists endpoints with state, policy and last probe', async () => {
    const { status, body } = await json<{ lastPollAt: string; endpoints: EndpointView[] }>(
      '/api/v1/endpoints',
    );
    expect(status).toBe(200);
    expect(body.lastPollAt).toBe(new Date(NOW - 60_000).toISOString());
    const [alpha, beta] = body.endpoints;
    expect(alpha).toMatchObject({
      name: 'alpha',
      status: 'InService',
      instances: 0,
      policy: { preset: 'aws-recommended', minCapacity: 0 },
    });
    expect(alpha!.lastProbe).toMatchObject({ id: 'p1', cold: true, outcome: 'success', totalSeconds: 660 });
    expect(beta).toMatchObject({ status: 'Unknown', lastProbe: { outcome: 'model_error' } });
    expect((await json('/api/v1/endpoints?x=1')).status).toBe(400);
  });

  it('answers unknown routes and assets with a JSON 404', async () => {
    expect((await json('/nope')).status).toBe(404);
    expect((await app.request('/assets/secret.txt')).status).toBe(404);
    expect((await app.request('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

describe('auth', () => {
  beforeEach(() => {
    app = makeApp({ authToken: TOKEN });
  });

  it('requires the bearer token on every /api route', async () => {
    for (const path of ['/api/v1/report', '/api/v1/report.csv', '/api/v1/endpoints']) {
      const none = await app.request(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await app.request(path, { headers: { Authorization: 'Bearer wrong-token' } })).status).toBe(
        401,
      );
      expect((await app.request(path, { headers: { Authorization: TOKEN } })).status).toBe(401);
      expect((await app.request(path, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    }
  });

  it('checks the token before the parameters', async () => {
    expect((await app.request('/api/v1/report?since=bad')).status).toBe(401);
  });

  it('leaves /healthz and the dashboard shell open', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-auth-required="true"');
  });
});

describe('dashboard page', () => {
  it('escapes text and sets a CSP that allows only its own scripts', async () => {
    app = makeApp({ project: '<script>alert(1)</script>' });
    const res = await app.request('/');
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('src="/assets/uPlot.iife.min.js"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves uPlot from node_modules and its own script', async () => {
    const u = await app.request('/assets/uPlot.iife.min.js');
    expect(u.status).toBe(200);
    expect(u.headers.get('content-type')).toMatch(/javascript/);
    expect(await u.text()).toContain('uPlot');
    expect((await app.request('/assets/dashboard.js')).status).toBe(200);
    expect((await app.request('/assets/uPlot.min.css')).headers.get('content-type')).toMatch(/text\/css/);
  });

  it('escapeHtml covers the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('/metrics', () => {
  it('renders a Prometheus exposition that parses, with the store’s numbers', async () => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(await res.text());
    const get = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;

    expect(get('sagezero_endpoint_instances', { endpoint: 'alpha', variant: 'AllTraffic' })).toBe(0);
    expect(
      get('sagezero_aws_api_calls_total', {
        service: 'cloudwatch',
        operation: 'GetMetricData',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(
      get('sagezero_aws_api_calls_total', {
        service: 'sagemaker',
        operation: 'DescribeEndpoint',
        outcome: 'ok',
      }),
    ).toBe(1);
    // The SDK's retries of a call that then succeeded: counted apart, not as call errors.
    expect(
      get('sagezero_aws_api_retried_errors_total', {
        service: 'sagemaker',
        operation: 'DescribeEndpoint',
        code: 'ThrottlingException',
      }),
    ).toBe(2);
    expect(get('sagezero_last_successful_poll_timestamp_seconds')).toBe((NOW - 60_000) / 1000);
    expect(get('sagezero_controller_errors_total', { controller: 'telemetry' })).toBe(1);
    // One successful cold probe of 660 s: in the 900 s bucket, not the 600 s one.
    expect(get('sagezero_cold_start_seconds_bucket', { endpoint: 'alpha', le: '600' })).toBe(0);
    expect(get('sagezero_cold_start_seconds_bucket', { endpoint: 'alpha', le: '900' })).toBe(1);
    expect(get('sagezero_cold_start_seconds_sum', { endpoint: 'alpha' })).toBe(660);
    // All time (since the first record, 30 h ago): alpha ran 3 h at $2.
    expect(get('sagezero_spend_usd_total', { endpoint: 'alpha' })).toBe(6);
    expect(get('sagezero_instance_hours_total', { endpoint: 'alpha' })).toBe(3);
    // Month to date (from 2026-03-01): alpha's life starts at its first record, 6 h ago, so the
    // baseline is 6 h x $2 = $12 (not 9.5 days x 24 h x $2 = $456); spend $6, savings $6.
    expect(get('sagezero_month_to_date_baseline_usd', { endpoint: 'alpha' })).toBe(12);
    expect(get('sagezero_month_to_date_savings_usd', { endpoint: 'alpha' })).toBe(6);
    expect(get('sagezero_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts the month-to-date baseline of an endpoint created mid-month from its creation', async () => {
    // gamma (ml.g5.12xlarge, table $7.09/h) was created 2026-03-08T00:00Z with 1 instance and
    // scaled to 0 at 02:00; now is 2026-03-10T12:00Z. Month to date:
    //   spend    = 2 h x $7.09 = $14.18;
    //   baseline = 2026-03-08T00:00 -> 03-10T12:00 = 60 h x 1 x $7.09 = $425.40
    //              (from the month start it would be 228 h x $7.09 = $1,616.52);
    //   savings  = $425.40 - $14.18 = $411.22.
    const created = Date.UTC(2026, 2, 8);
    await store.instances.insert({
      endpoint: 'gamma',
      variant: 'AllTraffic',
      at: created,
      count: 1,
      source: 'created',
    });
    await store.instances.insert({
      endpoint: 'gamma',
      variant: 'AllTraffic',
      at: created + 2 * HOUR,
      count: 0,
      source: 'activity',
    });
    const gammaApp = createApp({
      store,
      config: config([endpoint('gamma', { instanceType: 'ml.g5.12xlarge' })]),
      clock,
      prices: tablePrices(store, clock),
    });
    const samples = parseExposition(await (await gammaApp.request('/metrics')).text());
    const get = (name: string) =>
      samples.find((s) => s.name === name && s.labels.endpoint === 'gamma')?.value;
    expect(get('sagezero_month_to_date_spend_usd')).toBeCloseTo(14.18, 9);
    expect(get('sagezero_month_to_date_baseline_usd')).toBeCloseTo(425.4, 9);
    expect(get('sagezero_month_to_date_savings_usd')).toBeCloseTo(411.22, 9);
  });

  it('keeps one registry per app', async () => {
    const other = makeApp();
    expect(other.metricsRegistry).not.toBe(app.metricsRegistry);
    expect((await other.request('/metrics')).status).toBe(200);
  });
});
