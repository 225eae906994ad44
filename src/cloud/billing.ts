// The bill, as the cloud's billing service reports it: daily SageMaker cost and usage, grouped by
// usage type (`USE1-AsyncInf:ml.g5.12xlarge`) and by the `sagezero:endpoint` cost-allocation tag.
// Cost Explorer implements it on AWS (src/cloud/aws/cost-explorer.ts); the simulated region bills
// its own instance records (src/cloud/sim/billing.ts).

/** One group of one day's bill. */
export interface BillingRow {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  usageType: string;
  /**
   * The `sagezero:endpoint` tag value; '' when the cost carries no such tag, or when the tag is not
   * activated as a cost-allocation tag (Cost Explorer then groups every cost under the empty value).
   */
  tag: string;
  costUsd: number;
  usageQuantity: number;
  /** Unit of usageQuantity as the bill states it (Hrs, GB-Mo...), '' when none. */
  unit: string;
}

/** What the billing service said about one day. */
export interface BillingDay {
  day: string;
  /** The service's own flag: the figures may still change (Cost Explorer's ResultByTime.Estimated). */
  estimated: boolean;
}

export interface BillingFetch {
  /** Every day of the range the service answered for, grouped rows or not. */
  days: BillingDay[];
  rows: BillingRow[];
}

export interface BillingSource {
  readonly kind: 'cost-explorer' | 'sim';
  /** Daily rows for [startDay, endDay): end exclusive, like Cost Explorer's TimePeriod. */
  fetchDaily(startDay: string, endDay: string): Promise<BillingFetch>;
  /**
   * The first day the source can bill (undefined: no limit). The simulated region starts fresh with
   * every serve, so it cannot bill the days before it existed.
   */
  firstDay?(): string | undefined;
}

/** The instance type and kind a SageMaker hosting usage type names, or undefined for other usage. */
export function hostingUsage(
  usageType: string,
): { instanceType: string; kind: 'async' | 'realtime' } | undefined {
  // `<REGION PREFIX>-AsyncInf:<type>` (asynchronous inference) and `<PREFIX>-Host:<type>` (real-time
  // hosting), as in the Price List's usagetype attribute; storage, data and training usage differ.
  const m = /(?:^|-)(AsyncInf|Host):(ml\.[a-z0-9.-]+)$/.exec(usageType);
  if (!m) return undefined;
  return { instanceType: m[2]!, kind: m[1] === 'AsyncInf' ? 'async' : 'realtime' };
}

export const DAY_MS = 86_400_000;

export function dayOf(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return dayOf(dayStart(day) + n * DAY_MS);
}
