// The human-readable table of a simulation report.
import type { EndpointReport, SimulationReport } from './simulate.js';
import type { Percentiles } from './stats.js';

export function formatSeconds(s: number | undefined | null): string {
  if (s === undefined || s === null || Number.isNaN(s)) return '-';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

function usd(x: number): string {
  return x >= 1000 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${x.toFixed(2)}`;
}

function ttr(p: Percentiles | null): string[] {
  return p
    ? [formatSeconds(p.p50), formatSeconds(p.p95), formatSeconds(p.p99), formatSeconds(p.max)]
    : ['-', '-', '-', '-'];
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function shortId(id: string): string {
  return id.length > 24 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id;
}

function row(
  label: string,
  r: Omit<EndpointReport, 'id' | 'costToOracle'>,
  ratio: number | null | undefined,
): string[] {
  return [
    label,
    String(r.requests),
    String(r.completed),
    String(r.expired),
    String(r.stillQueued),
    r.instanceHours.toFixed(2),
    usd(r.costUsd),
    usd(r.alwaysOnCostUsd),
    usd(r.oracleCostUsd),
    ratio === null || ratio === undefined ? '-' : ratio.toFixed(2),
    String(r.coldStarts),
    `${r.scaleOuts}/${r.scaleIns}`,
    ...ttr(r.timeToResult),
  ];
}

export function formatReport(report: SimulationReport): string[] {
  const lines: string[] = [];
  lines.push(
    `trace ${report.trace.file} (${report.trace.format}), ${report.trace.endpoints} endpoint(s), ${report.trace.requests} requests over ${formatSeconds(report.trace.durationSeconds)}`,
  );
  lines.push(
    `policy ${report.policy} on ${report.instanceType} at $${report.pricePerHourUsd}/h, boot ~${formatSeconds(report.bootSeconds)}, ` +
      `${report.concurrency} concurrent/instance, seed ${report.seed}; always-on baseline = ${report.alwaysOnInstances} instance(s)`,
  );
  lines.push('');
  const header = [
    'endpoint',
    'requests',
    'done',
    'expired',
    'queued',
    'inst-h',
    'cost',
    'always-on',
    'oracle',
    'x oracle',
    'cold',
    'out/in',
    'p50',
    'p95',
    'p99',
    'max',
  ];
  const rows = [header, ...report.endpoints.map((e) => row(shortId(e.id), e, e.costToOracle))];
  if (report.endpoints.length > 1) rows.push(row('TOTAL', report.total, report.total.costToOracleGeomean));
  lines.push(...table(rows));
  lines.push('');
  lines.push(
    'time to result (p50/p95/p99/max) covers completed requests; "x oracle" is cost / oracle (TOTAL: geometric mean over endpoints with requests).',
  );
  if (report.total.endpointsWithUnservedRequests > 0) {
    lines.push(
      `${report.total.endpointsWithUnservedRequests} endpoint(s) left requests unserved (expired or still queued): a cost below the oracle there means work was not done, not saved.`,
    );
  }
  lines.push(
    `simulated ${report.speed.simulatedRequests} requests and ${report.speed.events} events in ${report.speed.wallSeconds.toFixed(2)} s ` +
      `(${Math.round(report.speed.requestsPerSecond)} requests/s)`,
  );
  return lines;
}
