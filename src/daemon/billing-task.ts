// The billing controller (pricing.billing: cost-explorer): every 6 hours, read the days of the last
// two weeks whose bill is not final yet, in one GetCostAndUsage range (about $0.01 a request, plus one
// per extra page), store them, and tell the alerts whether estimate and bill keep differing. Days
// stored final are never asked for again, so a quiet fortnight costs a request or two a run.
import { addDays, dayOf, type BillingFetch, type BillingSource } from '../cloud/billing.js';
import { simBilling } from '../cloud/sim/billing.js';
import { SimCloud } from '../cloud/sim/sim-cloud.js';
import type { ApiCallObserver, Cloud } from '../cloud/types.js';
import type { Config } from '../config/load.js';
import type { BillingAlertInput } from '../alerts/rules/billing.js';
import { isFinalDay } from '../cost/billing-reconcile.js';
import { billingSection } from '../cost/billing-report.js';
import type { PriceResolver } from '../cost/prices.js';
import { pricingConfigOf } from '../cost/pricing-config.js';
import { storeApiCallObserver } from '../store/index.js';
import type { ControllerDeps } from './controllers.js';
import type { Task } from './scheduler.js';

/** Every 6 hours on the hour (UTC): often enough to follow Cost Explorer's refreshes. */
export const BILLING_SCHEDULE = '0 */6 * * *';
/** Days back the controller keeps the bill up to date (and the alert looks at). */
export const BILLING_LOOKBACK_DAYS = 14;

export interface BillingTaskDeps extends ControllerDeps {
  prices: PriceResolver;
  /** The bill's source; built from the cloud when absent (tests pass their own). */
  source?: BillingSource;
  /** Days back to keep up to date (default BILLING_LOOKBACK_DAYS). */
  lookbackDays?: number;
  /** Told after each run what the reconciliation found, for the alerts. */
  onReconciled?: (input: BillingAlertInput) => Promise<void>;
}

/** Cost Explorer on AWS (loaded lazily: runs without billing never load its SDK), the region's own bill on sim. */
export async function openBillingSource(
  cloud: Cloud,
  config: Pick<Config, 'region'>,
  observer: ApiCallObserver,
): Promise<BillingSource> {
  // Static on sim: a dynamic import resolves on the event loop, which a virtual clock advanced in a
  // tight loop does not wait for.
  if (cloud instanceof SimCloud) return simBilling(cloud, { observer });
  const { createCostExplorerBilling } = await import('../cloud/aws/cost-explorer.js');
  return createCostExplorerBilling({ region: config.region, observer });
}

export function billingTask(deps: BillingTaskDeps): Task {
  const { clock, store, config } = deps;
  const repo = store.billing;
  let source = deps.source;
  return async () => {
    source ??= await openBillingSource(deps.cloud, config, storeApiCallObserver(store, clock));
    const now = clock.now();
    const today = dayOf(now);
    let start = addDays(today, -(deps.lookbackDays ?? BILLING_LOOKBACK_DAYS));
    const first = source.firstDay?.();
    if (first !== undefined && first > start) start = first;
    const final = new Set((await repo.days(start, today)).filter((d) => d.final).map((d) => d.day));
    const wanted: string[] = [];
    for (let d = start; d < today; d = addDays(d, 1)) if (!final.has(d)) wanted.push(d);
    if (wanted.length > 0) {
      const from = wanted[0]!;
      const to = addDays(wanted[wanted.length - 1]!, 1);
      const got = await source.fetchDaily(from, to);
      await save(got, new Set(wanted), source.kind, now);
      deps.log.info(
        { from, to, days: got.days.length, rows: got.rows.length, source: source.kind },
        'billing: read the bill',
      );
    }
    if (!deps.onReconciled) return;
    const section = await billingSection(
      { store, config, prices: deps.prices, clock },
      Date.parse(`${start}T00:00:00Z`),
      now,
      [],
    );
    if (!section) return;
    await deps.onReconciled({
      endpoints: [...config.endpoints, ...(config.realtimeEndpoints ?? [])].map((e) => e.name),
      persistent: section.persistent,
      threshold: pricingConfigOf(config).billingAlert,
    });
  };

  async function save(
    got: BillingFetch,
    wanted: ReadonlySet<string>,
    kind: string,
    now: number,
  ): Promise<void> {
    await store.transaction(async () => {
      for (const d of got.days) {
        // A range spans final days between non-final ones: those keep what they had.
        if (!wanted.has(d.day)) continue;
        await repo.saveDay(
          {
            day: d.day,
            source: kind,
            fetchedAt: now,
            estimated: d.estimated,
            final: isFinalDay(d.day, d.estimated, now),
          },
          got.rows.filter((r) => r.day === d.day),
        );
      }
    });
  }
}
