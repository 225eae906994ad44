// The audit as a table for a person, as CSV (RFC 4180, one row per endpoint; an empty field means
// unknown, never zero) and as JSON (the report object itself).
import { formatSeconds } from '../simulate/format.js';
import type { AuditReport, EndpointAudit } from './types.js';

type Cell = string | number | boolean | null;

export const CSV_COLUMNS = [
  'endpoint',
  'kind',
  'status',
  'managed_by_sagezero',
  'instance_type',
  'instance_count',
  'scaling_policies',
  'reaches_zero',
  'scaling_detail',
  'window_start',
  'window_end',
  'minutes',
  'idle_minutes',
  'idle_share',
  'requests',
  'usd_per_hour',
  'price_source',
  'current_instance_hours',
  'current_usd',
  'recommended_policy',
  'recommended_instance_hours',
  'recommended_usd',
  'recommended_p95_seconds',
  'recommended_unserved',
  'deadline_optimum_usd',
  'left_on_table_usd',
] as const;

function csvRow(e: EndpointAudit): Cell[] {
  const r = e.recommended;
  return [
    e.name,
    e.kind,
    e.status,
    e.managedBySagezero,
    e.instanceType,
    e.instanceCount,
    e.scaling.policies.join(' '),
    e.scaling.reachesZero,
    e.scaling.detail,
    e.window.start,
    e.window.end,
    e.traffic.minutes,
    e.traffic.idleMinutes,
    e.traffic.share,
    e.traffic.requests,
    e.price.usdPerHour,
    e.price.source,
    round(e.current.instanceHours, 4),
    round(e.current.costUsd, 2),
    r?.policy ?? null,
    round(r?.instanceHours ?? null, 4),
    round(r?.costUsd ?? null, 2),
    r?.p95TimeToResultSeconds ?? null,
    r?.unserved ?? null,
    round(r?.deadlineOptimum.costUsd ?? null, 2),
    round(e.leftOnTableUsd, 2),
  ];
}

export function auditToCsv(report: AuditReport): string {
  const rows: Cell[][] = [[...CSV_COLUMNS], ...report.endpoints.map(csvRow)];
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Spreadsheets run a cell that starts with = + - @ as a formula.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function round(v: number | null, digits: number): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function usd(v: number | null): string {
  if (v === null) return '?';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  return `${sign}$${a >= 1000 ? Math.round(a).toLocaleString('en-US') : a.toFixed(2)}`;
}

function pct(v: number | null): string {
  return v === null ? '-' : `${(v * 100).toFixed(1)}%`;
}

function table(rows: string[][], leftColumns: number): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((v, c) => (c < leftColumns ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const KIND: Record<EndpointAudit['kind'], string> = {
  async: 'async',
  realtime: 'real-time',
  'realtime-components': 'real-time (components)',
};

export function formatAudit(report: AuditReport): string[] {
  const o = report.objective;
  const lines = [
    `sagezero audit · ${report.region} · ${report.window.start} → ${report.window.end} (${report.window.since})`,
    `recommended = the policy sagezero's tuner picks for each endpoint's own traffic (p95 time to result ≤ ${formatSeconds(o.p95TimeToResultSeconds)}, ` +
      `${o.maxExpired} expired), replayed drained through the simulated region`,
    '',
  ];
  if (report.endpoints.length === 0) {
    lines.push(`no SageMaker endpoints in ${report.region}`);
    return lines;
  }
  const header = [
    'ENDPOINT',
    'KIND',
    'INSTANCES',
    'SCALING',
    'IDLE',
    'REQUESTS',
    'COST',
    'RECOMMENDED',
    'DEADLINE OPT',
    'LEFT ON TABLE',
  ];
  const rows = report.endpoints.map((e) => [
    e.managedBySagezero ? `${e.name} (sagezero)` : e.name,
    KIND[e.kind],
    `${e.instanceCount} x ${e.instanceType}`,
    e.scaling.reachesZero ? 'to zero' : e.scaling.target ? 'never 0' : 'none',
    pct(e.traffic.share),
    String(e.traffic.requests),
    usd(e.current.costUsd),
    e.recommended ? usd(e.recommended.costUsd) : '-',
    e.recommended ? usd(e.recommended.deadlineOptimum.costUsd) : '-',
    e.leftOnTableUsd === null ? '?' : usd(e.leftOnTableUsd),
  ]);
  lines.push(...table([header, ...rows], 4));
  for (const e of report.endpoints) {
    lines.push('', `${e.name}:`);
    lines.push(`  scaling: ${e.scaling.detail}`);
    lines.push(
      `  window: ${e.window.start} → ${e.window.end}, ${e.traffic.minutes} min, ${e.traffic.idleMinutes} idle; ` +
        `${e.current.instanceHours.toFixed(2)} instance-hours at ${e.price.usdPerHour === null ? 'an unknown price' : `$${e.price.usdPerHour}/h`} (${e.price.source})`,
    );
    const r = e.recommended;
    if (r) {
      lines.push(
        `  recommended: ${r.policy}: ${r.instanceHours.toFixed(2)} instance-hours, p95 time to result ` +
          `${r.p95TimeToResultSeconds === null ? 'never (requests unserved)' : formatSeconds(r.p95TimeToResultSeconds)}, ` +
          `${r.coldStarts} cold start(s)${r.unserved > 0 ? `, ${r.unserved} unserved` : ''}` +
          `${r.meetsObjective ? '' : ' (misses the objective)'}; deadline optimum ${r.deadlineOptimum.instanceHours.toFixed(2)} instance-hours` +
          `${r.deadlineOptimum.exact ? '' : ' (a lower bound)'}`,
      );
    }
    for (const n of e.notes) lines.push(`  note: ${n}`);
  }
  return lines;
}
