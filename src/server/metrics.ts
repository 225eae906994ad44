// /metrics: one prom-client registry per app. Values come from the store at scrape time; a
// snapshot is computed once per scrape, before the registry renders, and each metric's collect()
// copies its part of it.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Config } from '../config/load.js';
import type { PriceResolver } from '../cost/prices.js';
import { buildReport } from '../cost/report.js';
import type { CostReport, RealtimeComponentReport } from '../cost/report-types.js';
import { componentCopiesKey } from '../telemetry/realtime.js';
import { META, type Store } from '../store/index.js';

export const COLD_START_BUCKETS = [30, 60, 120, 180, 300, 420, 600, 900, 1200, 1800, 3600];

interface Snapshot {
  monthToDate: CostReport;
  allTime: CostReport | undefined;
}

export interface MetricsDeps {
  store: Store;
  config: Config;
  clock: Clock;
  prices: PriceResolver;
}

export interface AppMetrics {
  registry: Registry;
  /** Refreshes the snapshot and renders the exposition text. */
  render(): Promise<string>;
}

/** The all-time figures change slowly and cost a report over the whole history: reuse them this long. */
const ALL_TIME_TTL_MS = 5 * 60_000;

export function createMetrics(deps: MetricsDeps, registry = new Registry()): AppMetrics {
  const { store, config } = deps;
  let snap: Snapshot | undefined;
  let allTimeCache: { at: number; report: CostReport | undefined } | undefined;
  const reg = [registry];

  new Gauge({
    name: 'sagezero_endpoint_instances',
    help: 'Instances in service per endpoint variant, as last observed.',
    labelNames: ['endpoint', 'variant'],
    registers: reg,
    async collect() {
      this.reset();
      for (const e of [...config.endpoints, ...config.realtimeEndpoints]) {
        this.set(
          { endpoint: e.name, variant: e.variantName },
          (await store.instances.latest(e.name, e.variantName))?.count ?? 0,
        );
      }
    },
  });
  new Gauge({
    name: 'sagezero_component_copies',
    help: 'Copies of each inference component of a realtime endpoint (desired or placed), as last observed.',
    labelNames: ['endpoint', 'component'],
    registers: reg,
    async collect() {
      this.reset();
      for (const e of config.realtimeEndpoints) {
        for (const c of e.components) {
          const latest = await store.instances.latest(e.name, componentCopiesKey(c.componentName));
          this.set({ endpoint: e.name, component: c.name }, latest?.count ?? 0);
        }
      }
    },
  });
  // A component's share of its endpoint's instance-hours and spend: the endpoint's own gauges are the
  // bill; these allocate it (src/cost/realtime-share.ts) and, with the unattributed part, add up to it.
  const share = (name: string, help: string, pick: (c: RealtimeComponentReport) => number | null): void => {
    new Gauge({
      name,
      help,
      labelNames: ['endpoint', 'component'],
      registers: reg,
      collect() {
        this.reset();
        for (const e of snap?.monthToDate.endpoints ?? []) {
          for (const c of e.realtime?.components ?? []) {
            const v = pick(c);
            if (v !== null) this.set({ endpoint: e.name, component: c.name }, v);
          }
        }
      },
    });
  };
  share(
    'sagezero_component_month_to_date_instance_hours',
    "A component's share of its realtime endpoint's instance-hours this calendar month (UTC).",
    (c) => c.instanceHoursShare,
  );
  share(
    'sagezero_component_month_to_date_spend_usd',
    "A component's share of its realtime endpoint's estimated spend this calendar month (UTC), USD.",
    (c) => c.spendShareUsd,
  );
  new Counter({
    name: 'sagezero_instance_hours_total',
    help: 'Instance-hours since the store began (recomputed at most every 5 minutes).',
    labelNames: ['endpoint'],
    registers: reg,
    collect() {
      this.reset();
      for (const e of snap?.allTime?.endpoints ?? []) this.inc({ endpoint: e.name }, e.instanceHours);
    },
  });
  new Counter({
    name: 'sagezero_spend_usd_total',
    help: 'Estimated on-demand spend (USD) since the store began (recomputed at most every 5 minutes).',
    labelNames: ['endpoint'],
    registers: reg,
    collect() {
      this.reset();
      for (const e of snap?.allTime?.endpoints ?? [])
        if (e.spendUsd !== null) this.inc({ endpoint: e.name }, Math.max(0, e.spendUsd));
    },
  });
  const mtd = (
    name: string,
    help: string,
    pick: (e: CostReport['endpoints'][number]) => number | null,
  ): void => {
    new Gauge({
      name,
      help,
      labelNames: ['endpoint'],
      registers: reg,
      collect() {
        this.reset();
        for (const e of snap?.monthToDate.endpoints ?? []) {
          const v = pick(e);
          if (v !== null) this.set({ endpoint: e.name }, v);
        }
      },
    });
  };
  mtd(
    'sagezero_month_to_date_spend_usd',
    'Estimated spend this calendar month (UTC), USD.',
    (e) => e.spendUsd,
  );
  mtd(
    'sagezero_month_to_date_baseline_usd',
    'Always-on baseline cost this calendar month (UTC), USD.',
    (e) => e.baseline.spendUsd,
  );
  mtd(
    'sagezero_month_to_date_savings_usd',
    'Baseline minus spend this calendar month (UTC), USD.',
    (e) => e.savingsUsd,
  );
  mtd(
    'sagezero_month_to_date_probe_spend_usd',
    'Spend caused by cold probes this calendar month (UTC), USD.',
    (e) => e.probes.spendUsd,
  );

  new Histogram({
    name: 'sagezero_cold_start_seconds',
    help: 'Time to first result of successful cold probes, seconds.',
    labelNames: ['endpoint'],
    buckets: COLD_START_BUCKETS,
    registers: reg,
    async collect() {
      this.reset();
      for (const p of await store.probes.coldTotals()) this.observe({ endpoint: p.endpoint }, p.totalS);
    },
  });
  new Counter({
    name: 'sagezero_aws_api_calls_total',
    help: 'Cloud API calls made, by service, operation and outcome.',
    labelNames: ['service', 'operation', 'outcome'],
    registers: reg,
    async collect() {
      this.reset();
      for (const t of await store.apiCalls.totals()) {
        this.inc({ service: t.service, operation: t.operation, outcome: t.ok ? 'ok' : 'error' }, t.count);
      }
    },
  });
  new Counter({
    name: 'sagezero_aws_api_retried_errors_total',
    help: 'Failed attempts of cloud API calls that the SDK retried (throttling, 5xx, resets), by error code.',
    labelNames: ['service', 'operation', 'code'],
    registers: reg,
    async collect() {
      this.reset();
      for (const t of await store.apiCalls.retryTotals()) {
        this.inc({ service: t.service, operation: t.operation, code: t.errorCode }, t.count);
      }
    },
  });
  new Gauge({
    name: 'sagezero_last_successful_poll_timestamp_seconds',
    help: 'Unix time of the last telemetry poll that fully succeeded (0: never).',
    registers: reg,
    async collect() {
      this.set(((await store.meta.getNumber(META.lastPollAt)) ?? 0) / 1000);
    },
  });
  new Counter({
    name: 'sagezero_controller_errors_total',
    help: 'Failed runs per controller.',
    labelNames: ['controller'],
    registers: reg,
    async collect() {
      this.reset();
      for (const c of await store.controllers.all()) this.inc({ controller: c.controller }, c.errorCount);
    },
  });
  new Gauge({
    name: 'sagezero_controller_consecutive_errors',
    help: 'Failed runs in a row per controller (0 once it succeeds again).',
    labelNames: ['controller'],
    registers: reg,
    async collect() {
      this.reset();
      for (const c of await store.controllers.all())
        this.set({ controller: c.controller }, c.consecutiveErrors);
    },
  });
  collectDefaultMetrics({ register: registry, prefix: 'sagezero_' });

  return {
    registry,
    async render() {
      const now = deps.clock.now();
      const d = new Date(now);
      const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const reportDeps = { store, config, prices: deps.prices, clock: deps.clock };
      const monthToDate = await buildReport(reportDeps, { start: Math.min(monthStart, now - 1), end: now });
      if (!allTimeCache || now - allTimeCache.at >= ALL_TIME_TTL_MS || now < allTimeCache.at) {
        const earliest = await store.instances.earliest();
        const report =
          earliest !== undefined && earliest < now
            ? await buildReport(reportDeps, { start: earliest, end: now })
            : undefined;
        allTimeCache = { at: now, report };
      }
      snap = { monthToDate, allTime: allTimeCache.report };
      return registry.metrics();
    },
  };
}
