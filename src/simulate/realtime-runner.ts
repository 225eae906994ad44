// The real-time endpoint `simulate --kind realtime` replays against: one endpoint (a variant without a
// model, managed instance scaling min 0) with one inference component, provisioned through the Cloud
// port as apply would, and its policy (realtime-policy.ts) installed once the component serves.
import type { BootDistribution } from '../cloud/sim/boot.js';
import type { SimEngine } from '../cloud/sim/engine.js';
import type { SimEndpoint } from '../cloud/sim/entities.js';
import type { SimComponent } from '../cloud/sim/realtime.js';
import type { SimCloud } from '../cloud/sim/sim-cloud.js';
import { installRealtimePolicy, type RealtimePolicyParams } from './realtime-policy.js';

export const RT_ENDPOINT = 'sim-realtime-endpoint';
export const RT_COMPONENT = 'sim-component';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

/** How a client retries an invocation refused for lack of capacity. */
export interface RetryModel {
  /** Seconds before the first retry. */
  intervalSeconds: number;
  /** Each further wait is the previous one times this (1: a fixed interval). */
  backoff: number;
  /** Longest single wait, seconds. */
  maxIntervalSeconds: number;
  /** Attempts in all, the first included; the request is abandoned after the last fails. */
  maxAttempts: number;
  /** The client gives up once this long has passed since the first attempt (no attempt after it). */
  timeoutSeconds: number;
}

export interface RealtimeSettings {
  instanceType: string;
  region: string;
  boot: BootDistribution;
  seed: number;
  defaultServiceSeconds: number;
  /** Seconds from a copy's instance being ready to the copy serving. */
  modelLoadSeconds: number;
  /** Requests one copy serves at once. */
  concurrencyPerCopy: number;
  acceleratorsPerCopy: number;
  memoryMbPerCopy: number;
  maxInstances: number;
  scaleInCooldownMinutes: number;
  retry: RetryModel;
  /** Undefined: always on (one copy, never scaled). */
  policy: RealtimePolicyParams | undefined;
  /** Midnight UTC of the simulated day. */
  dayStart: number;
}

export const DEFAULT_RETRY: RetryModel = {
  intervalSeconds: 5,
  backoff: 2,
  maxIntervalSeconds: 60,
  maxAttempts: 40,
  timeoutSeconds: 1800,
};

export interface RealtimeRegion {
  ep: SimEndpoint;
  component: SimComponent;
}

/** Creates the endpoint and its component (one copy: AWS refuses zero), then installs the policy. */
export async function provisionRealtime(
  engine: SimEngine,
  cloud: SimCloud,
  s: RealtimeSettings,
): Promise<RealtimeRegion> {
  await cloud.createModel({
    name: 'sim-rt-model',
    image: 'sagezero/simulated-model:latest',
    environment: {},
    executionRoleArn: ROLE,
    tags: {},
  });
  await cloud.createEndpointConfig({
    kind: 'realtime',
    name: 'sim-rt-config',
    variantName: 'AllTraffic',
    instanceType: s.instanceType,
    initialInstanceCount: 1,
    executionRoleArn: ROLE,
    managedScaling: {
      minInstanceCount: s.policy ? 0 : 1,
      maxInstanceCount: s.maxInstances,
      scaleIn: { strategy: 'IDLE_RELEASE', cooldownMinutes: s.scaleInCooldownMinutes },
    },
    routingStrategy: 'LEAST_OUTSTANDING_REQUESTS',
    tags: {},
  });
  await cloud.createEndpoint(RT_ENDPOINT, 'sim-rt-config', {});
  const ep = engine.endpoint(RT_ENDPOINT);
  runWhile(engine, () => ep.status !== 'InService');
  await cloud.createInferenceComponent({
    name: RT_COMPONENT,
    endpointName: RT_ENDPOINT,
    variantName: 'AllTraffic',
    modelName: 'sim-rt-model',
    acceleratorsPerCopy: s.acceleratorsPerCopy,
    memoryMbPerCopy: s.memoryMbPerCopy,
    copyCount: 1,
    tags: {},
  });
  const component = engine.realtime.components.get(RT_COMPONENT) as SimComponent;
  runWhile(engine, () => component.status !== 'InService');
  if (s.policy) await installRealtimePolicy(cloud, RT_COMPONENT, s.policy);
  return { ep, component };
}

function runWhile(engine: SimEngine, cond: () => boolean): void {
  while (cond()) {
    const next = engine.nextEventTime();
    if (!Number.isFinite(next)) throw new Error('internal: the simulated real-time endpoint never settled');
    engine.runUntil(next);
  }
}
