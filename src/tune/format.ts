// The human-readable tuner report: the current and the recommended policy on the part of the history
// the choice was made on and on the newest part that checks it, and the config change to make.
import { formatSeconds } from '../simulate/format.js';
import type { Evaluation } from './evaluate.js';
import type { EndpointTuneResult } from './endpoint.js';

function usd(x: number): string {
  return x >= 1000 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${x.toFixed(2)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z');
}

function days(seconds: number): string {
  return seconds >= 2 * 86_400
    ? `${(seconds / 86_400).toFixed(seconds % 86_400 === 0 ? 0 : 1)} d`
    : formatSeconds(seconds);
}

function cells(label: string, part: string, e: Evaluation | null): string[] {
  if (!e) return [label, part, '-', '-', '-', '-', '-', '-', '-', '-'];
  const ratio = (x: number | null): string => (x === null ? '-' : x.toFixed(2));
  return [
    label,
    part,
    String(e.requests),
    usd(e.costUsd),
    usd(e.afterLastArrivalUsd),
    // The deadline optimum is a floor only for a policy that meets the objective.
    `${ratio(e.costToDeadlineOptimum)}${e.meetsObjective || e.costToDeadlineOptimum === null ? '' : '*'}`,
    ratio(e.costToOracle),
    e.p95TimeToResultSeconds === Infinity ? 'never' : formatSeconds(e.p95TimeToResultSeconds),
    String(e.expired),
    e.meetsObjective ? 'yes' : 'no',
  ];
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatTuneResult(r: EndpointTuneResult): string[] {
  const lines: string[] = [];
  const chooseS = (r.window.split - r.window.start) / 1000;
  const checkS = (r.window.end - r.window.split) / 1000;
  lines.push(
    `sagezero tune · ${r.endpoint} · ${iso(r.window.start)} → ${iso(r.window.end)} ` +
      `(chosen on the first ${days(chooseS)}, checked on the last ${checkS > 0 ? days(checkS) : '-'})`,
  );
  const i = r.inputs;
  const source =
    r.traffic.source === 'store'
      ? 'rebuilt from the store (processed + failed + expired + backlog change, per minute)'
      : 'from the trace file';
  lines.push(
    `traffic: ${i.requests.choose + i.requests.check} requests ${source}; boot median ${Math.round(i.boot.medianSeconds)} s ` +
      `(p90 ${Math.round(i.boot.p90Seconds)} s, ${i.boot.source === 'prior' ? 'prior' : `${i.boot.samples} measured`}); ` +
      `service ${i.serviceSeconds.toFixed(1)} s; ${usd(i.pricePerHourUsd)}/h; concurrency ${i.concurrency}`,
  );
  lines.push(
    `objective: p95 time to result <= ${formatSeconds(i.objective.p95TimeToResultSeconds)}, at most ${i.objective.maxExpired} expired (mode: ${r.mode})`,
  );
  lines.push('');
  lines.push(
    ...table([
      [
        'POLICY',
        'PART',
        'REQUESTS',
        'COST',
        'TAIL',
        'COST/OPT',
        'COST/ORACLE',
        'P95 TTR',
        'UNSERVED',
        'MEETS',
      ],
      cells('current', 'chosen on', r.current.choose),
      cells('', 'checked on', r.current.check),
      cells('recommended', 'chosen on', r.recommended.choose),
      cells('', 'checked on', r.recommended.check),
    ]),
  );
  lines.push('');
  const d = formatSeconds(i.objective.p95TimeToResultSeconds);
  lines.push(
    'Replays drain: COST bills every instance-second until each request is done and the endpoint is idle again; ' +
      'TAIL is the part after the last arrival.',
  );
  lines.push(
    `COST/OPT is cost ÷ the deadline optimum (the cheapest schedule that finishes every request within ${d}` +
      `${r.current.choose.deadlineOptimumExact ? '' : '; a lower bound here'}), the floor for the objective; ` +
      'COST/ORACLE is cost ÷ the zero-wait oracle, a reference that a policy letting requests wait can go below. ' +
      '* = misses the objective: not a floor comparison. P95 counts unserved requests as never answered.',
  );
  lines.push('');
  if (r.changed.length === 0) {
    lines.push('no change: the current policy is the cheapest that meets the objective among those replayed');
  } else {
    lines.push(`change (${r.changed.join(', ')}): set the endpoint's scaling block to`);
    lines.push('');
    lines.push(...r.yaml.split('\n').map((l) => `    ${l}`));
  }
  lines.push('');
  lines.push(
    `searched: ${r.search.evaluated} replays, ${r.search.rounds} rounds, ${r.search.idleCandidates} idle choices, ` +
      `${r.search.keepWarmOptions - 1} keep-warm option(s) from ${r.search.recurringBursts.length} recurring burst(s)`,
  );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines;
}
