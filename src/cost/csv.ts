// The report as CSV (RFC 4180): one row per endpoint plus a TOTAL row, or with a step one row per
// endpoint and bucket. Empty fields mean "unknown" (no price), never zero.
import type { CostFigures, CostReport, EndpointReport } from './report-types.js';

type Cell = string | number | null;

export const SUMMARY_COLUMNS = [
  'endpoint',
  'variant',
  'instance_type',
  'window_start',
  'window_end',
  'instance_hours',
  'gpu_hours',
  'price_usd_per_hour',
  'price_source',
  'spend_usd',
  'baseline_instances',
  'baseline_spend_usd',
  'savings_usd',
  'savings_percent',
  'cold_starts',
  'cold_starts_by_probes',
  'ttfr_p50_s',
  'ttfr_p95_s',
  'probe_instance_hours',
  'probe_spend_usd',
  // Appended (not inserted) so readers by position keep working: the endpoint's life, which the
  // always-on baseline covers (docs/COST-METHOD.md). Empty on the TOTAL row and with no history.
  'life_start',
  'life_start_source',
  'life_end',
  'life_end_source',
  // Appended for real-time endpoints (issue 15). `kind` is async or realtime; a row with a
  // `component` is that component's share of its endpoint's row above it (do not add it to the
  // endpoint's figures), and `(unattributed)` is the instance time no copy was recorded for.
  'kind',
  'component',
  'baseline_basis',
] as const;

export const SERIES_COLUMNS = [
  'endpoint',
  'bucket_start',
  'bucket_end',
  'instance_hours',
  'avg_instances',
  'max_instances',
  'spend_usd',
  'baseline_usd',
  'cumulative_spend_usd',
  'cumulative_baseline_usd',
] as const;

export function reportToCsv(r: CostReport): string {
  const rows: Cell[][] = [];
  if (r.window.step) {
    rows.push([...SERIES_COLUMNS]);
    const add = (name: string, f: CostFigures): void => {
      for (const p of f.series ?? []) {
        rows.push([
          name,
          p.start,
          p.end,
          p.instanceHours,
          p.avgInstances,
          p.maxInstances,
          p.spendUsd,
          p.baselineUsd,
          p.cumulativeSpendUsd,
          p.cumulativeBaselineUsd,
        ]);
      }
    };
    for (const e of r.endpoints) add(e.name, e);
    add('TOTAL', r.total);
  } else {
    rows.push([...SUMMARY_COLUMNS]);
    const figures = (f: CostFigures): Cell[] => [f.instanceHours, f.gpuHours];
    const rest = (f: CostFigures): Cell[] => [f.spendUsd];
    const tail = (f: CostFigures): Cell[] => [
      f.baseline.spendUsd,
      f.savingsUsd,
      f.savingsPercent,
      f.coldStarts.count,
      f.coldStarts.byProbes,
      f.coldStarts.timeToFirstResultSeconds?.p50 ?? null,
      f.coldStarts.timeToFirstResultSeconds?.p95 ?? null,
      f.probes.instanceHours,
      f.probes.spendUsd,
    ];
    for (const e of r.endpoints) {
      rows.push([
        e.name,
        e.variant,
        e.instanceType,
        r.window.start,
        r.window.end,
        ...figures(e),
        e.price.usdPerHour,
        e.price.source,
        ...rest(e),
        e.baselineInstances,
        ...tail(e),
        e.life?.start ?? null,
        e.life?.startSource ?? null,
        e.life?.end ?? null,
        e.life?.endSource ?? null,
        e.kind ?? 'async',
        null,
        e.realtime?.baselineBasis ?? null,
      ]);
      rows.push(...componentRows(r, e));
    }
    rows.push([
      'TOTAL',
      null,
      null,
      r.window.start,
      r.window.end,
      ...figures(r.total),
      null,
      null,
      ...rest(r.total),
      null,
      ...tail(r.total),
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  }
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A realtime endpoint's components (and its unattributed time), as share rows under it. */
function componentRows(r: CostReport, e: EndpointReport): Cell[][] {
  const rt = e.realtime;
  if (!rt) return [];
  const row = (
    component: string,
    hours: number,
    spend: number | null,
    coldStarts: number | null,
    ttfr: { p50: number; p95: number } | null,
  ): Cell[] => {
    const byName: Partial<Record<(typeof SUMMARY_COLUMNS)[number], Cell>> = {
      endpoint: e.name,
      variant: e.variant,
      instance_type: e.instanceType,
      window_start: r.window.start,
      window_end: r.window.end,
      instance_hours: hours,
      gpu_hours: e.gpusPerInstance === null ? null : Math.round(hours * e.gpusPerInstance * 1e6) / 1e6,
      price_usd_per_hour: e.price.usdPerHour,
      price_source: e.price.source,
      spend_usd: spend,
      cold_starts: coldStarts,
      ttfr_p50_s: ttfr?.p50 ?? null,
      ttfr_p95_s: ttfr?.p95 ?? null,
      kind: 'realtime',
      component,
    };
    return SUMMARY_COLUMNS.map((c) => byName[c] ?? null);
  };
  const rows = rt.components.map((c) =>
    row(
      c.name,
      c.instanceHoursShare,
      c.spendShareUsd,
      c.coldStarts.count,
      c.coldStarts.timeToFirstResultSeconds,
    ),
  );
  if (rt.unattributedInstanceHours > 0) {
    rows.push(row('(unattributed)', rt.unattributedInstanceHours, rt.unattributedSpendUsd, null, null));
  }
  return rows;
}

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  // Spreadsheets run a cell that starts with = + - @ as a formula; names never need to.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
