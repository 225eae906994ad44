// Estimate against bill, per UTC day and endpoint: which endpoint a billed row belongs to, when a
// day's bill is final, and when a difference has lasted long enough to be news. Pure functions; the
// store and the estimate come from billing-report.ts.
import { DAY_MS, dayStart, hostingUsage, type BillingRow } from '../cloud/billing.js';
import type { BillingAlertConfig } from './pricing-config.js';

/**
 * How long after a day ends its Cost Explorer figures are taken as settled: Cost Explorer lags usage
 * by 24 to 48 hours (AWS: its data "refreshes at least once every 24 hours", and late records of a day
 * arrive with the next refresh), so a day fetched 48 h after its end has all of its usage. Cost
 * Explorer's own flag (ResultByTime.Estimated) stays true until the month's invoice closes, which
 * would keep a whole month "not final"; a day is final when the flag is false OR it was fetched at
 * least this long after its end.
 */
export const BILLING_SETTLE_MS = 48 * 3_600_000;

export function isFinalDay(day: string, estimated: boolean, fetchedAt: number): boolean {
  return !estimated || fetchedAt >= dayStart(day) + DAY_MS + BILLING_SETTLE_MS;
}

export interface BilledEndpoint {
  name: string;
  instanceType: string;
  kind: 'async' | 'realtime';
}

export type Attribution = 'tag' | 'usage-type';

/**
 * The endpoint a row is billed to: by its sagezero:endpoint tag when it has one naming a configured
 * endpoint; else by its usage type when exactly one configured endpoint runs that instance type and
 * kind; else none (unattributed: storage, data, other endpoints, or an ambiguous instance type).
 */
export function attributeRow(
  row: Pick<BillingRow, 'usageType' | 'tag'>,
  endpoints: readonly BilledEndpoint[],
): { endpoint: string; by: Attribution } | undefined {
  if (row.tag !== '') {
    return endpoints.some((e) => e.name === row.tag) ? { endpoint: row.tag, by: 'tag' } : undefined;
  }
  const usage = hostingUsage(row.usageType);
  if (!usage) return undefined;
  const same = endpoints.filter((e) => e.instanceType === usage.instanceType && e.kind === usage.kind);
  return same.length === 1 ? { endpoint: same[0]!.name, by: 'usage-type' } : undefined;
}

/** One endpoint's day: sagezero's estimate beside the bill. */
export interface BillingDayRow {
  day: string;
  endpoint: string;
  /** null: no price known for the estimate. */
  estimatedUsd: number | null;
  /** null: the day has not been fetched (yet). */
  billedUsd: number | null;
  /** billed - estimated; null when either is unknown. */
  differenceUsd: number | null;
  /** difference / estimated x 100; null when the estimate is 0 or unknown. */
  differencePercent: number | null;
  /** Instance-hours behind the estimate. */
  estimatedInstanceHours: number;
  /** Billed instance-hours (UsageQuantity in Hrs of the attributed hosting rows). */
  billedInstanceHours: number | null;
  final: boolean;
  /** How the billed rows were matched to the endpoint ('none': no billed row matched). */
  attribution: Attribution | 'mixed' | 'none';
}

/** Cost the bill holds that no endpoint could be matched with, per day. */
export interface UnattributedDay {
  day: string;
  costUsd: number;
  usageTypes: string[];
}

export interface BillingSection {
  /** Where the bill came from. */
  source: 'cost-explorer' | 'sim';
  days: BillingDayRow[];
  unattributed: UnattributedDay[];
  /** Whether any billed row carried a sagezero:endpoint tag value (false: tag not activated?). */
  tagSeen: boolean;
  /** GetCostAndUsage requests made since the store was created (each about $0.01 on AWS). */
  requests: number;
  /** The finality rule in words. */
  finalRule: string;
  /** Endpoints whose last `days` final days all differ past the threshold. */
  persistent: PersistentDifference[];
  threshold: BillingAlertConfig;
}

export interface PersistentDifference {
  endpoint: string;
  days: BillingDayRow[];
}

export const FINAL_RULE =
  'a day is final when Cost Explorer marks it not estimated, or when it was fetched 48 h or more after the day ended (Cost Explorer lags usage by 24-48 h)';

/** Whether one final day differs past the threshold. */
export function differs(row: BillingDayRow, t: BillingAlertConfig): boolean {
  if (!row.final || row.differenceUsd === null || row.estimatedUsd === null) return false;
  const diff = Math.abs(row.differenceUsd);
  if (diff <= t.minUsd) return false;
  // Billed with nothing estimated: any amount above minUsd differs.
  return row.estimatedUsd === 0 || (diff / row.estimatedUsd) * 100 > t.percent;
}

/**
 * Per endpoint, the newest `t.days` final days, when each of them differs: a one-off (a day with a
 * credit, a late refund) is not news, a difference that lasts is (a wrong price, untracked instances).
 */
export function persistentDifferences(
  rows: readonly BillingDayRow[],
  t: BillingAlertConfig,
): PersistentDifference[] {
  const byEndpoint = new Map<string, BillingDayRow[]>();
  for (const r of rows) {
    if (!r.final || r.billedUsd === null) continue;
    const list = byEndpoint.get(r.endpoint) ?? [];
    list.push(r);
    byEndpoint.set(r.endpoint, list);
  }
  const out: PersistentDifference[] = [];
  for (const [endpoint, list] of byEndpoint) {
    const newest = [...list].sort((a, b) => a.day.localeCompare(b.day)).slice(-t.days);
    if (newest.length === t.days && newest.every((r) => differs(r, t))) out.push({ endpoint, days: newest });
  }
  return out;
}
