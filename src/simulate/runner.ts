// The simulated endpoint a replay runs: its settings, and its provisioning through the Cloud port with
// sagezero's own scaling builder and installer, so a simulation runs exactly the resources `sagezero
// apply` would create on AWS. The replay loop itself is src/simulate/replay.ts; requests go through the
// engine's synchronous fast path (no Promise per request).
import type { BootDistribution } from '../cloud/sim/boot.js';
import type { SimEngine, SimOptions } from '../cloud/sim/engine.js';
import type { SimEndpoint } from '../cloud/sim/entities.js';
import type { SimCloud } from '../cloud/sim/sim-cloud.js';
import type { EndpointConfig } from '../config/load.js';
import { resolveScaling } from '../config/scaling-schema.js';
import { ownerTags } from '../ownership.js';
import { buildScalingResources } from '../scaling/build.js';
import { installScalingResources } from '../scaling/install.js';
import type { Policy } from './policies.js';

export interface SimulationSettings {
  instanceType: string;
  region: string;
  boot: BootDistribution;
  seed: number;
  /** MaxConcurrentInvocationsPerInstance. */
  concurrency: number;
  /** Service time for requests the trace gives none for. */
  defaultServiceSeconds: number;
  requestTtlSeconds: number;
  invocationTimeoutSeconds: number;
  /** Midnight UTC (epoch ms) of the simulated day; the trace starts at its time of day. */
  dayStart: number;
  /**
   * Simulator timing options (metric delay, alarm evaluation offset, ...) beyond the defaults, e.g.
   * those fitted by `sagezero calibrate` (src/calibrate/); the replay passes them to the region.
   */
  simOptions?: Partial<Omit<SimOptions, 'startTime' | 'boot' | 'seed' | 'region'>>;
}

export const DEFAULT_SETTINGS: Omit<SimulationSettings, 'boot'> = {
  instanceType: 'ml.g5.12xlarge',
  region: 'us-east-1',
  seed: 1,
  concurrency: 1,
  defaultServiceSeconds: 10,
  requestTtlSeconds: 21_600,
  invocationTimeoutSeconds: 3600,
  // A Monday, so weekday keep-warm windows apply.
  dayStart: Date.UTC(2026, 0, 5),
};

export const SIM_ENDPOINT = 'sim-endpoint';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

/** The EndpointConfig sagezero would load for this simulated endpoint. */
export function simEndpointConfig(policy: Policy, s: SimulationSettings): EndpointConfig {
  const scaling = policy.kind === 'scaling' ? policy.scaling : resolveScaling(undefined);
  return {
    name: SIM_ENDPOINT,
    variantName: 'AllTraffic',
    model: { image: 'sagezero/simulated-model:latest', environment: {} },
    executionRoleArn: ROLE,
    instanceType: s.instanceType,
    initialInstanceCount: policy.kind === 'always-on' ? policy.instances : 1,
    async: { maxConcurrentInvocationsPerInstance: s.concurrency },
    tags: {},
    scaling,
  };
}

/** Creates the endpoint and installs the policy; returns when the policy is in place. */
export async function provisionEndpoint(
  engine: SimEngine,
  cloud: SimCloud,
  policy: Policy,
  s: SimulationSettings,
): Promise<SimEndpoint> {
  const ec = simEndpointConfig(policy, s);
  const bucket = `s3://sagemaker-${s.region}-${engine.opts.accountId}`;
  await cloud.createModel({
    name: 'sim-model',
    image: 'sagezero/simulated-model:latest',
    environment: {},
    executionRoleArn: ROLE,
    tags: {},
  });
  await cloud.createEndpointConfig({
    name: 'sim-config',
    modelName: 'sim-model',
    variantName: ec.variantName,
    instanceType: ec.instanceType,
    initialInstanceCount: ec.initialInstanceCount,
    async: {
      outputPath: `${bucket}/async-endpoint-outputs/${ec.name}`,
      failurePath: `${bucket}/async-endpoint-failures/${ec.name}`,
      maxConcurrentInvocationsPerInstance: s.concurrency,
    },
    tags: {},
  });
  await cloud.createEndpoint(ec.name, 'sim-config', {});
  const ep = engine.endpoint(ec.name);
  while (ep.status !== 'InService') {
    const next = engine.nextEventTime();
    if (!Number.isFinite(next)) throw new Error('internal: the simulated endpoint never became InService');
    engine.runUntil(next);
  }
  if (policy.kind === 'scaling') {
    await installScalingResources(cloud, buildScalingResources(ec, ownerTags('simulate', ec.name)));
  }
  return ep;
}
