// The bill and the estimate disagree, day after day: sagezero's spend figures (and so its savings and
// budget alerts) are off for that endpoint. The reconciliation (src/cost/billing-reconcile.ts) decides
// what "persistent" is; this rule words it.
import type { PersistentDifference } from '../../cost/billing-reconcile.js';
import type { BillingAlertConfig } from '../../cost/pricing-config.js';
import type { AlertCondition } from '../types.js';
import { usd } from '../units.js';

export interface BillingAlertInput {
  /** Every endpoint the reconciliation looked at (those not in `persistent` resolve). */
  endpoints: readonly string[];
  persistent: readonly PersistentDifference[];
  threshold: BillingAlertConfig;
}

export function billingDifferenceAlerts(input: BillingAlertInput): AlertCondition[] {
  return input.persistent.map(({ endpoint, days }) => {
    const estimated = days.reduce((s, d) => s + (d.estimatedUsd ?? 0), 0);
    const billed = days.reduce((s, d) => s + (d.billedUsd ?? 0), 0);
    const first = days[0]!.day;
    const last = days[days.length - 1]!.day;
    const direction = billed > estimated ? 'more' : 'less';
    return {
      key: `billing-difference:${endpoint}`,
      rule: 'billing-difference',
      endpoint,
      severity: 'warning',
      title: `Bill and estimate differ on ${endpoint}`,
      summary: `From ${first} to ${last} (${days.length} final days) ${endpoint} was billed ${usd(billed)}, ${usd(Math.abs(billed - estimated))} ${direction} than sagezero estimated (${usd(estimated)}).`,
      facts: [
        ...days.map((d) => ({
          label: d.day,
          value: `estimated ${usd(d.estimatedUsd ?? 0)}, billed ${usd(d.billedUsd ?? 0)}`,
        })),
        {
          label: 'Threshold',
          value: `${input.threshold.percent}% and ${usd(input.threshold.minUsd)} a day, ${input.threshold.days} days running`,
        },
      ],
      action:
        "Compare the report's billing section with Cost Explorer: a wrong price (set pricePerHourUsd, or pricing.source), instances sagezero does not see (another endpoint with the same instance type and no sagezero:endpoint cost-allocation tag), or credits and discounts on the bill.",
    };
  });
}
