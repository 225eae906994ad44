// sagezero tune -c FILE [--endpoint NAME] [--trace FILE --format F [--select ID]] [--json]
// Chooses each endpoint's scale-to-zero policy from its own traffic (the store that `sagezero serve`
// fills, or a trace file) by replaying candidates through the simulated cloud, and prints the current
// and the recommended policy with the `scaling:` block to put in the config.
import type { Command } from 'commander';
import type { Clock } from '../../clock.js';
import { loadConfig, type Config, type EndpointConfig } from '../../config/load.js';
import { DEFAULT_SETTINGS } from '../../simulate/runner.js';
import { selectEndpoints } from '../../simulate/simulate.js';
import {
  loadTrace,
  TRACE_FORMATS,
  TraceError,
  endpointDuration,
  type TraceFormat,
} from '../../simulate/traces/index.js';
import { commandClock, openCommandStore } from '../store-clock.js';
import {
  tuneEndpoint,
  TuneInputError,
  type EndpointTuneResult,
  type TuneOptions,
} from '../../tune/endpoint.js';
import { formatTuneResult } from '../../tune/format.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';
import { realtimeTarget, runRealtimeTune } from './tune-realtime.js';
import { storeExists, storeLabel } from '../../store/index.js';

export interface TuneFlags {
  config: string;
  endpoint?: string;
  trace?: string;
  format?: string;
  select?: string;
  /** kind: realtime endpoints only: tune just this inference component. */
  component?: string;
  serviceSeconds?: string;
  seed: string;
  json?: boolean;
}

export interface TuneCommandDeps {
  /** Wall clock for cloud: aws (tests pass a fixed one). */
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export function registerTune(
  program: Command,
  out: Output,
  setExit: (code: number) => void,
  deps: TuneCommandDeps = {},
): void {
  program
    .command('tune')
    .description(
      "choose each endpoint's scale-to-zero policy from its own traffic: replay candidates through the simulated cloud, print the current and the recommended policy and the config change",
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--component <name>', 'kind: realtime endpoint: only this inference component')
    .option(
      '--trace <file>',
      'tune on a trace file (all of it is the history) instead of the traffic in the store',
    )
    .option('--format <format>', `trace format: ${TRACE_FORMATS.join(' | ')}`)
    .option('--select <id>', 'the trace endpoint to use when the trace has several')
    .option('--service-seconds <n>', 'processing time per request when the trace has none', '10')
    .option('--seed <n>', 'random seed (arrival spreading, boot times)', '1')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      "\nThe history, objective and cold-start prior come from each endpoint's tune: block (defaults: 14d, " +
        'p95 time to result <= 900 s, no expired requests, 480 s boot). On cloud: sim, "now" is the simulated ' +
        'clock of the last telemetry poll recorded in the store.',
    )
    .action(async (flags: TuneFlags) => {
      const rt = realtimeTarget(flags, deps.env ?? process.env);
      if (rt) {
        const seed = positive('--seed', flags.seed, 2 ** 31 - 1, true);
        const r = await runRealtimeTune(flags, rt, seed, traceTraffic, out, deps);
        if (flags.json) out.out(JSON.stringify(r.results, null, 2));
        else for (const line of r.lines) out.out(line);
        setExit(EXIT.ok);
        return;
      }
      const results = await runTune(flags, out, deps);
      if (flags.json) out.out(JSON.stringify(results, null, 2));
      else
        results.forEach((r, i) => {
          if (i > 0) out.out('');
          for (const line of formatTuneResult(r)) out.out(line);
        });
      setExit(EXIT.ok);
    });
}

function positive(flag: string, raw: string, max: number, integer = false): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > max || (integer && !Number.isInteger(v))) {
    throw new UserError(
      `${flag} must be ${integer ? 'an integer' : 'a number'} between 0 and ${max}, got "${raw}"`,
    );
  }
  return v;
}

export async function runTune(
  flags: TuneFlags,
  out: Output,
  deps: TuneCommandDeps = {},
): Promise<EndpointTuneResult[]> {
  const config: Config = loadConfig(flags.config, deps.env ?? process.env);
  const seed = positive('--seed', flags.seed, 2 ** 31 - 1, true);
  let targets: EndpointConfig[] = config.endpoints;
  if (flags.endpoint !== undefined) {
    targets = config.endpoints.filter((e) => e.name === flags.endpoint);
    if (targets.length === 0) {
      throw new UserError(
        `--endpoint ${flags.endpoint}: no such endpoint in ${config.file} (it has: ${config.endpoints.map((e) => e.name).join(', ')})`,
      );
    }
  }
  if (flags.trace === undefined && (flags.format !== undefined || flags.select !== undefined)) {
    throw new UserError('--format and --select only apply with --trace');
  }

  let traffic: TuneOptions['traffic'];
  if (flags.trace !== undefined) {
    if (targets.length > 1) {
      throw new UserError(
        `--trace: ${config.file} has ${targets.length} endpoints; say which one the trace is for with --endpoint`,
      );
    }
    traffic = await traceTraffic(flags, seed);
  }

  const hasStore = storeExists(config.storePath);
  if (!traffic && !hasStore) {
    throw new UserError(
      `no traffic to tune on: the store ${storeLabel(config.storePath)} does not exist. Run \`sagezero serve -c ${flags.config}\`, ` +
        'which records it there, or tune on a trace file with --trace FILE --format FORMAT.',
    );
  }
  // With a trace and no store yet, an empty store stands in (no measured cold starts: the prior).
  const store = await openCommandStore(config, hasStore ? config.storePath : ':memory:');
  try {
    const clock = await commandClock(config, hasStore ? store : undefined, deps.clock);
    const results: EndpointTuneResult[] = [];
    for (const endpoint of targets) {
      if (targets.length > 1 && out.interactive) out.err(`tuning ${endpoint.name}...`);
      try {
        results.push(
          await tuneEndpoint({ store, config, endpoint, clock }, { seed, ...(traffic ? { traffic } : {}) }),
        );
      } catch (e) {
        if (e instanceof TuneInputError) throw new UserError(`${config.file}: ${e.message}`);
        throw e;
      }
    }
    return results;
  } finally {
    await store.close();
  }
}

export async function traceTraffic(flags: TuneFlags, seed: number): Promise<TuneOptions['traffic']> {
  if (flags.format === undefined) throw new UserError(`--trace needs --format (${TRACE_FORMATS.join(', ')})`);
  if (!TRACE_FORMATS.includes(flags.format as TraceFormat)) {
    throw new UserError(`--format must be one of ${TRACE_FORMATS.join(', ')}, got "${flags.format}"`);
  }
  const serviceSeconds = positive('--service-seconds', flags.serviceSeconds ?? '10', 3600);
  let trace;
  try {
    trace = await loadTrace(flags.trace as string, flags.format as TraceFormat, {
      seed,
      defaultServiceSeconds: serviceSeconds,
    });
  } catch (e) {
    if (e instanceof TraceError) throw new UserError(`--trace: ${e.message}`);
    throw e;
  }
  const selected = selectEndpoints(trace, flags.select);
  if (typeof selected === 'string') throw new UserError(selected);
  if (selected.length !== 1) {
    throw new UserError(
      `--trace: ${flags.trace} has ${selected.length} endpoints; pick one with --select (ids look like: ${selected
        .slice(0, 3)
        .map((e) => e.id)
        .join(', ')})`,
    );
  }
  const te = selected[0]!;
  // Traces carry a time of day, not a date: they are laid on the simulator's reference week (starting
  // on a Monday), so weekday keep-warm windows line up as they would have.
  return {
    startMs: DEFAULT_SETTINGS.dayStart + trace.startOfDaySeconds * 1000,
    durationSeconds: endpointDuration(trace, te),
    arrivals: te.arrivals,
    ...(te.service ? { service: te.service } : {}),
    serviceSeconds: te.service ? mean(te.service) : serviceSeconds,
  };
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : 0;
}
