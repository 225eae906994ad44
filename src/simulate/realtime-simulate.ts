// `simulate --kind realtime`: every selected trace endpoint replayed against its own real-time endpoint
// with one inference component (realtime-replay.ts), with instance-hours, cost against an always-on
// endpoint (one instance over the trace window), requests served and abandoned, failed attempts and
// how long served requests waited, per endpoint and in total.
import type { RealtimeScalingConfig } from '../config/realtime-schema.js';
import { formatSeconds } from './format.js';
import { realtimeComponentConfig } from './realtime-policy.js';
import { replayRealtime, type RealtimeReplayResult } from './realtime-replay.js';
import { RT_COMPONENT, type RealtimeSettings } from './realtime-runner.js';
import { concat, percentiles } from './stats.js';
import { endpointDuration, type Trace, type TraceEndpoint } from './traces/types.js';

export interface RealtimeEndpointReport {
  id: string;
  requests: number;
  served: number;
  abandoned: number;
  failedAttempts: number;
  /** Failed attempts that found the component at zero copies (NoCapacityInvocationFailures). */
  noCopyAttempts: number;
  /** Requests whose first attempt failed. */
  delayedRequests: number;
  instanceHours: number;
  costUsd: number;
  /** One instance over the trace window (a formula, not a replay). */
  alwaysOnCostUsd: number;
  /** cost / always-on; null when always-on costs nothing. */
  costToAlwaysOn: number | null;
  /** Wakes of the component from zero copies. */
  coldStarts: number;
  launches: number;
  /** Seconds from arrival to the successful attempt, over served requests; null when none. */
  waited: { p50: number; p95: number; max: number } | null;
  settled: boolean;
}

export interface RealtimeSimulationReport {
  kind: 'realtime';
  trace: { file: string; format: string; endpoints: number; durationSeconds: number; requests: number };
  policy: string;
  /** The component's resolved scaling block (absent for always-on). */
  scaling?: RealtimeScalingConfig;
  instanceType: string;
  pricePerHourUsd: number;
  settings: Omit<RealtimeSettings, 'policy' | 'dayStart' | 'boot'> & { bootSeconds: number };
  endpoints: RealtimeEndpointReport[];
  total: Omit<RealtimeEndpointReport, 'id' | 'settled'> & { endpointsUnsettled: number };
}

function waitedOf(waits: ArrayLike<number>): RealtimeEndpointReport['waited'] {
  if (waits.length === 0) return null;
  const p = percentiles(waits);
  return { p50: p.p50, p95: p.p95, max: p.max };
}

function report(
  id: string,
  run: RealtimeReplayResult,
  price: number,
  windowSeconds: number,
): RealtimeEndpointReport {
  const costUsd = (run.instanceSeconds / 3600) * price;
  const alwaysOnCostUsd = (windowSeconds / 3600) * price;
  return {
    id,
    requests: run.requests,
    served: run.served,
    abandoned: run.abandoned,
    failedAttempts: run.failedAttempts,
    noCopyAttempts: run.noCopyAttempts,
    delayedRequests: run.delayedRequests,
    instanceHours: run.instanceSeconds / 3600,
    costUsd,
    alwaysOnCostUsd,
    costToAlwaysOn: alwaysOnCostUsd > 0 ? costUsd / alwaysOnCostUsd : null,
    coldStarts: run.coldStarts,
    launches: run.launches,
    waited: waitedOf(run.waits),
    settled: run.settled,
  };
}

export async function simulateRealtime(
  trace: Trace,
  endpoints: TraceEndpoint[],
  s: RealtimeSettings,
  pricePerHourUsd: number,
  bootSeconds: number,
): Promise<RealtimeSimulationReport> {
  const reports: RealtimeEndpointReport[] = [];
  const waits: Float64Array[] = [];
  let windowSeconds = 0;
  for (const te of endpoints) {
    const duration = endpointDuration(trace, te);
    const run = await replayRealtime(
      {
        startMs: s.dayStart + trace.startOfDaySeconds * 1000,
        durationSeconds: duration,
        arrivals: te.arrivals,
        ...(te.service ? { service: te.service } : {}),
      },
      s,
    );
    waits.push(run.waits);
    windowSeconds += duration;
    reports.push(report(te.id, run, pricePerHourUsd, duration));
  }
  const sum = (f: (r: RealtimeEndpointReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  const cost = sum((r) => r.costUsd);
  const alwaysOn = (windowSeconds / 3600) * pricePerHourUsd;
  const { policy: _policy, dayStart: _day, boot: _boot, ...rest } = s;
  const scaling = s.policy ? realtimeComponentConfig(RT_COMPONENT, s.policy).scaling : undefined;
  return {
    kind: 'realtime',
    trace: {
      file: trace.file,
      format: trace.format,
      endpoints: endpoints.length,
      durationSeconds: trace.durationSeconds,
      requests: sum((r) => r.requests),
    },
    policy: scaling ? scaling.preset : 'always-on',
    ...(scaling ? { scaling } : {}),
    instanceType: s.instanceType,
    pricePerHourUsd,
    settings: { ...rest, bootSeconds },
    endpoints: reports,
    total: {
      requests: sum((r) => r.requests),
      served: sum((r) => r.served),
      abandoned: sum((r) => r.abandoned),
      failedAttempts: sum((r) => r.failedAttempts),
      noCopyAttempts: sum((r) => r.noCopyAttempts),
      delayedRequests: sum((r) => r.delayedRequests),
      instanceHours: sum((r) => r.instanceHours),
      costUsd: cost,
      alwaysOnCostUsd: alwaysOn,
      costToAlwaysOn: alwaysOn > 0 ? cost / alwaysOn : null,
      coldStarts: sum((r) => r.coldStarts),
      launches: sum((r) => r.launches),
      waited: waitedOf(concat(waits)),
      endpointsUnsettled: reports.filter((r) => !r.settled).length,
    },
  };
}

function usd(x: number): string {
  return x >= 1000 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${x.toFixed(2)}`;
}

/** The human-readable table. */
export function formatRealtimeReport(r: RealtimeSimulationReport): string[] {
  const s = r.settings;
  const retry = s.retry;
  const lines = [
    `real-time endpoint, ${r.policy} policy: ${r.instanceType} at ${usd(r.pricePerHourUsd)}/h, boot ${formatSeconds(s.bootSeconds)} + model load ${formatSeconds(s.modelLoadSeconds)}, ${s.concurrencyPerCopy} request(s) per copy, scale-in cooldown ${s.scaleInCooldownMinutes} min`,
    ...(r.scaling
      ? [
          `copies 0..${r.scaling.maxCopies}, target ${r.scaling.targetConcurrentRequestsPerCopy} concurrent requests per copy, wake +1 copy with cooldown ${r.scaling.wake === false ? '-' : formatSeconds(r.scaling.wake.cooldownSeconds)}`,
        ]
      : []),
    `client retries: every ${formatSeconds(retry.intervalSeconds)} x${retry.backoff} up to ${formatSeconds(retry.maxIntervalSeconds)}, at most ${retry.maxAttempts} attempts or ${formatSeconds(retry.timeoutSeconds)}`,
    `trace ${r.trace.file} (${r.trace.format}): ${r.trace.endpoints} endpoint(s), ${r.trace.requests} requests over ${formatSeconds(r.trace.durationSeconds)}`,
    '',
  ];
  const header = [
    'endpoint',
    'requests',
    'served',
    'abandoned',
    'failed attempts',
    'inst-h',
    'cost',
    'always-on',
    'x always-on',
    'wakes',
    'waited p50',
    'p95',
  ];
  const row = (
    label: string,
    x: Omit<RealtimeEndpointReport, 'id' | 'settled'>,
    settled = true,
  ): string[] => [
    label,
    String(x.requests),
    String(x.served),
    String(x.abandoned),
    String(x.failedAttempts),
    x.instanceHours.toFixed(2),
    usd(x.costUsd),
    usd(x.alwaysOnCostUsd),
    x.costToAlwaysOn === null ? '-' : `${x.costToAlwaysOn.toFixed(2)}${settled ? '' : '+'}`,
    String(x.coldStarts),
    formatSeconds(x.waited?.p50),
    formatSeconds(x.waited?.p95),
  ];
  const rows = [header, ...r.endpoints.map((e) => row(e.id, e, e.settled))];
  if (r.endpoints.length > 1) rows.push(row('total', r.total, r.total.endpointsUnsettled === 0));
  const widths = header.map((_, c) => Math.max(...rows.map((x) => (x[c] ?? '').length)));
  for (const x of rows)
    lines.push(
      x
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  lines.push(
    '',
    'cost: every billed instance-second from the trace start until the endpoint was back at zero instances (a lone request pays its boot, model load, service and the scale-in cooldown).',
    'waited: arrival to the attempt that succeeded, over served requests; failed attempts count every refused retry.',
  );
  if (r.total.endpointsUnsettled > 0)
    lines.push('+ the run stopped before the endpoint was back at zero: its cost is a lower bound.');
  return lines;
}
