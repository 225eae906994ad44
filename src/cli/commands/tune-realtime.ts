// `sagezero tune` on a `kind: realtime` endpoint: each inference component (or --component's) tuned on
// a trace file by src/tune/realtime.ts. Real-time traffic is not in the store yet, so --trace is
// required; `tune.mode: apply` is not carried out for real-time components (out of scope).
import { loadConfig, type RealtimeEndpointConfig } from '../../config/load.js';
import { hourlyPrice } from '../../simulate/prices.js';
import type { TrafficWindow } from '../../simulate/replay.js';
import { DEFAULT_SETTINGS } from '../../simulate/runner.js';
import { tuneConfigOf } from '../../tune/config.js';
import { formatRealtimeTuneResult } from '../../tune/realtime-format.js';
import { tuneRealtimeComponent, type RealtimeComponentTuneResult } from '../../tune/realtime.js';
import { UserError } from '../errors.js';
import type { Output } from '../output.js';
import type { TuneCommandDeps, TuneFlags } from './tune.js';

export interface RealtimeTuneFlags extends TuneFlags {
  component?: string;
}

/** tune.ts's trace reader: the one trace endpoint as a traffic window, with its mean service time. */
export type TraceLoader = (
  flags: TuneFlags,
  seed: number,
) => Promise<(TrafficWindow & { serviceSeconds?: number }) | undefined>;

/**
 * The real-time endpoint the flags pick: --endpoint naming one, or the only endpoint of a config with
 * no async endpoints. Undefined: the async tuner's turn (and --component is then a mistake).
 */
export function realtimeTarget(
  flags: RealtimeTuneFlags,
  env: NodeJS.ProcessEnv,
): RealtimeEndpointConfig | undefined {
  const config = loadConfig(flags.config, env);
  const rts = config.realtimeEndpoints;
  let target: RealtimeEndpointConfig | undefined;
  if (flags.endpoint !== undefined) target = rts.find((e) => e.name === flags.endpoint);
  else if (config.endpoints.length === 0 && rts.length === 1) target = rts[0];
  else if (config.endpoints.length === 0 && rts.length > 1)
    throw new UserError(
      `${config.file} has ${rts.length} real-time endpoints; say which one with --endpoint (${rts.map((e) => e.name).join(', ')})`,
    );
  if (!target && flags.component !== undefined)
    throw new UserError('--component only applies to a kind: realtime endpoint; name one with --endpoint');
  return target;
}

export async function runRealtimeTune(
  flags: RealtimeTuneFlags,
  endpoint: RealtimeEndpointConfig,
  seed: number,
  loadTraffic: TraceLoader,
  out: Output,
  deps: TuneCommandDeps = {},
): Promise<{ results: RealtimeComponentTuneResult[]; lines: string[] }> {
  const config = loadConfig(flags.config, deps.env ?? process.env);
  let components = endpoint.components;
  if (flags.component !== undefined) {
    components = components.filter((c) => c.name === flags.component);
    if (components.length === 0)
      throw new UserError(
        `--component ${flags.component}: endpoint ${endpoint.name} in ${config.file} has no such component (it has: ${endpoint.components.map((c) => c.name).join(', ')})`,
      );
  }
  if (flags.trace === undefined)
    throw new UserError(
      `--endpoint ${endpoint.name} is kind: realtime: its traffic is not recorded in the store yet, tune it on a trace file with --trace FILE --format FORMAT`,
    );
  const price = endpoint.pricePerHourUsd ?? hourlyPrice(endpoint.instanceType, config.region)?.usdPerHour;
  if (price === undefined)
    throw new UserError(
      `${config.file}: endpoints[${endpoint.name}]: no price known for ${endpoint.instanceType} in ${config.region}; set pricePerHourUsd on the endpoint`,
    );
  const traffic = await loadTraffic(flags, seed);
  if (!traffic) throw new UserError('--trace: no traffic in the trace file');
  const results: RealtimeComponentTuneResult[] = [];
  const lines: string[] = [];
  for (const component of components) {
    if (components.length > 1 && out.interactive) out.err(`tuning ${endpoint.name}/${component.name}...`);
    let bootPrior: number;
    try {
      bootPrior = tuneConfigOf(component).coldStartPriorSeconds;
    } catch (e) {
      throw new UserError(`${config.file}: components[${component.name}].${(e as Error).message}`);
    }
    const r = await tuneRealtimeComponent({
      endpoint,
      component,
      region: config.region,
      pricePerHourUsd: price,
      traffic: {
        startMs: traffic.startMs,
        durationSeconds: traffic.durationSeconds,
        arrivals: traffic.arrivals,
        ...(traffic.service ? { service: traffic.service } : {}),
      },
      serviceSeconds: traffic.serviceSeconds ?? 10,
      seed,
      dayStart: DEFAULT_SETTINGS.dayStart,
    });
    results.push(r);
    if (lines.length > 0) lines.push('');
    lines.push(...formatRealtimeTuneResult(r, bootPrior));
  }
  return { results, lines };
}
