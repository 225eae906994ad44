// What `sagezero audit` finds out about each endpoint of a region, and the report it prints.
import type { ScalingActivity } from '../cloud/types.js';

/** async; classic real-time (a model on the variant); real-time whose models are inference components. */
export type EndpointKind = 'async' | 'realtime' | 'realtime-components';

export interface ScalingSummary {
  /** A scalable target is registered (on the variant; for components, on every component). */
  target: boolean;
  minCapacity: number | null;
  maxCapacity: number | null;
  /** Names of the scaling policies found. */
  policies: string[];
  /** It can go to zero instances and come back when work arrives. */
  reachesZero: boolean;
  /** Why it can or cannot, in a few words. */
  detail: string;
}

/** One endpoint as the control plane describes it (no metrics yet). */
export interface InventoryEntry {
  name: string;
  status: string;
  kind: EndpointKind;
  /** Carries sagezero's ownership tag. */
  managedBySagezero: boolean;
  variantName: string;
  instanceType: string;
  /** Instances in service now. */
  instanceCount: number;
  /** The endpoint config's InitialInstanceCount (the count at creation). */
  initialInstanceCount: number;
  createdAt: number;
  /** MaxConcurrentInvocationsPerInstance (async); 1 where the endpoint does not say. */
  concurrency: number;
  scaling: ScalingSummary;
  /** The variant's scaling activities from the window start on (instance count history). */
  activities: ScalingActivity[];
  /** When activities were read from (activities before it are unknown). */
  activitiesSince: number;
  notes: string[];
}

/** Per-minute CloudWatch values over the audit window (NaN: no datapoint that minute). */
export interface EndpointMinutes {
  /** Minute-aligned start of index 0 (ms). */
  start: number;
  minutes: number;
  series: Record<string, Float64Array>;
  /** Datapoints CloudWatch returned for this endpoint, all metrics together. */
  datapoints: number;
}

export interface IdleFigures {
  /** Minutes of the endpoint's life inside the window. */
  minutes: number;
  /** Minutes with no request arriving, queued or processed. */
  idleMinutes: number;
  /** idleMinutes / minutes; null for an endpoint with no whole minute in the window. */
  share: number | null;
}

export interface PriceFigure {
  usdPerHour: number | null;
  /** Where it came from, or why there is none. */
  source: string;
}

export interface RecommendationFigures {
  /** The scaling policy in a few words, and as the `scaling:` block to write in sagezero.yaml. */
  policy: string;
  yaml: string;
  /** Drained replay of the reconstructed traffic under the policy (every request billed to its end). */
  instanceHours: number;
  costUsd: number | null;
  p95TimeToResultSeconds: number | null;
  unserved: number;
  coldStarts: number;
  meetsObjective: boolean;
  /** The cheapest schedule serving every request within the objective's time to result. */
  deadlineOptimum: { instanceHours: number; costUsd: number | null; exact: boolean };
}

export interface EndpointAudit {
  name: string;
  status: string;
  kind: EndpointKind;
  managedBySagezero: boolean;
  instanceType: string;
  instanceCount: number;
  scaling: ScalingSummary;
  /** The part of the audit window the endpoint existed in. */
  window: { start: string; end: string };
  traffic: IdleFigures & {
    /** Requests rebuilt from the metrics (arrivals). */
    requests: number;
    datapoints: number;
    /** Mean processing seconds per request, from the metrics; null when nothing was processed. */
    serviceSeconds: number | null;
  };
  price: PriceFigure;
  current: { instanceHours: number; costUsd: number | null };
  recommended: RecommendationFigures | null;
  /** current cost - recommended cost; null when either is unknown. */
  leftOnTableUsd: number | null;
  notes: string[];
}

export interface AuditReport {
  region: string;
  window: { start: string; end: string; since: string };
  objective: { p95TimeToResultSeconds: number; maxExpired: number };
  /** GetMetricData calls made to read the window. */
  metricCalls: number;
  /** Most money left on the table first. */
  endpoints: EndpointAudit[];
}
