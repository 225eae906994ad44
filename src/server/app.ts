// The HTTP API and dashboard: hono on @hono/node-server.
//   GET /healthz                 liveness
//   GET /api/v1/report           cost report, JSON (since | start,end; step; endpoint); a series
//                                over MAX_SERIES_POINTS is a 400 saying what fits; step=auto picks
//                                the smallest step that fits (src/cost/series-limit.ts)
//   GET /api/v1/report.csv       the same as CSV
//   GET /api/v1/billing.csv      estimate vs bill per day and endpoint (pricing.billing), as CSV
//   GET /api/v1/endpoints        current state, policy, last probe
//   GET /metrics                 Prometheus exposition
//   GET /                        dashboard; /assets/* its script, style and uPlot
// Every /api route needs the bearer token when one is configured. Bad input is a 400 naming the
// parameter; only a fault of sagezero itself is a 500.
import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config/load.js';
import { reportToCsv } from '../cost/csv.js';
import { billingToCsv } from '../cost/billing-format.js';
import type { PriceResolver } from '../cost/prices.js';
import { buildReport } from '../cost/report.js';
import { parseSeriesWindow, SeriesLimitError } from '../cost/series-limit.js';
import { ReportParamError } from '../cost/window.js';
import type { Store } from '../store/index.js';
import { asset } from './assets.js';
import { bearerAuth } from './auth.js';
import { dashboardHtml } from './dashboard.js';
import { endpointsView } from './endpoints-view.js';
import { createMetrics } from './metrics.js';
import { checkParams } from './params.js';
import type { Registry } from 'prom-client';

export interface AppDeps {
  store: Store;
  config: Config;
  clock: Clock;
  prices: PriceResolver;
  /** The bearer token value (see resolveAuthToken); undefined: /api is open. */
  authToken?: string;
  /** Extra facts for /healthz (the daemon's leader/standby role). */
  health?: () => Record<string, unknown>;
  /** Called with unexpected errors (the daemon logs them). */
  onError?: (err: Error, path: string) => void;
}

export interface SagezeroApp extends Hono {
  readonly metricsRegistry: Registry;
}

const REPORT_PARAMS = ['since', 'start', 'end', 'step', 'endpoint'] as const;

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function createApp(deps: AppDeps): SagezeroApp {
  const app = new Hono();
  const metrics = createMetrics(deps);

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
  });
  app.use('/api/*', bearerAuth(deps.authToken));

  app.get('/healthz', (c) =>
    c.json({ ok: true, project: deps.config.project, cloud: deps.config.cloud, ...(deps.health?.() ?? {}) }),
  );

  const report = async (q: Record<string, string>) => {
    let config = deps.config;
    if (q.endpoint) {
      const one = config.endpoints.filter((e) => e.name === q.endpoint);
      const realtime = config.realtimeEndpoints.filter((e) => e.name === q.endpoint);
      if (one.length + realtime.length === 0)
        throw new ReportParamError(
          'endpoint',
          `no endpoint named ${JSON.stringify(q.endpoint)} in the config`,
        );
      config = { ...config, endpoints: one, realtimeEndpoints: realtime };
    }
    // Checked before anything is built: the limit exists to keep the work and the answer bounded.
    const w = parseSeriesWindow(
      q,
      deps.clock.now(),
      config.endpoints.length + config.realtimeEndpoints.length,
    );
    return buildReport({ store: deps.store, config, prices: deps.prices, clock: deps.clock }, w);
  };

  app.get('/api/v1/report', async (c) => c.json(await report(checkParams(c, REPORT_PARAMS))));
  app.get('/api/v1/report.csv', async (c) => {
    const r = await report(checkParams(c, REPORT_PARAMS));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="sagezero-report.csv"`);
    return c.body(reportToCsv(r));
  });
  app.get('/api/v1/billing.csv', async (c) => {
    const r = await report(checkParams(c, REPORT_PARAMS));
    if (!r.billing) return c.json({ error: 'pricing.billing is off in the config' }, 404);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="sagezero-billing.csv"`);
    return c.body(billingToCsv(r.billing));
  });
  app.get('/api/v1/endpoints', async (c) => {
    checkParams(c, []);
    return c.json(await endpointsView(deps.store, deps.config));
  });

  app.get('/metrics', async (c) => {
    checkParams(c, []);
    const text = await metrics.render();
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(text);
  });

  app.get('/', (c) => {
    checkParams(c, []);
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(
      dashboardHtml({
        project: deps.config.project,
        region: deps.config.region,
        cloud: deps.config.cloud,
        authRequired: deps.authToken !== undefined,
      }),
    );
  });
  // Browsers ask for it on every page; a 404 would show as a console error.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/assets/:name', (c) => {
    const a = asset(c.req.param('name'));
    if (!a) return c.json({ error: { message: 'not found' } }, 404);
    c.header('Content-Type', a.contentType);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(a.body);
  });

  app.notFound((c) => c.json({ error: { message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof SeriesLimitError) {
      return c.json({ error: { parameter: err.param, message: err.message, ...err.details } }, 400);
    }
    if (err instanceof ReportParamError) {
      return c.json({ error: { parameter: err.param, message: err.message } }, 400);
    }
    deps.onError?.(err, c.req.path);
    return c.json({ error: { message: 'internal error; see the server log' } }, 500);
  });

  return Object.assign(app, { metricsRegistry: metrics.registry });
}
