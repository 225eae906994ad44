// The cost report's shape: JSON as served by /api/v1/report and `sagezero report --json`.
import type { BillingSection } from './billing-reconcile.js';
import type { PriceSource } from './prices.js';

export interface Percentiles {
  p50: number;
  p95: number;
  /** Samples behind the percentiles. */
  samples: number;
  /** Of those, measured end to end by cold probes. */
  measured: number;
  /** Of those, estimated from ApproximateAgeOfOldestRequest around a wake. */
  estimated: number;
}

export interface ColdStarts {
  /** Wakes: transitions from zero instances to some, inside the window. */
  count: number;
  /** Wakes caused by a cold probe alone. */
  byProbes: number;
  timeToFirstResultSeconds: Percentiles | null;
  /** Samples per bucket; `upToSeconds` null for the last, open bucket. */
  histogram: { upToSeconds: number | null; count: number }[];
}

export interface SeriesPoint {
  start: string;
  end: string;
  instanceHours: number;
  avgInstances: number;
  maxInstances: number;
  spendUsd: number | null;
  baselineUsd: number | null;
  cumulativeSpendUsd: number | null;
  cumulativeBaselineUsd: number | null;
}

export interface CostFigures {
  instanceHours: number;
  gpuHours: number | null;
  spendUsd: number | null;
  baseline: { instanceHours: number; spendUsd: number | null };
  savingsUsd: number | null;
  savingsPercent: number | null;
  coldStarts: ColdStarts;
  probes: { instanceHours: number; spendUsd: number | null; wakes: number };
  series?: SeriesPoint[];
}

export interface EndpointReport extends CostFigures {
  name: string;
  variant: string;
  instanceType: string;
  gpusPerInstance: number | null;
  baselineInstances: number;
  price: {
    usdPerHour: number | null;
    source: PriceSource | null;
    detail: string;
    /** Prices in force during the window when more than one was. */
    changes: { from: string | null; usdPerHour: number; source: PriceSource }[];
  };
  /** Time of the first instance-count record, if any. */
  historyStart: string | null;
  /**
   * The endpoint's life as sagezero knows it: the always-on baseline (and spend) cover only this
   * time inside the window. null: no history at all (baseline 0). See docs/COST-METHOD.md.
   */
  life: EndpointLife | null;
  /** Present on `kind: realtime` endpoints only (so async endpoints' JSON is unchanged). */
  kind?: 'realtime';
  /** Real-time endpoints: the components' shares of the instance-hours, and their cold starts. */
  realtime?: RealtimeEndpointReport;
}

/**
 * A real-time endpoint's components. The endpoint's instance-hours are the bill (AWS bills the
 * variant's instances); these shares allocate them, and with `unattributed` they sum to it exactly.
 * See src/cost/realtime-share.ts for the rules.
 */
export interface RealtimeEndpointReport {
  /** How the always-on baseline's instance count was reached. */
  baselineBasis: string;
  /** What a copy weighs in the shares: its accelerators, or its memory. */
  sharedBy: 'accelerators' | 'memory';
  /** Instance-hours before any copy was recorded (not allocated to a component). */
  unattributedInstanceHours: number;
  unattributedSpendUsd: number | null;
  components: RealtimeComponentReport[];
}

export interface RealtimeComponentReport {
  /** The component's name in the config. */
  name: string;
  /** The SageMaker InferenceComponentName. */
  componentName: string;
  instanceHoursShare: number;
  spendShareUsd: number | null;
  coldStarts: {
    /** Copy wakes: the component's copies going from zero to some, inside the window. */
    count: number;
    /** Cold probes of the component started in the window. */
    probes: number;
    /** From cold probes that succeeded (start to first answer, retries included). */
    timeToFirstResultSeconds: Percentiles | null;
    /** Mean refused invocations per cold probe that succeeded; null without one. */
    failedInvocationsPerWake: number | null;
  };
}

/**
 * When the endpoint existed. Telemetry records its CreationTime when it was created within the six
 * weeks scaling activities reach back; an endpoint adopted later starts at the first record
 * sagezero has of it. A poll that finds it gone ends it.
 */
export interface EndpointLife {
  start: string;
  /** 'created': the endpoint's CreationTime; 'first-record': sagezero's first record of it. */
  startSource: 'created' | 'first-record';
  /** When a poll found the endpoint deleted; null while it exists. */
  end: string | null;
  endSource: 'deleted' | null;
  /**
   * Stretches between a deletion and a re-creation under the same name, left out of the baseline
   * (empty for an endpoint that was never re-created).
   */
  absent: { start: string; end: string }[];
}

export interface ReportGap {
  /**
   * The endpoint that went unpolled. null: a gap recorded before gaps were kept per endpoint; it
   * stands for all endpoints, and its count is one endpoint's (a lower bound).
   */
  endpoint: string | null;
  /** Clipped to the window. */
  start: string;
  end: string;
  /** Transitions this endpoint's backfill after the gap recovered from scaling activities. */
  backfilledTransitions: number;
}

export interface CostReport {
  project: string;
  region: string;
  cloud: string;
  currency: 'USD';
  generatedAt: string;
  window: { start: string; end: string; hours: number; step: string | null };
  endpoints: EndpointReport[];
  total: CostFigures;
  /** Stretches with no telemetry poll inside the window, one per endpoint (by start, then endpoint). */
  gaps: ReportGap[];
  /** Transitions recovered from scaling activities in `gaps`: the sum over every gap and endpoint. */
  backfilledTransitions: number;
  /**
   * The newest stored calibration of each endpoint that has one (`sagezero calibrate`): simulated
   * against observed instance-hours over the calibration's own window, and whether they agree.
   * Absent when no endpoint has been calibrated.
   */
  calibration?: ReportCalibration[];
  /**
   * Estimate against the bill per UTC day and endpoint (pricing.billing: cost-explorer; absent when
   * off). See src/cost/billing-reconcile.ts.
   */
  billing?: BillingSection;
  warnings: string[];
}

export interface ReportCalibration {
  endpoint: string;
  madeAt: string;
  window: { start: string; end: string };
  observedInstanceHours: number;
  predictedInstanceHours: number;
  /** (predicted - observed) / observed x 100; null when nothing was observed. */
  differencePercent: number | null;
  agrees: boolean;
  /** Fitted boot (lognormal) and alarm delay (s). */
  bootMedianSeconds: number;
  bootSigma: number;
  alarmDelaySeconds: number;
  samples: { probes: number; scaleOuts: number; wakes: number; scaleIns: number };
}
