// Hourly prices for the simulator's cost figures: the same bundled table the cost report uses
// (src/cost/prices.tsv, with each number's source), so `simulate` and the report never disagree.
import { bundledPriceTable, type PriceTable, type TablePrice } from '../cost/price-table.js';

export type PriceRow = TablePrice;

/** USD per hour of an instance type in a region; falls back to us-east-1's price for the type. */
export function hourlyPrice(
  instanceType: string,
  region = 'us-east-1',
  table: PriceTable = bundledPriceTable(),
): PriceRow | undefined {
  return table.lookup(region, instanceType) ?? table.lookup('us-east-1', instanceType);
}
