// sagezero simulate — replay a real traffic trace through the simulated cloud under a scaling policy
// and compare its cost and latency with an always-on fleet, the zero-wait oracle and the deadline optimum.
import type { Command } from 'commander';
import type { BootDistribution } from '../../cloud/sim/boot.js';
import { formatReport } from '../../simulate/format.js';
import { PolicyError, resolvePolicy } from '../../simulate/policies.js';
import { hourlyPrice } from '../../simulate/prices.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from '../../simulate/runner.js';
import { selectEndpoints, simulate, type SimulationReport } from '../../simulate/simulate.js';
import { loadTrace, TRACE_FORMATS, TraceError, type TraceFormat } from '../../simulate/traces/index.js';
import {
  formatRealtimeReport,
  simulateRealtime,
  type RealtimeSimulationReport,
} from '../../simulate/realtime-simulate.js';
import { storedCalibrationFor } from './calibrate.js';
import {
  addRealtimeOptions,
  realtimeSettings,
  rejectRealtimeFlags,
  type RealtimeFlags,
} from './simulate-realtime.js';
import { UserError } from '../errors.js';
import { processOutput, type Output } from '../output.js';

export interface SimulateFlags extends RealtimeFlags {
  kind?: string;
  trace: string;
  format: string;
  select?: string;
  all?: boolean;
  policy: string;
  instanceType: string;
  region: string;
  bootSeconds: string;
  bootSigma: string;
  serviceSeconds: string;
  concurrency: string;
  alwaysOnInstances: string;
  ttlSeconds: string;
  deadlineSeconds: string;
  price?: string;
  seed: string;
  json?: boolean;
  calibration?: string;
}

/** Every arrival time is kept in memory (8 bytes each); beyond this a run would exhaust it. */
const MAX_REQUESTS = 200_000_000;

function number(flag: string, raw: string, opts: { min: number; max: number; integer?: boolean }): number {
  const v = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    v < opts.min ||
    v > opts.max ||
    (opts.integer && !Number.isInteger(v))
  ) {
    const kind = opts.integer ? 'an integer' : 'a number';
    throw new UserError(`${flag} must be ${kind} between ${opts.min} and ${opts.max}, got "${raw}"`);
  }
  return v;
}

export function registerSimulate(program: Command, out: Output = processOutput): void {
  addRealtimeOptions(program.command('simulate'))
    .description(
      'replay a traffic trace through the simulated cloud under a scaling policy: cost, cold starts, time to result, vs always-on, the oracle and the deadline optimum',
    )
    .requiredOption('--trace <file>', 'trace file (or, for servegen, a directory of *-trace.csv files)')
    .requiredOption('--format <format>', `trace format: ${TRACE_FORMATS.join(' | ')}`)
    .option('--select <id>', 'only this endpoint (function hash, client id, or a unique prefix)')
    .option('--all', 'every endpoint in the trace (the default)')
    .option(
      '--policy <policy>',
      'aws-recommended | blog | always-on | a YAML file with a scaling: block',
      'aws-recommended',
    )
    .option(
      '--instance-type <type>',
      'SageMaker instance type (sets the price)',
      DEFAULT_SETTINGS.instanceType,
    )
    .option('--region <region>', 'region for the price lookup', DEFAULT_SETTINGS.region)
    .option('--boot-seconds <n>', 'median instance boot time', '480')
    .option(
      '--boot-sigma <s>',
      'spread of boot times (lognormal sigma; 0 = always exactly --boot-seconds)',
      '0.15',
    )
    .option(
      '--service-seconds <n>',
      'processing time per request when the trace has none',
      String(DEFAULT_SETTINGS.defaultServiceSeconds),
    )
    .option('--concurrency <n>', 'MaxConcurrentInvocationsPerInstance', '1')
    .option('--always-on-instances <n>', 'instances of the always-on policy and baseline', '1')
    .option(
      '--ttl-seconds <n>',
      'RequestTTLSeconds of every request',
      String(DEFAULT_SETTINGS.requestTtlSeconds),
    )
    .option(
      '--deadline-seconds <n>',
      'time to result D of the deadline optimum (the cheapest schedule that finishes every request within D)',
      '900',
    )
    .option('--price <usd>', 'hourly price override (USD)')
    .option('--seed <n>', 'random seed (arrival spreading, boot times)', '1')
    .option('--json', 'print the report as JSON')
    .option(
      '--calibration <config:endpoint>',
      "use that endpoint's stored calibration (sagezero calibrate): its boot distribution and alarm timing",
    )
    .action(async (flags: SimulateFlags) => {
      const report = await runSimulate(flags, out);
      if (flags.json) out.out(JSON.stringify(report, null, 2));
      else if ('kind' in report) for (const line of formatRealtimeReport(report)) out.out(line);
      else for (const line of formatReport(report)) out.out(line);
    });
}

export async function runSimulate(
  flags: SimulateFlags,
  out: Output,
): Promise<SimulationReport | RealtimeSimulationReport> {
  const kind = flags.kind ?? 'async';
  if (kind !== 'async' && kind !== 'realtime')
    throw new UserError(`--kind must be async or realtime, got "${kind}"`);
  if (kind === 'async') rejectRealtimeFlags(flags);
  else if (flags.calibration !== undefined)
    throw new UserError(
      '--calibration applies to async endpoints only; it cannot be combined with --kind realtime',
    );
  if (!TRACE_FORMATS.includes(flags.format as TraceFormat)) {
    throw new UserError(`--format must be one of ${TRACE_FORMATS.join(', ')}, got "${flags.format}"`);
  }
  if (flags.select !== undefined && flags.all) throw new UserError('--select and --all cannot be combined');
  const format = flags.format as TraceFormat;
  const bootSeconds = number('--boot-seconds', flags.bootSeconds, { min: 1, max: 7200 });
  const sigma = number('--boot-sigma', flags.bootSigma, { min: 0, max: 2 });
  const boot: BootDistribution =
    sigma === 0
      ? { kind: 'fixed', seconds: bootSeconds }
      : { kind: 'lognormal', medianSeconds: bootSeconds, sigma };
  const alwaysOnInstances = number('--always-on-instances', flags.alwaysOnInstances, {
    min: 1,
    max: 1000,
    integer: true,
  });
  const deadlineSeconds = number('--deadline-seconds', flags.deadlineSeconds, { min: 1, max: 21_600 + 3600 });
  const settings: SimulationSettings = {
    ...DEFAULT_SETTINGS,
    instanceType: flags.instanceType,
    region: flags.region,
    boot,
    seed: number('--seed', flags.seed, { min: 0, max: 2 ** 31 - 1, integer: true }),
    concurrency: number('--concurrency', flags.concurrency, { min: 1, max: 1000, integer: true }),
    defaultServiceSeconds: number('--service-seconds', flags.serviceSeconds, { min: 0, max: 3600 }),
    requestTtlSeconds: number('--ttl-seconds', flags.ttlSeconds, { min: 60, max: 21_600, integer: true }),
  };
  if (flags.calibration !== undefined) {
    const c = await storedCalibrationFor(flags.calibration);
    settings.boot = c.boot;
    settings.simOptions = c.simOptions;
    out.err(c.line);
  }
  if (!/^ml\.[a-z0-9]+(-[a-z0-9]+)?\.[a-z0-9]+$/.test(settings.instanceType)) {
    throw new UserError(
      `--instance-type must be a SageMaker instance type like ml.g5.12xlarge, got "${settings.instanceType}"`,
    );
  }
  let price: number;
  if (flags.price !== undefined) price = number('--price', flags.price, { min: 0, max: 1000 });
  else {
    const row = hourlyPrice(settings.instanceType, settings.region);
    if (!row) {
      throw new UserError(
        `--instance-type ${settings.instanceType}: no price in the bundled price table for ${settings.region}; give one with --price <usd per hour>`,
      );
    }
    price = row.usdPerHour;
  }

  const rtSettings =
    kind === 'realtime'
      ? realtimeSettings(flags, { ...settings, boot: settings.boot, dayStart: settings.dayStart }, number)
      : undefined;
  let policy;
  try {
    // A real-time run installs its own policy (realtime-policy.ts); realtimeSettings checked --policy.
    policy = resolvePolicy(rtSettings ? 'always-on' : flags.policy, alwaysOnInstances);
  } catch (e) {
    if (e instanceof PolicyError) throw new UserError(e.message);
    throw e;
  }

  let trace;
  try {
    trace = await loadTrace(flags.trace, format, {
      seed: settings.seed,
      defaultServiceSeconds: settings.defaultServiceSeconds,
    });
  } catch (e) {
    if (e instanceof TraceError) throw new UserError(`--trace: ${e.message}`);
    throw e;
  }
  const selected = selectEndpoints(trace, flags.select);
  if (typeof selected === 'string') throw new UserError(selected);
  const expected = selected.reduce((a, e) => a + e.expectedRequests, 0);
  if (expected > MAX_REQUESTS) {
    throw new UserError(
      `--trace: the selected endpoints imply ${Math.round(expected / 1e6)} million requests, more than the ${MAX_REQUESTS / 1e6} million one run holds in memory; pick fewer with --select`,
    );
  }

  if (rtSettings) return simulateRealtime(trace, selected, rtSettings, price, bootSeconds);

  let lastProgress = 0;
  // Wall time only measures the simulator's own speed for the report; simulated time is virtual.
  const wall = (): number => performance.now();
  return simulate(trace, selected, {
    settings,
    policy,
    pricePerHourUsd: price,
    alwaysOnInstances,
    deadlineSeconds,
    wallClockMs: wall,
    onEndpoint: (_run, i, total) => {
      if (!out.interactive || total < 20) return;
      const t = wall();
      if (t - lastProgress > 1000 || i === total - 1) {
        out.err(`simulated ${i + 1}/${total} endpoints`);
        lastProgress = t;
      }
    },
  });
}
