// sagezero report -c FILE [--since 7d | --start T [--end T]] [--step 1h|auto] [--endpoint NAME] [--json | --csv]
// Prints the cost report from the store that `sagezero serve` fills. A series over MAX_SERIES_POINTS
// (endpoints x buckets) is refused as the API refuses it; --step auto picks the smallest step that fits.
import type { Command } from 'commander';
import type { Clock } from '../../clock.js';
import { loadConfig, type Config } from '../../config/load.js';
import { reportToCsv } from '../../cost/csv.js';
import { formatBilling, withBillingCsv } from '../../cost/billing-format.js';
import { loadAwsPriceApi } from '../../cost/price-api.js';
import { pricingConfigOf } from '../../cost/pricing-config.js';
import { PriceResolver } from '../../cost/prices.js';
import { buildReport } from '../../cost/report.js';
import type { CostFigures, CostReport, EndpointReport } from '../../cost/report-types.js';
import { AUTO_STEP, MAX_SERIES_POINTS, parseSeriesWindow, STEP_LADDER } from '../../cost/series-limit.js';
import { ReportParamError } from '../../cost/window.js';
import { commandClock, openCommandStore } from '../store-clock.js';
import { UserError } from '../errors.js';
import { processOutput, type Output } from '../output.js';
import { storeExists, storeLabel } from '../../store/index.js';

export interface ReportOptions {
  config: string;
  since?: string;
  start?: string;
  end?: string;
  step?: string;
  endpoint?: string;
  json?: boolean;
  csv?: boolean;
}

export interface ReportCommandDeps {
  output?: Output;
  /** Wall clock for cloud: aws (tests pass a fixed one). */
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export function registerReport(program: Command, deps: ReportCommandDeps = {}): Command {
  return program
    .command('report')
    .description('Print GPU-hours, spend, the always-on baseline, savings and cold starts from the store')
    .requiredOption('-c, --config <file>', 'sagezero config file')
    .option('--since <duration>', 'window ending now, like 24h, 7d or 2w (default 7d)')
    .option('--start <time>', 'window start, RFC 3339 (e.g. 2026-03-01T00:00:00Z)')
    .option('--end <time>', 'window end, RFC 3339 (default: now)')
    .option(
      '--step <step>',
      `also print a time series: ${STEP_LADDER.join(', ')}, or ${AUTO_STEP} (the smallest giving at most ${MAX_SERIES_POINTS.toLocaleString('en-US')} points, endpoints x buckets)`,
    )
    .option('--endpoint <name>', 'only this endpoint')
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print the report as CSV')
    .addHelpText(
      'after',
      '\nOn cloud: sim, "now" is the simulated clock of the last telemetry poll recorded in the store.',
    )
    .action(async (opts: ReportOptions) => {
      const out = deps.output ?? processOutput;
      const report = await runReport(opts, deps);
      if (opts.json) out.out(JSON.stringify(report, null, 2));
      else if (opts.csv)
        out.out(withBillingCsv(reportToCsv(report), report).trimEnd().replace(/\r\n/g, '\n'));
      else out.out(formatReport(report));
    });
}

export async function runReport(opts: ReportOptions, deps: ReportCommandDeps = {}): Promise<CostReport> {
  if (opts.json && opts.csv) throw new UserError('--json and --csv cannot be combined; choose one');
  if (opts.since !== undefined && (opts.start !== undefined || opts.end !== undefined)) {
    throw new UserError('--since cannot be combined with --start/--end');
  }
  const config: Config = loadConfig(opts.config, deps.env ?? process.env);
  const allNames = [...config.endpoints, ...config.realtimeEndpoints].map((e) => e.name);
  if (opts.endpoint !== undefined && !allNames.includes(opts.endpoint)) {
    throw new UserError(
      `--endpoint: no endpoint named "${opts.endpoint}" in ${config.file} (known: ${allNames.join(', ')})`,
    );
  }
  if (!storeExists(config.storePath)) {
    throw new UserError(
      `no data yet: the store ${storeLabel(config.storePath)} does not exist. Run \`sagezero serve -c ${opts.config}\`, which records telemetry there.`,
    );
  }
  const store = await openCommandStore(config);
  try {
    const clock = await commandClock(config, store, deps.clock);
    const scoped = opts.endpoint
      ? {
          ...config,
          endpoints: config.endpoints.filter((e) => e.name === opts.endpoint),
          realtimeEndpoints: config.realtimeEndpoints.filter((e) => e.name === opts.endpoint),
        }
      : config;
    let window;
    try {
      window = parseSeriesWindow(
        { since: opts.since, start: opts.start, end: opts.end, step: opts.step },
        clock.now(),
        scoped.endpoints.length + scoped.realtimeEndpoints.length,
      );
    } catch (e) {
      if (e instanceof ReportParamError) throw new UserError(`--${e.message}`);
      throw e;
    }
    const prices = new PriceResolver({
      store,
      clock,
      pricing: pricingConfigOf(config),
      ...(config.cloud === 'aws' ? { api: () => loadAwsPriceApi() } : {}),
    });
    return await buildReport({ store, config: scoped, prices, clock }, window);
  } finally {
    await store.close();
  }
}

export function formatReport(r: CostReport): string {
  const lines: string[] = [];
  lines.push(
    `sagezero cost report · ${r.project} · ${r.region} (${r.cloud}) · ${r.window.start} → ${r.window.end} (${r.window.hours} h)`,
    '',
  );
  const header = [
    'ENDPOINT',
    'TYPE',
    'INST-H',
    'GPU-H',
    '$/H (SOURCE)',
    'SPEND',
    'ALWAYS-ON',
    'SAVED',
    'COLD',
    'P50/P95',
    'PROBES',
  ];
  const rows: string[][] = r.endpoints.map((e) => [
    e.name,
    e.instanceType,
    fixed(e.instanceHours, 2),
    e.gpuHours === null ? '-' : fixed(e.gpuHours, 2),
    e.price.usdPerHour === null ? 'unknown' : `${e.price.usdPerHour} (${e.price.source})`,
    ...money3(e),
  ]);
  rows.push([
    'TOTAL',
    '',
    fixed(r.total.instanceHours, 2),
    r.total.gpuHours === null ? '-' : fixed(r.total.gpuHours, 2),
    '',
    ...money3(r.total),
  ]);
  lines.push(...table([header, ...rows]));
  const series = r.total.series;
  if (series && series.length > 0) {
    lines.push('', `Series (step ${r.window.step}, all endpoints):`);
    lines.push(
      ...table([
        ['BUCKET START', 'INST-H', 'PEAK', 'SPEND', 'ALWAYS-ON', 'CUM SPEND', 'CUM ALWAYS-ON'],
        ...series.map((p) => [
          p.start,
          fixed(p.instanceHours, 2),
          String(p.maxInstances),
          usd(p.spendUsd),
          usd(p.baselineUsd),
          usd(p.cumulativeSpendUsd),
          usd(p.cumulativeBaselineUsd),
        ]),
      ]),
    );
  }
  if (r.billing) lines.push('', ...formatBilling(r.billing));
  lines.push(...formatComponents(r));
  const notes = [
    ...r.endpoints.map((e) => `${e.name} ${alwaysOnSince(e)}`),
    ...r.endpoints.flatMap((e) =>
      e.realtime ? [`${e.name} always-on basis: ${e.realtime.baselineBasis}`] : [],
    ),
    ...r.endpoints
      .filter((e) => e.price.source === 'table' || e.price.source === 'cache')
      .map((e) => `${e.name} price: ${e.price.detail}`),
    ...r.warnings,
  ];
  if (notes.length > 0) lines.push('', 'Notes:', ...notes.map((n) => `  - ${n}`));
  return lines.join('\n');
}

/**
 * Which time the always-on baseline covers: the endpoint's life, from its creation (or the first
 * record sagezero has of it) to its deletion, inside the window.
 */
export function alwaysOnSince(e: EndpointReport): string {
  const n = `${e.baselineInstances} instance${e.baselineInstances === 1 ? '' : 's'}`;
  if (!e.life) return `always-on: none (no instance history, so the baseline is 0)`;
  const source = e.life.startSource === 'created' ? 'created' : 'first record';
  const until = e.life.end === null ? '' : ` until ${e.life.end} (deleted)`;
  return `always-on: ${n} since ${e.life.start} (${source})${until}`;
}

/**
 * Realtime endpoints' components: each one's share of its endpoint's instance-hours and spend (the
 * endpoint's row above is the bill; shares and unattributed time add up to it), copy wakes and the
 * cold starts its probes measured.
 */
export function formatComponents(r: CostReport): string[] {
  const rows: string[][] = [];
  for (const e of r.endpoints) {
    const rt = e.realtime;
    if (!rt) continue;
    for (const c of rt.components) {
      const t = c.coldStarts.timeToFirstResultSeconds;
      rows.push([
        `${e.name}/${c.name}`,
        fixed(c.instanceHoursShare, 2),
        usd(c.spendShareUsd),
        String(c.coldStarts.count),
        t ? `${dur(t.p50)}/${dur(t.p95)}` : '-',
        c.coldStarts.failedInvocationsPerWake === null
          ? '-'
          : c.coldStarts.failedInvocationsPerWake.toFixed(1),
      ]);
    }
    if (rt.unattributedInstanceHours > 0) {
      rows.push([
        `${e.name} (unattributed)`,
        fixed(rt.unattributedInstanceHours, 2),
        usd(rt.unattributedSpendUsd),
        '',
        '',
        '',
      ]);
    }
  }
  if (rows.length === 0) return [];
  return [
    '',
    'Components (shares of their endpoint, by the accelerators or memory their copies held):',
    ...table([['COMPONENT', 'INST-H', 'SPEND', 'COPY WAKES', 'P50/P95', 'FAILED/WAKE'], ...rows]),
  ];
}

function money3(f: CostFigures): string[] {
  const t = f.coldStarts.timeToFirstResultSeconds;
  return [
    usd(f.spendUsd),
    usd(f.baseline.spendUsd),
    f.savingsUsd === null
      ? '-'
      : `${usd(f.savingsUsd)}${f.savingsPercent === null ? '' : ` (${f.savingsPercent.toFixed(1)}%)`}`,
    String(f.coldStarts.count),
    t ? `${dur(t.p50)}/${dur(t.p95)}` : '-',
    usd(f.probes.spendUsd),
  ];
}

function usd(v: number | null): string {
  if (v === null) return '-';
  return `${v < 0 ? '-' : ''}$${Math.abs(v).toFixed(2)}`;
}

function fixed(v: number, d: number): string {
  return v.toFixed(d);
}

function dur(s: number): string {
  return s >= 120 ? `${(s / 60).toFixed(1)}m` : `${Math.round(s)}s`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
