// A simulated region with one real-time endpoint and one inference component under the aws-recommended
// real-time policy, on fixed timings so every moment of a scenario can be derived by hand:
// boot 300 s, model load 60 s, service 2 s, metric delay 60 s, alarm evaluations at :30.
import { createDrivenSimCloud } from '../../src/cloud/sim/sim-cloud.js';
import {
  DEFAULT_RETRY,
  provisionRealtime,
  type RealtimeSettings,
} from '../../src/simulate/realtime-runner.js';
import { DAY } from './helpers.js';

export const BOOT_S = 300;
export const LOAD_S = 60;
export const SERVICE_S = 2;

export function realtimeSettings(overrides: Partial<RealtimeSettings> = {}): RealtimeSettings {
  return {
    instanceType: 'ml.g5.xlarge',
    region: 'us-east-1',
    boot: { kind: 'fixed', seconds: BOOT_S },
    seed: 1,
    defaultServiceSeconds: SERVICE_S,
    modelLoadSeconds: LOAD_S,
    concurrencyPerCopy: 1,
    acceleratorsPerCopy: 1,
    memoryMbPerCopy: 8192,
    maxInstances: 2,
    scaleInCooldownMinutes: 20,
    retry: DEFAULT_RETRY,
    dayStart: DAY,
    // The aws-recommended preset's cooldowns (300 s each for target tracking), a 600 s wake cooldown.
    policy: { maxCopies: 2, targetConcurrentRequestsPerCopy: 0.7, wakeCooldownSeconds: 600 },
    ...overrides,
  };
}

/** The region, created at DAY (t = 0 s), with the endpoint, the component and its policy in place. */
export async function realtimeRegion(s: RealtimeSettings = realtimeSettings()) {
  const { engine, cloud } = createDrivenSimCloud({
    startTime: DAY,
    boot: s.boot,
    serviceSeconds: () => SERVICE_S,
    realtime: { modelLoadSeconds: s.modelLoadSeconds, maxConcurrentRequestsPerCopy: s.concurrencyPerCopy },
  });
  const { ep, component } = await provisionRealtime(engine, cloud, s);
  /** Seconds since the region was created. */
  const at = (seconds: number): number => DAY + seconds * 1000;
  return { engine, cloud, ep, component, at };
}
