// A store filled the way the daemon fills it: traffic through the simulated cloud, recorded by the
// real telemetry poller.
import { expect } from 'vitest';
import { createDrivenSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import type { SimEngine } from '../../src/cloud/sim/engine.js';
import type { SimEndpoint } from '../../src/cloud/sim/entities.js';
import { presetPolicy } from '../../src/simulate/policies.js';
import { DEFAULT_SETTINGS, provisionEndpoint, simEndpointConfig } from '../../src/simulate/runner.js';
import type { Store } from '../../src/store/index.js';
import { pollOnce } from '../../src/telemetry/index.js';

export const MIN = 60_000;
export const START = Date.UTC(2026, 0, 5, 6, 0, 0);
export const BOOT_S = 300;
export const SERVICE_MS = 20_000;

export interface Run {
  engine: SimEngine;
  cloud: SimCloud;
  ep: SimEndpoint;
  /** Arrival times (ms) that were sent. */
  sent: number[];
}

/** Six hours of bursty traffic through aws-recommended, polled into the store every five minutes. */
export async function recordTraffic(store: Store): Promise<Run> {
  const settings = { ...DEFAULT_SETTINGS, boot: { kind: 'fixed' as const, seconds: BOOT_S } };
  const policy = presetPolicy('aws-recommended');
  const { engine, cloud } = createDrivenSimCloud({
    startTime: START - 90 * MIN,
    boot: settings.boot,
    seed: 3,
  });
  const ep = await provisionEndpoint(engine, cloud, policy, settings);
  const config = { endpoints: [simEndpointConfig(policy, settings)] };
  // Four bursts after long quiet stretches (each a wake from zero), with a queue building in each.
  const sent: number[] = [];
  for (const [startMin, n] of [
    [20, 25],
    [110, 40],
    [200, 12],
    [290, 30],
  ] as const) {
    for (let i = 0; i < n; i++) sent.push(START + startMin * MIN + i * 7_000 + (i % 3) * 1_500);
  }
  let next = 0;
  for (let t = START - 60 * MIN; t <= START + 360 * MIN; t += 5 * MIN) {
    while (next < sent.length && (sent[next] as number) <= t) {
      engine.runUntil(sent[next] as number);
      engine.submit(ep, SERVICE_MS, 21_600_000, 3_600_000);
      next++;
    }
    engine.runUntil(t);
    const res = await pollOnce({ cloud, clock: cloud.clock, store, config, intervalMs: 5 * MIN });
    expect(res.errors).toEqual([]);
  }
  return { engine, cloud, ep, sent };
}
