// The billing section as people and spreadsheets read it: a text table for `sagezero report`, and CSV
// (RFC 4180) for `report --csv` (after the cost table, as its own block) and /api/v1/billing.csv.
import type { BillingSection } from './billing-reconcile.js';

export const BILLING_COLUMNS = [
  'day',
  'endpoint',
  'estimated_usd',
  'billed_usd',
  'difference_usd',
  'difference_percent',
  'estimated_instance_hours',
  'billed_instance_hours',
  'final',
  'attribution',
] as const;

export function billingToCsv(b: BillingSection): string {
  const rows: (string | number | null)[][] = [[...BILLING_COLUMNS]];
  for (const d of b.days) {
    rows.push([
      d.day,
      d.endpoint,
      d.estimatedUsd,
      d.billedUsd,
      d.differenceUsd,
      d.differencePercent,
      d.estimatedInstanceHours,
      d.billedInstanceHours,
      d.final ? 'true' : 'false',
      d.attribution,
    ]);
  }
  // Unattributed cost keeps the columns: no endpoint, no estimate.
  for (const u of b.unattributed) {
    rows.push([u.day, '(unattributed)', null, u.costUsd, null, null, null, null, null, 'none']);
  }
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatBilling(b: BillingSection): string[] {
  const money = (v: number | null): string =>
    v === null ? '-' : `${v < 0 ? '-' : ''}$${Math.abs(v).toFixed(2)}`;
  const rows = [
    ['DAY', 'ENDPOINT', 'ESTIMATED', 'BILLED', 'DIFFERENCE', 'FINAL', 'MATCHED BY'],
    ...b.days.map((d) => [
      d.day,
      d.endpoint,
      money(d.estimatedUsd),
      money(d.billedUsd),
      d.differenceUsd === null
        ? '-'
        : `${money(d.differenceUsd)}${d.differencePercent === null ? '' : ` (${d.differencePercent.toFixed(1)}%)`}`,
      d.billedUsd === null ? 'not fetched' : d.final ? 'final' : 'provisional',
      d.attribution,
    ]),
    ...b.unattributed.map((u) => [
      u.day,
      '(unattributed)',
      '-',
      money(u.costUsd),
      '-',
      '',
      u.usageTypes.join(' '),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = [
    `Bill (${b.source === 'sim' ? 'the simulated region' : 'Cost Explorer'}; ${b.requests} GetCostAndUsage request${b.requests === 1 ? '' : 's'} so far):`,
    ...rows.map((r) =>
      r
        .map((c, i) => (i <= 1 || i >= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    ),
    `  ${b.finalRule}.`,
  ];
  if (!b.tagSeen && b.days.some((d) => d.billedUsd !== null)) {
    lines.push(
      '  No bill row carries a sagezero:endpoint tag: activate it as a cost-allocation tag to match costs by endpoint.',
    );
  }
  for (const p of b.persistent) {
    lines.push(`  ${p.endpoint}: estimate and bill differ on the last ${p.days.length} final days.`);
  }
  return lines;
}

/** The report's CSV with the billing block after it, separated by an empty line (when billing is on). */
export function withBillingCsv(csv: string, r: { billing?: BillingSection }): string {
  return r.billing ? `${csv}\r\n${billingToCsv(r.billing)}` : csv;
}
