// The report's billing section: for each UTC day the report window touches and each configured
// endpoint, sagezero's estimate (its instance history times its price, over the whole day) beside what
// the bill cache holds (src/store/billing.ts, filled by the daemon's billing task). Only with
// `pricing.billing: cost-explorer`; the report itself never calls Cost Explorer.
import type { Clock } from '../clock.js';
import { addDays, DAY_MS, dayOf, dayStart, hostingUsage } from '../cloud/billing.js';
import type { Config } from '../config/load.js';
import type { Store } from '../store/index.js';
import {
  attributeRow,
  FINAL_RULE,
  persistentDifferences,
  type Attribution,
  type BilledEndpoint,
  type BillingDayRow,
  type BillingSection,
  type UnattributedDay,
} from './billing-reconcile.js';
import { countSegments, integrateBuckets } from './integrate.js';
import type { PriceResolver } from './prices.js';
import { pricingConfigOf } from './pricing-config.js';

/** What the estimate reads of an endpoint, async or real-time. */
interface Estimated {
  name: string;
  variantName: string;
  instanceType: string;
  pricePerHourUsd?: number | undefined;
}

export interface BillingReportDeps {
  store: Store;
  config: Pick<Config, 'region' | 'cloud' | 'endpoints'> & { realtimeEndpoints?: readonly Estimated[] };
  prices: PriceResolver;
  clock: Clock;
}

/** Days are bounded so that a 400-day report stays a readable table. */
const MAX_DAYS = 62;

export function billedEndpoints(config: BillingReportDeps['config']): BilledEndpoint[] {
  return [
    ...config.endpoints.map((e) => ({ name: e.name, instanceType: e.instanceType, kind: 'async' as const })),
    ...(config.realtimeEndpoints ?? []).map((e) => ({
      name: e.name,
      instanceType: e.instanceType,
      kind: 'realtime' as const,
    })),
  ];
}

/** The section for [start, end), or undefined when billing is off. */
export async function billingSection(
  deps: BillingReportDeps,
  start: number,
  end: number,
  warnings: string[],
): Promise<BillingSection | undefined> {
  const pricing = pricingConfigOf(deps.config);
  if (pricing.billing !== 'cost-explorer') return undefined;
  const now = deps.clock.now();
  let firstDay = dayOf(start);
  const endDay = addDays(dayOf(Math.max(start, end - 1)), 1);
  if ((dayStart(endDay) - dayStart(firstDay)) / DAY_MS > MAX_DAYS) {
    firstDay = addDays(endDay, -MAX_DAYS);
    warnings.push(`billing: only the last ${MAX_DAYS} days of the window are reconciled with the bill`);
  }
  const dayList: string[] = [];
  for (let d = firstDay; d < endDay; d = addDays(d, 1)) if (dayStart(d) < now) dayList.push(d);

  const repo = deps.store.billing;
  const stored = new Map((await repo.days(firstDay, endDay)).map((d) => [d.day, d]));
  const endpoints = billedEndpoints(deps.config);
  const billed = new Map<string, { usd: number; hours: number; by: Set<Attribution> }>();
  const unattributed = new Map<string, UnattributedDay>();
  let tagSeen = false;
  for (const row of await repo.rows(firstDay, endDay)) {
    if (row.tag !== '') tagSeen = true;
    const a = attributeRow(row, endpoints);
    if (!a) {
      const u = unattributed.get(row.day) ?? { day: row.day, costUsd: 0, usageTypes: [] };
      u.costUsd += row.costUsd;
      if (!u.usageTypes.includes(row.usageType)) u.usageTypes.push(row.usageType);
      unattributed.set(row.day, u);
      continue;
    }
    const key = `${row.day}\t${a.endpoint}`;
    const b = billed.get(key) ?? { usd: 0, hours: 0, by: new Set<Attribution>() };
    b.usd += row.costUsd;
    if (hostingUsage(row.usageType) && row.unit === 'Hrs') b.hours += row.usageQuantity;
    b.by.add(a.by);
    billed.set(key, b);
  }

  const buckets = dayList.map((d) => ({ start: dayStart(d), end: Math.min(dayStart(d) + DAY_MS, now) }));
  const days: BillingDayRow[] = [];
  for (const e of [...deps.config.endpoints, ...(deps.config.realtimeEndpoints ?? [])]) {
    const estimates = await estimatePerDay(deps, e, buckets);
    dayList.forEach((day, i) => {
      const s = stored.get(day);
      const b = billed.get(`${day}\t${e.name}`);
      const billedUsd = s ? (b?.usd ?? 0) : null;
      const est = estimates[i]?.usd ?? null;
      const diff = billedUsd !== null && est !== null ? billedUsd - est : null;
      days.push({
        day,
        endpoint: e.name,
        estimatedUsd: est === null ? null : round(est),
        billedUsd: billedUsd === null ? null : round(billedUsd),
        differenceUsd: diff === null ? null : round(diff),
        differencePercent: diff !== null && est !== null && est > 0 ? round((diff / est) * 100, 2) : null,
        estimatedInstanceHours: round(estimates[i]?.hours ?? 0),
        billedInstanceHours: s ? round(b?.hours ?? 0) : null,
        final: s?.final ?? false,
        attribution: !b ? 'none' : b.by.size > 1 ? 'mixed' : [...b.by][0]!,
      });
    });
  }
  days.sort((a, b) => a.day.localeCompare(b.day) || a.endpoint.localeCompare(b.endpoint));

  const unattributedDays = [...unattributed.values()]
    .map((u) => ({ ...u, costUsd: round(u.costUsd) }))
    .sort((a, b) => a.day.localeCompare(b.day));
  if (unattributedDays.length > 0) {
    const total = round(unattributedDays.reduce((s, u) => s + u.costUsd, 0));
    warnings.push(
      `billing: $${total} of SageMaker cost could not be matched to an endpoint (no sagezero:endpoint tag, and not exactly one endpoint with that instance type); it is listed as unattributed`,
    );
  }
  if (stored.size === 0) {
    warnings.push('billing: no bill fetched yet for these days (the daemon reads Cost Explorer every 6 h)');
  }
  const requests = (await deps.store.apiCalls.totals())
    .filter((t) => t.service === 'ce' && t.operation === 'GetCostAndUsage')
    .reduce((n, t) => n + t.count, 0);
  return {
    source: deps.config.cloud === 'sim' ? 'sim' : 'cost-explorer',
    days,
    unattributed: unattributedDays,
    tagSeen,
    requests,
    finalRule: FINAL_RULE,
    persistent: persistentDifferences(days, pricing.billingAlert),
    threshold: pricing.billingAlert,
  };
}

/** The estimated spend (null without a price) and instance-hours of each bucket, from the store's history. */
async function estimatePerDay(
  deps: BillingReportDeps,
  e: Estimated,
  buckets: readonly { start: number; end: number }[],
): Promise<{ usd: number | null; hours: number }[]> {
  if (buckets.length === 0) return [];
  const from = buckets[0]!.start;
  const to = buckets[buckets.length - 1]!.end;
  const hist = await deps.store.instances.window(e.name, e.variantName, from, to);
  const segments = countSegments(hist.initial ?? 0, hist.transitions, from, to);
  const { segments: prices } = await deps.prices.timeline(
    deps.config.region,
    e.instanceType,
    e.pricePerHourUsd,
  );
  return integrateBuckets(segments, prices, buckets).map((b) => ({
    usd: b.spendUsd ?? null,
    hours: b.instanceHours,
  }));
}

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
