// The bundled price table (src/cost/prices.tsv, copied from shared/data/pricing with its sources).
// Loaded at run time next to this module; the build must copy the .tsv beside the compiled file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TablePrice {
  region: string;
  instanceType: string;
  usdPerHour: number;
  /** Where the number comes from and how sure it is (the table's own source column). */
  source: string;
}

export interface PriceTable {
  lookup(region: string, instanceType: string): TablePrice | undefined;
  entries(): TablePrice[];
}

export function parsePriceTable(text: string, origin = 'prices.tsv'): PriceTable {
  const map = new Map<string, TablePrice>();
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${origin}: missing column "${name}" in the header line`);
    return i;
  };
  const [ri, ti, pi, si] = [col('region'), col('instance_type'), col('usd_per_hour'), col('source')];
  lines.slice(1).forEach((line, n) => {
    if (!line.trim()) return;
    const f = line.split('\t');
    const usd = Number(f[pi]);
    if (!f[ri] || !f[ti] || !Number.isFinite(usd) || usd < 0) {
      throw new Error(`${origin}:${n + 2}: expected region, instance_type, usd_per_hour, source`);
    }
    map.set(`${f[ri]}\t${f[ti]}`, {
      region: f[ri],
      instanceType: f[ti],
      usdPerHour: usd,
      source: f[si] ?? '',
    });
  });
  return {
    lookup: (region, type) => map.get(`${region}\t${type}`),
    entries: () => [...map.values()],
  };
}

let bundled: PriceTable | undefined;

/** The bundled table; read once per process. */
export function bundledPriceTable(): PriceTable {
  if (bundled) return bundled;
  // Next to this module (src/ under tsx, dist/ after a build that copies it), else the source tree
  // (running dist/ from a checkout whose build did not copy it).
  const candidates = [
    new URL('./prices.tsv', import.meta.url),
    new URL('../../src/cost/prices.tsv', import.meta.url),
  ];
  for (const url of candidates) {
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch {
      continue;
    }
    bundled = parsePriceTable(text, fileURLToPath(url));
    return bundled;
  }
  throw new Error(
    `the bundled price table is missing: expected ${fileURLToPath(candidates[0]!)} (copy src/cost/prices.tsv there)`,
  );
}
