// What an endpoint cost over the window: its instance count over time (from its creation, its
// scaling activities and its count now) times the hourly price of its instance type.
import { bundledPriceTable, type PriceTable } from '../cost/price-table.js';
import type { InventoryEntry, PriceFigure } from './types.js';

export interface CountStep {
  /** From this time (ms) on, until the next step. */
  at: number;
  count: number;
}

type CountInput = Pick<
  InventoryEntry,
  'createdAt' | 'initialInstanceCount' | 'instanceCount' | 'activities' | 'activitiesSince'
>;

/**
 * The instance count as a step function. Without scaling activities the count now is taken for the
 * whole life (it may have been set by hand, but nothing says when). With them, the endpoint starts at
 * its config's initial count and each activity sets its desired count: a scale-out from its start
 * (instances bill from launch), a scale-in from its end (when they were gone), as telemetry times them.
 */
export function countSteps(e: CountInput): { steps: CountStep[]; note?: string } {
  const changes = e.activities
    .filter(
      (a): a is typeof a & { desiredCapacity: number } =>
        a.desiredCapacity !== undefined && (a.statusCode === 'Successful' || a.statusCode === 'InProgress'),
    )
    .sort((a, b) => a.startTime - b.startTime);
  if (changes.length === 0) return { steps: [{ at: e.createdAt, count: e.instanceCount }] };
  const steps: CountStep[] = [{ at: e.createdAt, count: e.initialInstanceCount }];
  let running = e.initialInstanceCount;
  for (const a of changes) {
    if (a.desiredCapacity === running) continue;
    const at = a.desiredCapacity > running ? a.startTime : (a.endTime ?? a.startTime);
    steps.push({ at: Math.max(at, e.createdAt), count: a.desiredCapacity });
    running = a.desiredCapacity;
  }
  steps.sort((a, b) => a.at - b.at);
  const note =
    e.createdAt < e.activitiesSince
      ? `instance count before ${new Date(e.activitiesSince).toISOString()} (older scaling activities not read) ` +
        `taken as the config's initial ${e.initialInstanceCount}`
      : undefined;
  return note ? { steps, note } : { steps };
}

/** Instance-seconds of the step function over [from, to). */
export function instanceSeconds(steps: readonly CountStep[], from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as CountStep;
    const a = Math.max(from, s.at);
    const b = Math.min(to, steps[i + 1]?.at ?? Infinity);
    if (b > a) total += ((b - a) / 1000) * s.count;
  }
  return total;
}

const FALLBACK_REGION = 'us-east-1';

/**
 * The hourly price from sagezero's bundled table (src/cost/prices.tsv, each row with its source), with
 * us-east-1's as an estimate for a region the table lacks, as the cost report does; null when the
 * table does not know the type.
 */
export function priceOf(
  region: string,
  instanceType: string,
  table: PriceTable = bundledPriceTable(),
): PriceFigure {
  const row = table.lookup(region, instanceType);
  if (row) return { usdPerHour: row.usdPerHour, source: 'bundled table' };
  const near = region === FALLBACK_REGION ? undefined : table.lookup(FALLBACK_REGION, instanceType);
  if (near)
    return { usdPerHour: near.usdPerHour, source: `bundled table, ${FALLBACK_REGION} price as an estimate` };
  return { usdPerHour: null, source: `unknown: the bundled price table has no ${instanceType}` };
}

export function usdOf(seconds: number, price: PriceFigure): number | null {
  return price.usdPerHour === null ? null : (seconds / 3600) * price.usdPerHour;
}
