// Text output of `sagezero calibrate`: per endpoint, the fit, a per-day table simulated vs observed,
// the totals and the verdict.
import type { EndpointCalibration } from './calibrate.js';

export function formatCalibration(c: EndpointCalibration): string[] {
  const out: string[] = [];
  if (c.status === 'no-data' || !c.window || !c.fit) {
    out.push(`${c.endpoint}: no telemetry in the store to calibrate on`);
    return out;
  }
  const f = c.fit;
  out.push(
    `${c.endpoint}: ${c.window.start.slice(0, 16)}Z .. ${c.window.end.slice(0, 16)}Z, ${c.requests} requests rebuilt from its metrics, ` +
      `policy from the ${c.policy === 'tuner' ? "tuner's applied policy" : 'config'}`,
  );
  out.push(
    `  fit: boot median ${f.boot.medianSeconds.toFixed(0)} s, sigma ${f.boot.sigma.toFixed(2)} (${f.boot.source}; ` +
      `${f.boot.samples.probes} cold probes, ${f.boot.samples.scaleOuts} scale-outs from zero); ` +
      `alarm delay ${f.alarmDelay.seconds} s, simulated as a publication delay of ${f.simOptions.metricDelaySeconds} s with alarms evaluated at second ${f.simOptions.alarmEvaluationOffsetSeconds} ` +
      `(${f.alarmDelay.source}; ${f.alarmDelay.samples.wakes} wakes, ` +
      `${f.alarmDelay.samples.scaleIns} scale-ins; median wake lag ${lag(f.alarmDelay.wakeLagSeconds)}, ` +
      `scale-in lag ${lag(f.alarmDelay.scaleInLagSeconds)})`,
  );
  const rows: string[][] = [
    [
      'day',
      'inst-h sim',
      'inst-h obs',
      'wakes sim',
      'wakes obs',
      'scale-ins sim',
      'scale-ins obs',
      'ttfr sim',
      'ttfr obs',
    ],
  ];
  for (const d of c.days) {
    rows.push([
      d.day,
      d.predicted.instanceHours.toFixed(2),
      d.observed.instanceHours.toFixed(2),
      String(d.predicted.wakes),
      String(d.observed.wakes),
      String(d.predicted.scaleIns),
      String(d.observed.scaleIns),
      ttfr(d.predicted.ttfrSeconds, d.predicted.ttfrSamples),
      ttfr(d.observed.ttfrSeconds, d.observed.ttfrSamples),
    ]);
  }
  rows.push([
    'total',
    c.predicted.instanceHours.toFixed(2),
    c.observed.instanceHours.toFixed(2),
    String(c.predicted.wakes),
    String(c.observed.wakes),
    String(c.predicted.scaleIns),
    String(c.observed.scaleIns),
    ttfr(c.predicted.ttfrSeconds, c.predicted.ttfrSamples),
    ttfr(c.observed.ttfrSeconds, c.observed.ttfrSamples),
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    out.push('  ' + r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  '));
  out.push(
    "  (ttfr: median time to first result of cold starts, s [samples]; observed: cold probes' total_s; simulated: first request of each wake)",
  );
  const pct =
    c.difference.percent === null
      ? 'n/a'
      : `${c.difference.percent >= 0 ? '+' : ''}${c.difference.percent.toFixed(1)}%`;
  out.push(
    c.agrees
      ? `  agrees: simulated - observed = ${signed(c.difference.instanceHours)} instance-hours (${pct}); disagreement is: ${c.threshold}`
      : `  DISAGREES: simulated - observed = ${signed(c.difference.instanceHours)} instance-hours (${pct}); threshold: ${c.threshold}`,
  );
  for (const n of c.notes) out.push(`  note: ${n}`);
  return out;
}

function lag(x: number | null): string {
  return x === null ? 'n/a' : `${x.toFixed(0)} s`;
}

function ttfr(x: number | null, n: number): string {
  return x === null ? '-' : `${x.toFixed(0)} [${n}]`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
