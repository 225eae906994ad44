// /api/v1/endpoints: what the store knows of each configured endpoint now, its policy, last probe.
// Read from the store only: answering must not cost AWS calls.
import type { Config } from '../config/load.js';
import { META, type Store } from '../store/index.js';
import type { ProbeResult } from '../store/probes.js';
import { componentCopiesKey } from '../telemetry/realtime.js';

export interface EndpointView {
  name: string;
  variant: string;
  instanceType: string;
  status: string;
  failureReason: string | null;
  instances: number | null;
  /** The tuner's latest recommendation (endpoints with a tune: block), or null. */
  tuneRecommendation: unknown;
  desiredInstances: number | null;
  observedAt: string | null;
  lastTransitionAt: string | null;
  policy: {
    preset: string;
    minCapacity: number;
    maxCapacity: number;
    targetBacklogPerInstance: number;
    wake: { periodSeconds: number; evaluationPeriods: number } | false;
    idle: { mode: string; minutes: number };
    keepWarm: { from: string; to: string; timezone: string; minCapacity: number }[];
  };
  lastProbe: {
    id: string;
    startedAt: string;
    finishedAt: string | null;
    cold: boolean;
    outcome: string;
    totalSeconds: number | null;
    errorMessage: string | null;
  } | null;
}

/** A realtime endpoint: its variant as telemetry last saw it, and each component's copies and probe. */
export interface RealtimeEndpointView {
  name: string;
  variant: string;
  instanceType: string;
  status: string;
  failureReason: string | null;
  instances: number | null;
  desiredInstances: number | null;
  observedAt: string | null;
  managedScaling: { minInstances: number; maxInstances: number };
  components: {
    name: string;
    componentName: string;
    /** Copies as last recorded (desired or placed); null before the first poll. */
    copies: number | null;
    scaling: { preset: string; minCopies: number; maxCopies: number };
    lastProbe: EndpointView['lastProbe'];
  }[];
}

interface StatusMeta {
  status?: string;
  instances?: number;
  desired?: number;
  failureReason?: string;
  observedAt?: number;
}

export async function endpointsView(
  store: Store,
  config: Pick<Config, 'endpoints'> & Partial<Pick<Config, 'realtimeEndpoints'>>,
): Promise<{
  lastPollAt: string | null;
  endpoints: EndpointView[];
  realtimeEndpoints: RealtimeEndpointView[];
}> {
  const lastPoll = await store.meta.getNumber(META.lastPollAt);
  const endpoints = await Promise.all(
    config.endpoints.map(async (e): Promise<EndpointView> => {
      const { hosting, lastTransitionAt } = await hostingView(store, e);
      const probe = await store.probes.latest(e.name);
      const s = e.scaling;
      return {
        ...hosting,
        lastTransitionAt,
        policy: {
          preset: s.preset,
          minCapacity: s.minCapacity,
          maxCapacity: s.maxCapacity,
          targetBacklogPerInstance: s.targetBacklogPerInstance,
          wake: s.wake,
          idle: s.idle,
          keepWarm: s.keepWarm,
        },
        tuneRecommendation: (await store.meta.getJson<unknown>(`tune.recommendation.${e.name}`)) ?? null,
        lastProbe: probeView(probe),
      };
    }),
  );
  const realtimeEndpoints = await Promise.all(
    (config.realtimeEndpoints ?? []).map(async (e): Promise<RealtimeEndpointView> => {
      const { hosting } = await hostingView(store, e);
      return {
        ...hosting,
        managedScaling: {
          minInstances: e.managedScaling.minInstances,
          maxInstances: e.managedScaling.maxInstances,
        },
        components: await Promise.all(
          e.components.map(async (c) => ({
            name: c.name,
            componentName: c.componentName,
            copies:
              (await store.instances.latest(e.name, componentCopiesKey(c.componentName)))?.count ?? null,
            scaling: {
              preset: c.scaling.preset,
              minCopies: c.scaling.minCopies,
              maxCopies: c.scaling.maxCopies,
            },
            // One row per component, not the endpoint's whole probe history.
            lastProbe: probeView(await store.probes.latest(e.name, c.componentName)),
          })),
        ),
      };
    }),
  );
  return { lastPollAt: lastPoll !== undefined ? iso(lastPoll) : null, endpoints, realtimeEndpoints };
}

/** What async and real-time endpoints show alike: the variant as telemetry last saw it. */
type HostingView = Pick<
  EndpointView,
  | 'name'
  | 'variant'
  | 'instanceType'
  | 'status'
  | 'failureReason'
  | 'instances'
  | 'desiredInstances'
  | 'observedAt'
>;

async function hostingView(
  store: Store,
  e: { name: string; variantName: string; instanceType: string },
): Promise<{ hosting: HostingView; lastTransitionAt: string | null }> {
  const st = (await store.meta.getJson<StatusMeta>(META.endpointStatus(e.name))) ?? {};
  const latest = await store.instances.latest(e.name, e.variantName);
  return {
    hosting: {
      name: e.name,
      variant: e.variantName,
      instanceType: e.instanceType,
      status: st.status ?? 'Unknown',
      failureReason: st.failureReason ?? null,
      instances: latest?.count ?? st.instances ?? null,
      desiredInstances: st.desired ?? null,
      observedAt: st.observedAt !== undefined ? iso(st.observedAt) : null,
    },
    lastTransitionAt: latest ? iso(latest.at) : null,
  };
}

function probeView(probe: ProbeResult | undefined): EndpointView['lastProbe'] {
  return probe
    ? {
        id: probe.id,
        startedAt: iso(probe.startedAt),
        finishedAt: probe.finishedAt !== undefined ? iso(probe.finishedAt) : null,
        cold: probe.cold,
        outcome: probe.outcome,
        totalSeconds: probe.totalS ?? null,
        errorMessage: probe.errorMessage ?? null,
      }
    : null;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
