// Hourly prices for the simulator's cost figures, from the shared SageMaker price table
// (../shared/data/pricing/prices.tsv relative to the project root; see that folder's README for where
// each number comes from). A bundled copy at data/prices.tsv is used when the shared folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PriceRow {
  region: string;
  instanceType: string;
  usdPerHour: number;
  source: string;
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function priceTableCandidates(root = PROJECT_ROOT): string[] {
  return [
    path.resolve(root, '..', 'shared', 'data', 'pricing', 'prices.tsv'),
    path.resolve(root, 'data', 'prices.tsv'),
  ];
}

export function parsePriceTable(text: string): PriceRow[] {
  const rows: PriceRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols.length < 3) continue;
    const usd = Number(cols[2]);
    if (!Number.isFinite(usd)) continue;
    rows.push({
      region: cols[0] as string,
      instanceType: cols[1] as string,
      usdPerHour: usd,
      source: cols[3] ?? '',
    });
  }
  return rows;
}

let cached: PriceRow[] | undefined;

export function loadPriceTable(): PriceRow[] {
  if (cached) return cached;
  for (const file of priceTableCandidates()) {
    if (existsSync(file)) {
      cached = parsePriceTable(readFileSync(file, 'utf8'));
      return cached;
    }
  }
  cached = [];
  return cached;
}

/** USD per hour of an instance type in a region; falls back to us-east-1's price for the type. */
export function hourlyPrice(
  instanceType: string,
  region = 'us-east-1',
  table = loadPriceTable(),
): PriceRow | undefined {
  return (
    table.find((r) => r.region === region && r.instanceType === instanceType) ??
    table.find((r) => r.region === 'us-east-1' && r.instanceType === instanceType)
  );
}
