// The human-readable table of a simulation report.
import { SETTLE_LIMIT_MS } from './replay.js';
import type { EndpointReport, SimulationReport } from './simulate.js';
import type { Percentiles } from './stats.js';

export function formatSeconds(s: number | undefined | null): string {
  if (s === undefined || s === null || Number.isNaN(s)) return '-';
  if (s === Infinity) return 'never';
  if (s < 59.5) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  // Round to whole seconds first, so 779.6 s reads 13m00s, not 12m60s.
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m${String(whole - m * 60).padStart(2, '0')}s`;
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

type Row = Omit<
  EndpointReport,
  'id' | 'costToOracle' | 'costToDeadlineOptimum' | 'settled' | 'deadlineOptimumExact' | 'p95AllSeconds'
> & { p95AllSeconds?: number };

function ratio(x: number | null | undefined, mark = ''): string {
  return x === null || x === undefined ? '-' : `${x.toFixed(2)}${mark}`;
}

function row(label: string, r: Row, toOracle: string, toOptimum: string): string[] {
  return [
    label,
    String(r.requests),
    `${r.servedPercent.toFixed(r.servedPercent === 100 || r.servedPercent === 0 ? 0 : 1)}%`,
    String(r.expired + r.failed),
    r.instanceHours.toFixed(2),
    usd(r.costUsd),
    usd(r.afterLastArrivalUsd),
    usd(r.alwaysOnCostUsd),
    usd(r.oracleCostUsd),
    toOracle,
    // Not exact: the optimum is at least this (a proven lower bound).
    `${r.deadlineOptimumUsd < r.deadlineScheduleUsd - 0.005 ? '>=' : ''}${usd(r.deadlineOptimumUsd)}`,
    toOptimum,
    String(r.coldStarts),
    `${r.scaleOuts}/${r.scaleIns}`,
    ...ttr(r.timeToResult),
  ];
}

export function formatReport(report: SimulationReport): string[] {
  const lines: string[] = [];
  const d = formatSeconds(report.deadlineSeconds);
  lines.push(
    `trace ${report.trace.file} (${report.trace.format}), ${report.trace.endpoints} endpoint(s), ${report.trace.requests} requests over ${formatSeconds(report.trace.durationSeconds)}`,
  );
  lines.push(
    `policy ${report.policy} on ${report.instanceType} at $${report.pricePerHourUsd}/h, boot ~${formatSeconds(report.bootSeconds)}, ` +
      `${report.concurrency} concurrent/instance, seed ${report.seed}; always-on = ${report.alwaysOnInstances} instance(s) over the trace window`,
  );
  lines.push('');
  const header = [
    'endpoint',
    'requests',
    'served',
    'unserved',
    'inst-h',
    'cost',
    'tail',
    'always-on',
    'oracle',
    'x oracle',
    `opt(${d})`,
    'x opt',
    'cold',
    'out/in',
    'p50',
    'p95',
    'p99',
    'max',
  ];
  // A ratio to the deadline optimum is a floor comparison only when every request was served in time.
  const late = (e: EndpointReport): boolean => e.withinDeadline < e.requests;
  const rows = [
    header,
    ...report.endpoints.map((e) =>
      row(shortId(e.id), e, ratio(e.costToOracle), ratio(e.costToDeadlineOptimum, late(e) ? '*' : '')),
    ),
  ];
  const t = report.total;
  if (report.endpoints.length > 1)
    rows.push(row('TOTAL', t, ratio(t.costToOracleGeomean), ratio(t.costToDeadlineOptimumGeomean)));
  lines.push(...table(rows));
  lines.push('');
  lines.push(
    'Every replay drains: it runs past the last arrival until each request has completed, failed or expired and the endpoint is idle again, and "cost" bills all of it; "tail" is the part billed after the last arrival.',
  );
  lines.push(
    `"oracle" serves every request on arrival (zero wait); "opt(${d})" is the deadline optimum, the cheapest schedule that finishes every request within ${d} of its arrival (${t.deadlineOptimumExact ? 'exact' : `">=": a proven lower bound; the cheapest schedule found costs ${usd(t.deadlineScheduleUsd)}, and the optimum lies between`}). ` +
      'Only the deadline optimum is a floor for a policy that lets requests wait; "x oracle" below 1 means the policy batched requests behind a boot.',
  );
  lines.push(
    'time to result (p50/p95/p99/max) covers completed requests; TOTAL ratios are geometric means over endpoints with requests (x opt: only those that served every request in time).',
  );
  if (t.endpointsMissingDeadline > 0) {
    lines.push(
      `* ${t.endpointsMissingDeadline} endpoint(s) finished some request later than ${d} or not at all: their "x opt" is not a floor comparison (work was served late or not served, not saved).`,
    );
  }
  if (t.endpointsWithUnservedRequests > 0) {
    lines.push(
      `${t.endpointsWithUnservedRequests} endpoint(s) left requests unserved (${t.expired} expired, ${t.failed} failed): a lower cost there is work not done, not money saved.`,
    );
  }
  if (t.endpointsUnsettled > 0) {
    lines.push(
      `${t.endpointsUnsettled} endpoint(s) were not idle again ${formatSeconds(SETTLE_LIMIT_MS / 1000)} after their last request could have ended; their cost stops there.`,
    );
  }
  lines.push(
    `simulated ${report.speed.simulatedRequests} requests and ${report.speed.events} events in ${report.speed.wallSeconds.toFixed(2)} s ` +
      `(${Math.round(report.speed.requestsPerSecond)} requests/s)`,
  );
  return lines;
}
