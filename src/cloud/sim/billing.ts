// The simulated region's bill: its own instance records (launch to termination, booting and draining
// included, as SageMaker bills them) priced at the bundled list price, answered in Cost Explorer's
// shape so the reconciliation runs end to end on cloud: sim. It is the region's ground truth, so
// whatever differs from sagezero's estimate is the estimate's own error (telemetry sees instances
// only when it polls).
//
// The region forgets a terminated instance SimOptions.instanceHistoryHours after it ends (24 h by
// default), so a day is complete only when read within that long of its end: billing raises it to
// 72 h. A day is final (not estimated) as soon as it has ended: the region has no billing lag.
import { bundledPriceTable, type PriceTable } from '../../cost/price-table.js';
import { TAG_ENDPOINT } from '../../ownership.js';
import { addDays, dayOf, dayStart, DAY_MS, type BillingRow, type BillingSource } from '../billing.js';
import type { ApiCallObserver } from '../types.js';
import type { SimCloud } from './sim-cloud.js';

/** Usage type prefixes of the regions sagezero is most used in; others use the region name. */
const PREFIX: Record<string, string> = {
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-1': 'USW1',
  'us-west-2': 'USW2',
  'eu-west-1': 'EU',
  'eu-central-1': 'EUC1',
  'ap-northeast-1': 'APN1',
};

export interface SimBillingOptions {
  observer?: ApiCallObserver;
  /** Whether the `sagezero:endpoint` tag is activated for cost allocation (default true). */
  tagActivated?: boolean;
  table?: PriceTable;
}

/**
 * Hours the region keeps terminated instances' records once it bills itself: a day is billed from
 * them at the first billing run after it ends (every 6 h), and three days leave room for runs that fail.
 */
export const SIM_BILLING_HISTORY_HOURS = 72;

export function simBilling(cloud: SimCloud, options: SimBillingOptions = {}): BillingSource {
  const engine = cloud.engine;
  engine.opts.instanceHistoryHours = Math.max(engine.opts.instanceHistoryHours, SIM_BILLING_HISTORY_HOURS);
  const table = options.table ?? bundledPriceTable();
  const prefix = PREFIX[engine.opts.region] ?? engine.opts.region;
  // Deleted endpoints leave the region's index; their instances' records stay a while.
  const known = new Map<number, { instanceType: string; tag: string }>();
  const remember = (): void => {
    engine.endpointByIdx.forEach((ep, idx) => {
      if (ep) known.set(idx, { instanceType: ep.instanceType, tag: ep.tags[TAG_ENDPOINT] ?? '' });
    });
  };
  // A day that began before the region existed cannot be billed whole.
  const first = dayOf(engine.opts.startTime + DAY_MS - 1);

  return {
    kind: 'sim',
    firstDay: () => first,
    fetchDaily(startDay, endDay) {
      cloud.sync();
      remember();
      const now = cloud.clock.now();
      options.observer?.onCall({ service: 'ce', operation: 'GetCostAndUsage', mutating: false, ok: true });
      const days: { day: string; estimated: boolean }[] = [];
      const rows: BillingRow[] = [];
      for (let day = startDay < first ? first : startDay; day < endDay; day = addDays(day, 1)) {
        const from = dayStart(day);
        if (from >= now) break;
        const to = Math.min(from + DAY_MS, now);
        days.push({ day, estimated: now < from + DAY_MS });
        const groups = new Map<string, BillingRow>();
        for (const inst of engine.instances) {
          const end = Number.isNaN(inst.terminatedAt) ? now : inst.terminatedAt;
          const ms = Math.min(to, end) - Math.max(from, inst.launchedAt);
          if (ms <= 0) continue;
          const ep = known.get(inst.endpoint);
          const instanceType = ep?.instanceType ?? 'unknown';
          const usageType = `${prefix}-AsyncInf:${instanceType}`;
          const tag = options.tagActivated === false ? '' : (ep?.tag ?? '');
          const key = `${usageType}\t${tag}`;
          const row = groups.get(key) ?? { day, usageType, tag, costUsd: 0, usageQuantity: 0, unit: 'Hrs' };
          row.usageQuantity += ms / 3_600_000;
          groups.set(key, row);
        }
        for (const row of groups.values()) {
          const type = row.usageType.slice(row.usageType.indexOf(':') + 1);
          row.costUsd = row.usageQuantity * (table.lookup(engine.opts.region, type)?.usdPerHour ?? 0);
          rows.push(row);
        }
      }
      return Promise.resolve({ days, rows });
    },
  };
}
