// Shared set-up for the simulated-cloud scenario tests: a region driven by its own engine clock, an
// endpoint provisioned and its policy installed the way `sagezero apply` does it.
import { createDrivenSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import type { SimEngine, SimOptions } from '../../src/cloud/sim/engine.js';
import type { SimEndpoint } from '../../src/cloud/sim/entities.js';
import { resolveScaling, scalingInputSchema, type ScalingInput } from '../../src/config/scaling-schema.js';
import type { Policy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, provisionEndpoint, type SimulationSettings } from '../../src/simulate/runner.js';

/** Monday 2026-01-05 00:00 UTC. */
export const DAY = Date.UTC(2026, 0, 5);
export const MIN = 60_000;

export interface Region {
  engine: SimEngine;
  cloud: SimCloud;
  ep: SimEndpoint;
  settings: SimulationSettings;
}

export function customPolicy(input: ScalingInput): Policy {
  return { kind: 'scaling', name: 'custom', scaling: resolveScaling(scalingInputSchema.parse(input)) };
}

export async function region(
  policy: Policy,
  opts: {
    bootSeconds?: number;
    serviceSeconds?: number;
    startTime?: number;
    seed?: number;
    concurrency?: number;
    /** Simulator behaviour options (docs/SIMULATOR.md); defaults otherwise. */
    sim?: Partial<SimOptions>;
  } = {},
): Promise<Region> {
  const boot = { kind: 'fixed' as const, seconds: opts.bootSeconds ?? 480 };
  const service = opts.serviceSeconds ?? 20;
  const { engine, cloud } = createDrivenSimCloud({
    startTime: opts.startTime ?? DAY + 6 * 3_600_000,
    boot,
    seed: opts.seed ?? 7,
    serviceSeconds: () => service,
    ...opts.sim,
  });
  const settings: SimulationSettings = { ...DEFAULT_SETTINGS, boot, concurrency: opts.concurrency ?? 1 };
  const ep = await provisionEndpoint(engine, cloud, policy, settings);
  return { engine, cloud, ep, settings };
}

let counter = 0;

/** Sends one async request through the port (input object first, as a client would). */
export async function invoke(
  r: Region,
  ttlSeconds?: number,
): Promise<{ at: number; outputLocation: string; failureLocation?: string }> {
  const input = `s3://test-inputs-bucket/req-${++counter}.json`;
  await r.cloud.putObject(input, '{"inputs":"hello"}', 'application/json');
  const at = r.engine.now;
  const req: Parameters<SimCloud['invokeEndpointAsync']>[0] = {
    endpointName: r.ep.name,
    inputLocation: input,
  };
  if (ttlSeconds !== undefined) req.requestTtlSeconds = ttlSeconds;
  const res = await r.cloud.invokeEndpointAsync(req);
  return { at, ...res };
}

/** Runs until `pred` holds, event by event, failing past `limit` (ms of virtual time). */
export function runUntilTrue(engine: SimEngine, pred: () => boolean, limit: number): number {
  const stop = engine.now + limit;
  while (!pred()) {
    const next = engine.nextEventTime();
    if (next > stop) throw new Error(`condition not reached within ${limit / MIN} simulated minutes`);
    engine.runUntil(next);
  }
  return engine.now;
}

/** Times (ms) at which the scalable target's desired count was set, oldest first. */
export async function capacityChanges(r: Region): Promise<{ at: number; to: number; cause: string }[]> {
  const acts = await r.cloud.listScalingActivities(r.ep.resourceId, 0);
  return acts
    .filter((a) => a.desiredCapacity !== undefined && a.statusCode !== 'Failed')
    .map((a) => ({ at: a.startTime, to: a.desiredCapacity as number, cause: a.cause }))
    .reverse();
}
