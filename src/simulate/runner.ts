// Replays one trace endpoint through a fresh simulated region under one policy. The endpoint is
// provisioned and its policy installed through the Cloud port with sagezero's own scaling builder and
// installer, so the simulation runs exactly the resources `sagezero apply` would create on AWS; the
// requests then go through the engine's synchronous fast path (no Promise per request).
//
// Timeline: the endpoint is created an hour before the trace starts and the policy installed as soon
// as it is InService, so at the trace start each policy is in its own idle steady state (the presets
// have scaled to zero, always-on is running). Billing counts instance time inside the trace window
// [start, end); requests still queued or running at the end are reported as still queued.
import type { BootDistribution } from '../cloud/sim/boot.js';
import type { SimEngine } from '../cloud/sim/engine.js';
import type { SimEndpoint } from '../cloud/sim/entities.js';
import { RequestPool } from '../cloud/sim/requests.js';
import { createDrivenSimCloud, type SimCloud } from '../cloud/sim/sim-cloud.js';
import type { EndpointConfig } from '../config/load.js';
import { resolveScaling } from '../config/scaling-schema.js';
import { ownerTags } from '../ownership.js';
import { buildScalingResources } from '../scaling/build.js';
import { installScalingResources } from '../scaling/install.js';
import type { Policy } from './policies.js';
import { endpointDuration, type Trace, type TraceEndpoint } from './traces/types.js';

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
  /** Keep each request's service start and duration (for the oracle property test). */
  recordSpans?: boolean;
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

export interface EndpointRun {
  id: string;
  requests: number;
  completed: number;
  expired: number;
  failed: number;
  stillQueued: number;
  instanceSeconds: number;
  coldStarts: number;
  scaleOuts: number;
  scaleIns: number;
  /** Time to result (s) of each completed request. */
  ttr: Float32Array;
  /** Service start (s from the window start) and duration (s) of each started request, when recorded. */
  spans?: { starts: Float64Array; durations: Float64Array };
  events: number;
}

const SIM_ENDPOINT = 'sim-endpoint';

// Endpoints are simulated one after another, so their engines can share one set of request arrays
// instead of growing (and garbage-collecting) a new one per endpoint.
const sharedPool = new RequestPool();
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

export async function simulateEndpoint(
  trace: Trace,
  te: TraceEndpoint,
  policy: Policy,
  s: SimulationSettings,
): Promise<EndpointRun> {
  const t0 = s.dayStart + trace.startOfDaySeconds * 1000;
  const { engine, cloud } = createDrivenSimCloud(
    {
      region: s.region,
      seed: s.seed,
      boot: s.boot,
      startTime: t0 - 3_600_000,
      metricCapacityMinutes: Math.ceil(endpointDuration(trace, te) / 60) + 64,
    },
    undefined,
    sharedPool,
  );
  const ep = await provisionEndpoint(engine, cloud, policy, s);
  engine.runUntil(t0);
  engine.record(ep, s.recordSpans === true);
  const before = { coldStarts: ep.coldStarts, scaleOuts: ep.scaleOuts, scaleIns: ep.scaleIns };

  const arrivals = te.arrivals;
  const service = te.service;
  const n = arrivals.length;
  const defaultMs = s.defaultServiceSeconds * 1000;
  const ttlMs = s.requestTtlSeconds * 1000;
  const timeoutMs = s.invocationTimeoutSeconds * 1000;
  const end = t0 + endpointDuration(trace, te) * 1000;
  const eventsBefore = engine.eventsProcessed;
  for (let i = 0; i < n; i++) {
    const t = t0 + (arrivals[i] as number) * 1000;
    if (t >= end) break;
    engine.runUntil(t);
    engine.submit(ep, service ? (service[i] as number) * 1000 : defaultMs, ttlMs, timeoutMs);
  }
  engine.runUntil(end);

  const rec = ep.record;
  const run: EndpointRun = {
    id: te.id,
    requests: n,
    completed: ep.completed,
    expired: ep.expired,
    failed: ep.failed,
    stillQueued: ep.queue.size + ep.inFlight,
    instanceSeconds: engine.billedMs(ep, t0, end) / 1000,
    coldStarts: ep.coldStarts - before.coldStarts,
    scaleOuts: ep.scaleOuts - before.scaleOuts,
    scaleIns: ep.scaleIns - before.scaleIns,
    ttr: rec ? rec.ttr.view().slice() : new Float32Array(0),
    events: engine.eventsProcessed - eventsBefore,
  };
  if (rec?.starts && rec.durations) {
    run.spans = {
      starts: rec.starts.view().map((x) => (x - t0) / 1000),
      durations: rec.durations.view().map((x) => x / 1000),
    };
  }
  return run;
}
