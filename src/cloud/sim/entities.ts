// The simulated region's resources. Plain data (plus typed arrays for the hot parts) so a snapshot is
// a straightforward copy; behaviour lives in the engine and its services.
import type {
  AlarmSpec,
  AlarmStateValue,
  EndpointConfigState,
  EndpointStatus,
  ModelState,
  ScalableTargetState,
  ScalingActivity,
  ScalingPolicySpec,
  ScheduledActionSpec,
  Tags,
} from '../types.js';
import type { Compiled } from './expr.js';
import type { MetricSeries } from './metrics.js';
import { RingQueue } from './requests.js';

export const INST_BOOTING = 0;
export const INST_READY = 1;
export const INST_DRAINING = 2;
export const INST_TERMINATED = 3;

export interface SimInstance {
  id: number;
  endpoint: number;
  launchedAt: number;
  readyAt: number;
  /** NaN while running. */
  terminatedAt: number;
  state: number;
  busy: number;
  /** Which endpoint config the instance runs (a rolling update brings up a new fleet). */
  configName: string;
}

/** Growable Float32 array for per-request results the trace runner asks for. */
export class F32List {
  data = new Float32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }

  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}

export class F64List {
  data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** What the trace runner records per finished request (only when asked: it costs memory). */
export interface RequestRecord {
  /** Time to result (s) of each completed request. */
  ttr: F32List;
  /** Service start (ms) and service duration (ms) of each completed or failed request. */
  starts?: F64List;
  durations?: F64List;
}

export interface EndpointSeries {
  backlog: MetricSeries;
  backlogPerInstance: MetricSeries;
  oldestAge: MetricSeries;
  withoutCapacity: MetricSeries;
  processed: MetricSeries;
  timeInBacklog: MetricSeries;
  processingTime: MetricSeries;
  failures: MetricSeries;
  expired: MetricSeries;
}

export class SimEndpoint {
  status: EndpointStatus = 'Creating';
  failureReason?: string;
  lastModifiedAt: number;
  variantName: string;
  instanceType: string;
  concurrency: number;
  outputPath: string;
  failurePath?: string;
  desired: number;
  instances: SimInstance[] = [];
  /** Instances not yet terminated, in launch order. */
  live: SimInstance[] = [];
  readyCount = 0;
  bootingCount = 0;
  freeSlots = 0;
  queue = new RingQueue();
  inFlight = 0;
  expiryEventAt = Infinity;
  /** Set while an UpdateEndpoint rolls out a new config. */
  updatingTo?: string;
  goneAt = Infinity;
  /** A real-time endpoint whose models are inference components (realtime.ts), not an async one. */
  realtime = false;

  /**
   * First minute of the current stretch of "idle at zero" datapoints (no backlog, no instance, no
   * activity), or -1. Alarms whose whole window lies in such a stretch see the same values again.
   */
  quietSince = -1;

  // Counters for the minute being accumulated.
  mProcessed = 0;
  mStarted = 0;
  mTibSum = 0;
  mTibMin = Infinity;
  mTibMax = -Infinity;
  mPtSum = 0;
  mPtMin = Infinity;
  mPtMax = -Infinity;
  mFailures = 0;
  mExpired = 0;

  // Totals since creation.
  completed = 0;
  expired = 0;
  failed = 0;
  coldStarts = 0;
  scaleOuts = 0;
  scaleIns = 0;
  launches = 0;

  record?: RequestRecord;
  series?: EndpointSeries;

  constructor(
    readonly idx: number,
    readonly name: string,
    readonly arn: string,
    public configName: string,
    readonly tags: Tags,
    readonly createdAt: number,
    config: EndpointConfigState,
    readonly modelName: string,
  ) {
    this.lastModifiedAt = createdAt;
    this.variantName = config.variantName;
    this.instanceType = config.instanceType;
    this.desired = config.initialInstanceCount;
    if (config.kind === 'realtime') {
      // Real-time instances take no async requests (no slots, no queue): their inference components'
      // copies serve, see realtime.ts.
      this.realtime = true;
      this.concurrency = 0;
      this.outputPath = '';
      return;
    }
    this.concurrency = config.async.maxConcurrentInvocationsPerInstance ?? 1;
    this.outputPath = config.async.outputPath;
    this.failurePath = config.async.failurePath;
  }

  get resourceId(): string {
    return `endpoint/${this.name}/variant/${this.variantName}`;
  }
}

export interface SimTarget extends ScalableTargetState {
  arn: string;
}

export interface SimPolicy {
  spec: ScalingPolicySpec;
  arn: string;
  alarmNames: string[];
  createdAt: number;
  lastScaleInAt: number;
  lastScaleOutAt: number;
  /** Step scaling: the cooldown runs until this time; scale-outs in it are measured from cooldownBase. */
  cooldownUntil: number;
  cooldownBase: number;
}

export interface SimScheduledAction {
  spec: ScheduledActionSpec;
  arn: string;
  createdAt: number;
  nextAt: number;
  /** Bumped on every put/delete so an already queued fire event can tell it is stale. */
  version: number;
}

export interface SimAlarm {
  spec: AlarmSpec;
  arn: string;
  stateValue: AlarmStateValue;
  stateUpdatedAt: number;
  /** Compiled expressions of a metric-math alarm, by query id. */
  compiled?: Map<string, Compiled>;
  /** Resolved metric series per query (index 0 for a single-metric alarm), filled once they exist. */
  series?: (MetricSeries | undefined)[];
  /** The endpoint (EndpointName dimension) whose metrics the alarm reads, if any. */
  endpointName?: string;
  /** Values of the last evaluation, and the quiet stretch they were computed in (-1: not quiet). */
  lastValues?: Float64Array;
  quietFrom?: number;
  /** Set for the alarms Application Auto Scaling owns for a target-tracking policy. */
  targetTracking?: { policyArn: string; role: 'high' | 'low' };
}

/**
 * A scaling activity as the region keeps it: the cause without its "At <start time>" prefix (added on
 * read, activityCause), so the text is one string shared by every activity with the same cause rather
 * than a ~200-character string per activity (a week of activities for 100 endpoints is ~20,000).
 */
export type SimActivity = Omit<ScalingActivity, 'cause'> & { causeText: string; endpoint?: string };

/** The cause DescribeScalingActivities gives: "At <start time, ISO 8601> <what happened>." */
export function activityCause(a: Pick<SimActivity, 'startTime' | 'causeText'>): string {
  return `At ${new Date(a.startTime).toISOString()} ${a.causeText}.`;
}

/** The inverse of activityCause, for activities read back from a saved region. */
export function causeText(a: Pick<ScalingActivity, 'startTime' | 'cause'>): string {
  const prefix = `At ${new Date(a.startTime).toISOString()} `;
  return a.cause.startsWith(prefix) && a.cause.endsWith('.') ? a.cause.slice(prefix.length, -1) : a.cause;
}

export type SimModel = ModelState;
export type SimEndpointConfig = EndpointConfigState;
