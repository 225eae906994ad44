// The tuner over one configured endpoint: its observed traffic and cold starts from the store (or a
// traffic window given by the caller, e.g. from a trace file), its price, concurrency, current policy
// and `tune:` block. This is what the daemon calls on the tune schedule and what `sagezero tune` runs.
import type { Clock } from '../clock.js';
import type { Config, EndpointConfig } from '../config/load.js';
import { hourlyPrice } from '../simulate/prices.js';
import { DEFAULT_SETTINGS } from '../simulate/runner.js';
import type { Store } from '../store/index.js';
import { bootSamplesFromStore, estimateBoot, type BootEstimate } from './coldstart.js';
import {
  MAX_HISTORY_MS,
  parseHistory,
  tuneConfigOf,
  tuneConfigSchema,
  type TuneConfig,
  type TuneConfigInput,
} from './config.js';
import { readStoreTraffic } from './reconstruct.js';
import type { TrafficWindow } from '../simulate/replay.js';
import { tuneTraffic, type TuneResult } from './tune.js';
import {
  calibratedBoot,
  calibrationNotes,
  calibrationSummary,
  latestCalibration,
  type CalibrationSummary,
} from '../calibrate/use.js';

const MINUTE_MS = 60_000;

/** Input the tuner cannot work with (unknown endpoint, no price); the message names what to fix. */
export class TuneInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TuneInputError';
  }
}

export interface TuneContext {
  store: Store;
  config: Pick<Config, 'region' | 'endpoints'>;
  /** The endpoint, or its name in config.endpoints. */
  endpoint: EndpointConfig | string;
  clock: Clock;
}

export interface TuneOptions {
  /** Overrides the endpoint's `tune:` block. */
  tune?: TuneConfigInput;
  /** Replay this traffic instead of the store's (a trace file); its service times are used if given. */
  traffic?: TrafficWindow & { serviceSeconds?: number };
  /** Seed of the arrival spreading and the simulated boots. */
  seed?: number;
  trainFraction?: number;
  /** RequestTTLSeconds the endpoint's clients use (default: AWS's 21600). */
  requestTtlSeconds?: number;
  /** Replay the guardrail steps toward the recommendation (default: when tune.mode is apply). */
  withSteps?: boolean;
  /** Hourly price when neither the config nor the store has one and the bundled table lacks the type. */
  pricePerHourUsd?: number;
}

export interface EndpointTuneResult extends TuneResult {
  mode: TuneConfig['mode'];
  traffic: { source: 'store' | 'trace'; processed?: number };
  /** The stored calibration the replays used (src/calibrate/), when there is one. */
  calibration?: CalibrationSummary;
}

export async function tuneEndpoint(ctx: TuneContext, opts: TuneOptions = {}): Promise<EndpointTuneResult> {
  const endpoint =
    typeof ctx.endpoint === 'string'
      ? ctx.config.endpoints.find((e) => e.name === ctx.endpoint)
      : ctx.endpoint;
  if (!endpoint) {
    throw new TuneInputError(
      `no endpoint named "${String(ctx.endpoint)}" in the config (known: ${ctx.config.endpoints.map((e) => e.name).join(', ')})`,
    );
  }
  let tune: TuneConfig;
  try {
    tune = opts.tune ? tuneConfigSchema.parse(opts.tune) : tuneConfigOf(endpoint);
  } catch (e) {
    throw new TuneInputError(`endpoints[${endpoint.name}].${(e as Error).message}`);
  }
  const seed = opts.seed ?? 1;
  const now = ctx.clock.now();
  // Up to the last minute the store has: newer minutes are not published (or polled) yet, and an
  // unpublished minute would read as a minute without traffic.
  const latest = await ctx.store.metrics.latestMinute(endpoint.name, 'ApproximateBacklogSize');
  const end = Math.min(
    Math.floor(now / MINUTE_MS) * MINUTE_MS,
    latest !== undefined && !opts.traffic ? latest + MINUTE_MS : Infinity,
  );
  const historyMs = parseHistory(tune.history) as number;

  let history: TrafficWindow;
  let serviceSeconds: number | undefined;
  let traffic: EndpointTuneResult['traffic'];
  if (opts.traffic) {
    history = opts.traffic;
    serviceSeconds = opts.traffic.serviceSeconds;
    traffic = { source: 'trace' };
  } else {
    // Only the endpoint's observed life: minutes before its first datapoint are not minutes without
    // traffic, and replaying them would add idle time no policy was ever asked to handle.
    const first = await ctx.store.metrics.earliestMinute(endpoint.name, 'ApproximateBacklogSize');
    const from = Math.max(end - historyMs, first ?? end);
    const t = await readStoreTraffic(ctx.store, endpoint.name, from, end, seed);
    history = { startMs: t.startMs, durationSeconds: t.minutes * 60, arrivals: t.arrivals };
    serviceSeconds = t.serviceSeconds;
    traffic = { source: 'store', processed: t.processed };
  }

  // Boot times are not traffic: every measurement the store still has is worth using.
  const samples = await bootSamplesFromStore(
    ctx.store,
    endpoint.name,
    endpoint.variantName,
    end - MAX_HISTORY_MS,
    end + 1,
  );
  let boot: BootEstimate = estimateBoot(
    [...samples.probes, ...samples.scaleOuts],
    tune.coldStartPriorSeconds,
  );
  // A stored calibration (sagezero calibrate) brings the alarm timing the endpoint showed, and its boot.
  const calibration = await latestCalibration(ctx.store, endpoint.name);
  if (calibration) boot = calibratedBoot(calibration);

  const region = ctx.config.region;
  const price =
    endpoint.pricePerHourUsd ??
    (await ctx.store.prices.latest(region, endpoint.instanceType, 'api'))?.usdPerHour ??
    hourlyPrice(endpoint.instanceType, region)?.usdPerHour ??
    opts.pricePerHourUsd;
  if (price === undefined) {
    throw new TuneInputError(
      `endpoints[${endpoint.name}]: no price known for ${endpoint.instanceType} in ${region}; set pricePerHourUsd on the endpoint`,
    );
  }

  const result = await tuneTraffic({
    endpoint: endpoint.name,
    history,
    ...(opts.trainFraction !== undefined ? { trainFraction: opts.trainFraction } : {}),
    settings: {
      instanceType: endpoint.instanceType,
      region,
      seed,
      concurrency: endpoint.async.maxConcurrentInvocationsPerInstance ?? 1,
      defaultServiceSeconds: serviceSeconds ?? tune.serviceSecondsPrior,
      requestTtlSeconds: opts.requestTtlSeconds ?? DEFAULT_SETTINGS.requestTtlSeconds,
      invocationTimeoutSeconds: DEFAULT_SETTINGS.invocationTimeoutSeconds,
      ...(calibration ? { simOptions: calibration.simOptions } : {}),
    },
    boot,
    pricePerHourUsd: price,
    objective: tune.objective,
    current: endpoint.scaling,
    withSteps: opts.withSteps ?? tune.mode === 'apply',
  });
  if (serviceSeconds === undefined && !history.service)
    result.notes.push(
      `no processed requests to time: assumed ${tune.serviceSecondsPrior} s per request (tune.serviceSecondsPrior)`,
    );
  if (calibration) result.notes.push(...calibrationNotes(endpoint.name, calibration, tune.mode));
  return {
    ...result,
    mode: tune.mode,
    traffic,
    ...(calibration ? { calibration: calibrationSummary(calibration) } : {}),
  };
}
