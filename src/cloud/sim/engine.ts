// The simulated region's heart: a synchronous discrete-event loop in virtual time. It owns the data
// plane (async queues, instances, billing, the per-minute CloudWatch datapoints) and delegates the
// control plane to its services (SageMaker hosting, Application Auto Scaling, CloudWatch alarms).
// Everything is deterministic for a seed; the Cloud port (SimCloud) is a thin async wrapper and the
// trace runner drives runUntil()/submit() directly so a replay never allocates a Promise per request.
import { CloudError } from '../types.js';
import { AutoScaling } from './autoscaling.js';
import { drawBootMs, type BootDistribution, defaultBoot } from './boot.js';
import { CloudWatch } from './cloudwatch.js';
import {
  INST_BOOTING,
  INST_DRAINING,
  INST_READY,
  INST_TERMINATED,
  type SimEndpoint,
  type SimInstance,
  type EndpointSeries,
  F32List,
  F64List,
} from './entities.js';
import { EventHeap } from './heap.js';
import { DEFAULT_METRIC_RETENTION_MINUTES, MetricStore, MINUTE_MS } from './metrics.js';
import { REQ_QUEUED, REQ_RUNNING, RequestPool } from './requests.js';
import { Realtime, type RealtimeOptions } from './realtime.js';
import { Rng } from './rng.js';
import { SageMaker } from './sagemaker.js';
import type { ScaleInDamping } from './scaling-math.js';

export const EV_COMPLETE = 1;
export const EV_BOOT = 2;
export const EV_EXPIRY = 3;
export const EV_SNAPSHOT = 4;
export const EV_EVAL = 5;
export const EV_SCHEDULED = 6;
export const EV_ENDPOINT = 7;
export const EV_SAMPLE = 8;
export const EV_REALTIME = 9;

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';

export interface SimOptions {
  region: string;
  accountId: string;
  seed: number;
  /** Virtual time (ms since the epoch) the region starts at. */
  startTime: number;
  boot: BootDistribution;
  /**
   * Publication delay: a minute's datapoint becomes visible (to alarms and GetMetricData) this long
   * after the minute ends. Default 60 s, ASSUMED: AWS documents no delivery latency for SageMaker's
   * metrics, only that alarms "evaluate metrics based on the datapoints that are immediately
   * available" and that samples published later change the aggregate (AWS Knowledge Center, "Why did
   * my CloudWatch alarm trigger when its metric doesn't have any breaching data points?",
   * https://repost.aws/knowledge-center/cloudwatch-trigger-metric). Evidence for about a minute or more:
   * a 1-of-1 one-minute ALB alarm changing state ~3 min after the breaching minute ended
   * (stackoverflow.com/questions/64045238); "CloudWatch metrics for most AWS services are published with
   * a 1-5 minute latency" (grafana/alloy#6518, default delay 120 s); a SageMaker endpoint's 3-of-3
   * invocations alarm scaling out >5 min after the metric rose (repost.aws/questions/QUf450Wsd9RROGGOIwaolN9w);
   * an async-endpoint user reporting 0->1 detection + scale-up in about 2-3 minutes. 60 s (with the
   * 30 s evaluation offset) puts a 2-of-2 wake 2.5-3.5 min after a lone arrival; 120 s would put it past
   * that last report. See docs/SIMULATOR.md.
   */
  metricDelaySeconds: number;
  /**
   * When, after each minute boundary, alarms are evaluated (default 30 s, in [1, 59]). CloudWatch
   * evaluates an alarm with a 60 s period once a minute (documented: "Using Amazon CloudWatch alarms");
   * the second within the minute is not documented (ASSUMED).
   */
  alarmEvaluationOffsetSeconds: number;
  /**
   * Samples per minute of the gauge metrics (ApproximateBacklogSize, ApproximateBacklogSizePerInstance,
   * ApproximateAgeOfOldestRequest, HasBacklogWithoutCapacity): each minute's datapoint is the statistic
   * set of that many samples, taken every 60/n s, the last at the minute's end. Default 1, ASSUMED:
   * SageMaker documents 1-minute resolution for these metrics but not how often it samples the queue;
   * its per-instance metrics carry one sample per instance per minute (SampleCount per minute = instance
   * count, "Troubleshooting" in the SageMaker async inference guide), so one sample is the analogy.
   * With n > 1 an Average alarm sees partial minutes as fractions (a lone request arriving mid-minute
   * makes HasBacklogWithoutCapacity's Average < 1 for that minute).
   */
  metricSamplesPerMinute: number;
  /**
   * Damping of target tracking's scale-in beyond the documented proportional capacity: 'none' (default,
   * documented) or 'ten-percent' (assumed; see scaling-math.ts).
   */
  scaleInDamping: ScaleInDamping;
  /**
   * Whether HasBacklogWithoutCapacity stays 1 while the first instance boots (default true: UNVERIFIED).
   * AWS defines it as a backlog with no instance behind the endpoint, without saying whether a booting
   * instance counts. With true, a wake policy whose cooldown is shorter than the boot fires again and
   * launches a second instance (DESIGN.md, "AWS facts"); false models the metric ignoring the backlog
   * while capacity is launching.
   */
  backlogWithoutCapacityWhileBooting: boolean;
  /**
   * A scheduled action whose capacity change SageMaker refuses (endpoint Updating) is retried this often
   * until the capacity is inside the new range (default 60 s; 0 = never). ASSUMED: AWS documents no
   * retry; see autoscaling.ts.
   */
  scheduledActionRetrySeconds: number;
  /** How long a deleted endpoint stays in Deleting (default 30 s). */
  deleteSeconds: number;
  /** Processing time of a request sent through the port (default 5 s). */
  serviceSeconds: (invocation: { endpointName: string; inputBytes: number }) => number;
  /**
   * Minutes the simulated CloudWatch keeps one-minute datapoints (default 240: sagezero's telemetry
   * reads at most the last 3 hours). The store also keeps the longest alarm's evaluation range. A
   * query for an older minute returns no datapoint, as CloudWatch does past its own retention (15
   * days on AWS): see metrics.ts.
   */
  metricRetentionMinutes: number;
  /** Minutes of datapoints each metric series has room for before it grows (up to the retention). */
  metricCapacityMinutes: number;
  /**
   * Days of scaling activities the region keeps (default 7). AWS keeps six weeks
   * (DescribeScalingActivities "provides descriptive information about the scaling activities in the
   * specified namespace from the previous six weeks", Application Auto Scaling API Reference); at a few
   * dozen activities per endpoint per day, six weeks for a hundred endpoints is over 100,000 records.
   * What reads them: telemetry's backfill after a gap (src/telemetry/poll.ts asks up to six weeks
   * back; on sim it finds at most this many days), its
   * refinement (the last poll minus 2 h) and the probe (its start minus 1 h). On `cloud: sim` the region
   * lives and dies with the process that polls it, so a longer gap cannot happen within one region.
   * See docs/SIMULATOR.md, "What the region keeps".
   */
  activityRetentionDays: number;
  /**
   * Hours an async result object the region wrote (the OutputLocation / FailureLocation of an
   * invocation) stays in the simulated S3 before it expires (default 24), as under an S3 Lifecycle
   * expiration rule (Amazon S3 User Guide, "Expiring objects"; rules count whole days, so one day is the
   * shortest real rule). S3 itself keeps objects until deleted; sagezero's probe reads its output within
   * its timeout and then deletes it, so only outputs nobody collected expire. Objects written through
   * PutObject never expire.
   */
  asyncOutputRetentionHours: number;
  /**
   * Hours a terminated instance's record stays (default 24): nothing in the AWS API lists terminated
   * instances; the record only serves billedMs() and tests looking at recent launches. Endpoints whose
   * results are recorded (record(): the trace runner, which bills whole traces) keep every record.
   */
  instanceHistoryHours: number;
  /** Real-time endpoints' inference components (realtime.ts): model load time, requests per copy. */
  realtime?: Partial<RealtimeOptions>;
}

export function simOptions(partial: Partial<SimOptions> & { startTime: number }): SimOptions {
  return {
    region: 'us-east-1',
    accountId: '123456789012',
    seed: 1,
    boot: defaultBoot(480),
    metricDelaySeconds: 60,
    alarmEvaluationOffsetSeconds: 30,
    metricSamplesPerMinute: 1,
    scaleInDamping: 'none',
    backlogWithoutCapacityWhileBooting: true,
    scheduledActionRetrySeconds: 60,
    deleteSeconds: 30,
    serviceSeconds: () => 5,
    metricRetentionMinutes: DEFAULT_METRIC_RETENTION_MINUTES,
    metricCapacityMinutes: 256,
    activityRetentionDays: 7,
    asyncOutputRetentionHours: 24,
    instanceHistoryHours: 24,
    ...partial,
  };
}

/** An object in the simulated S3; `expiresAt` is set on the result objects the region writes. */
export interface SimObject {
  body: Uint8Array;
  contentType?: string;
  expiresAt?: number;
}

/** What a request sent through the port carries besides its timing. */
export interface PortRequest {
  inferenceId: string;
  inputLocation: string;
  outputLocation: string;
  failureLocation?: string;
  failReason?: string;
}

export class SimEngine {
  readonly opts: SimOptions;
  now: number;
  readonly heap = new EventHeap();
  readonly pool: RequestPool;
  readonly metrics: MetricStore;
  readonly sagemaker: SageMaker;
  readonly aas: AutoScaling;
  readonly cw: CloudWatch;
  readonly realtime: Realtime;
  bootRng: Rng;
  idRng: Rng;
  /**
   * Randomness the region hands to sagezero's own client code running against it (the jitter of
   * probe polling): drawn from the seed like everything else, so a seeded run repeats exactly.
   */
  jitterRng: Rng;
  readonly endpoints = new Map<string, SimEndpoint>();
  readonly endpointByIdx: (SimEndpoint | undefined)[] = [];
  /** Running instances and those terminated within SimOptions.instanceHistoryHours, in launch order. */
  readonly instances: SimInstance[] = [];
  /** The same instances by id (ids are never reused). */
  readonly instanceById = new Map<number, SimInstance>();
  nextInstanceId = 0;
  readonly s3 = new Map<string, SimObject>();
  /** Result objects the region wrote, in write order, until they expire (asyncOutputRetentionHours). */
  readonly s3Expiry: { uri: string; at: number }[] = [];
  private s3ExpiryHead = 0;
  readonly portRequests = new Map<number, PortRequest>();
  eventsProcessed = 0;
  requestsSubmitted = 0;
  private lastTrimMinute = 0;
  private lastTrimHour = 0;
  private readonly samplesPerMinute: number;
  /** Interval between gauge samples (ms); a whole minute when there is one sample per minute. */
  private readonly sampleStepMs: number;
  /** Per endpoint (by idx): the gauge samples taken so far this minute, before the one at its end. */
  private readonly gaugeAcc: (GaugeAcc | undefined)[] = [];

  /** `pool` lets a caller that runs many engines one after another reuse the request arrays. */
  constructor(opts: SimOptions, pool?: RequestPool) {
    this.opts = opts;
    this.pool = pool ?? new RequestPool();
    this.pool.reset();
    this.now = opts.startTime;
    this.samplesPerMinute = Math.min(60, Math.max(1, Math.floor(opts.metricSamplesPerMinute)));
    this.sampleStepMs = Math.floor(MINUTE_MS / this.samplesPerMinute);
    this.metrics = new MetricStore(
      opts.metricDelaySeconds * 1000,
      opts.metricRetentionMinutes,
      opts.metricCapacityMinutes,
    );
    this.bootRng = Rng.derive(opts.seed, 'boot');
    this.idRng = Rng.derive(opts.seed, 'ids');
    this.jitterRng = Rng.derive(opts.seed, 'client-jitter');
    this.sagemaker = new SageMaker(this);
    this.aas = new AutoScaling(this);
    this.cw = new CloudWatch(this);
    this.realtime = new Realtime(this);
    this.scheduleTicks();
  }

  /** Queues the per-minute datapoint and alarm-evaluation events from the current time on. */
  scheduleTicks(): void {
    const nextMinute = Math.floor(this.now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    this.heap.push(nextMinute, EV_SNAPSHOT, 0);
    // Evaluations run at a fixed second of every minute; what they see is set by the publication delay
    // (MetricStore.delayMs), not by this offset.
    const offset = Math.min(59, Math.max(1, this.opts.alarmEvaluationOffsetSeconds)) * 1000;
    const firstEval = Math.floor((this.now - offset) / MINUTE_MS) * MINUTE_MS + MINUTE_MS + offset;
    this.heap.push(firstEval, EV_EVAL, 0);
    if (this.samplesPerMinute > 1) this.heap.push(this.nextSampleAfter(this.now), EV_SAMPLE, 0);
  }

  /**
   * The next mid-minute gauge sample after `t`: samples fall at j x step (j = 1 .. n-1) into each
   * minute; the n-th, at the minute's end, is taken by publishMinute.
   */
  private nextSampleAfter(t: number): number {
    const minuteStart = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const j = Math.floor((t - minuteStart) / this.sampleStepMs) + 1;
    return j < this.samplesPerMinute
      ? minuteStart + j * this.sampleStepMs
      : minuteStart + MINUTE_MS + this.sampleStepMs;
  }

  /** Processes every event due at or before `t`, then sets the clock to `t` (never backwards). */
  runUntil(t: number): void {
    const heap = this.heap;
    while (heap.peekTime() <= t) {
      heap.pop();
      const time = heap.popTime;
      if (time > this.now) this.now = time;
      this.eventsProcessed++;
      this.handle(heap.popKind, heap.popPayload, time);
    }
    if (t > this.now) this.now = t;
  }

  /** Time of the next pending event (+Infinity when none). */
  nextEventTime(): number {
    return this.heap.peekTime();
  }

  private handle(kind: number, payload: number, time: number): void {
    switch (kind) {
      case EV_COMPLETE:
        this.onComplete(payload, time);
        return;
      case EV_BOOT:
        this.onBoot(payload);
        return;
      case EV_EXPIRY:
        this.onExpiry(payload, time);
        return;
      case EV_SNAPSHOT:
        this.publishMinute(time);
        this.heap.push(time + MINUTE_MS, EV_SNAPSHOT, 0);
        return;
      case EV_EVAL:
        this.cw.evaluateAll();
        this.heap.push(time + MINUTE_MS, EV_EVAL, 0);
        return;
      case EV_SCHEDULED:
        this.aas.fireScheduled(payload, time);
        return;
      case EV_ENDPOINT:
        this.sagemaker.onEndpointTimer(payload, time);
        return;
      case EV_SAMPLE: {
        this.sampleGauges(time);
        this.heap.push(this.nextSampleAfter(time), EV_SAMPLE, 0);
        return;
      }
      case EV_REALTIME:
        this.realtime.onTimer(payload);
        return;
    }
  }

  // ---------- ids ----------

  uuid(): string {
    return this.idRng.uuid();
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.opts.region}:${this.opts.accountId}:${resource}`;
  }

  // ---------- instances ----------

  launchInstance(ep: SimEndpoint, configName: string): SimInstance {
    const boot = drawBootMs(this.opts.boot, this.bootRng);
    const inst: SimInstance = {
      id: this.nextInstanceId++,
      endpoint: ep.idx,
      launchedAt: this.now,
      readyAt: this.now + boot,
      terminatedAt: NaN,
      state: INST_BOOTING,
      busy: 0,
      configName,
    };
    this.instances.push(inst);
    this.instanceById.set(inst.id, inst);
    ep.instances.push(inst);
    ep.live.push(inst);
    if (configName === ep.configName) ep.bootingCount++;
    ep.launches++;
    this.heap.push(inst.readyAt, EV_BOOT, inst.id);
    return inst;
  }

  private onBoot(id: number): void {
    const inst = this.instanceById.get(id);
    if (!inst || inst.state !== INST_BOOTING) return;
    const ep = this.endpointByIdx[inst.endpoint];
    if (!ep) return;
    inst.state = INST_READY;
    if (inst.configName !== ep.configName) {
      // A new fleet of a rolling update: it serves once the whole fleet is up.
      this.sagemaker.onUpdateFleetReady(ep);
      return;
    }
    ep.bootingCount--;
    ep.readyCount++;
    ep.freeSlots += ep.concurrency;
    if (ep.bootingCount === 0) this.settle(ep);
    if (ep.realtime) this.realtime.onInstanceReady(ep, inst);
    else this.dispatch(ep);
  }

  /** No instance is booting any more: Creating/Updating (capacity) end, scaling activities complete. */
  private settle(ep: SimEndpoint): void {
    if (ep.status === 'Creating' || (ep.status === 'Updating' && ep.updatingTo === undefined)) {
      ep.status = 'InService';
      ep.lastModifiedAt = this.now;
    }
    this.aas.onCapacitySettled(ep);
  }

  /** Ends an instance now (billing stops); a busy one must be drained first. */
  terminateInstance(ep: SimEndpoint, inst: SimInstance): void {
    if (inst.state === INST_TERMINATED) return;
    const current = inst.configName === ep.configName;
    if (inst.state === INST_BOOTING && current) ep.bootingCount--;
    if (inst.state === INST_READY && current) {
      ep.readyCount--;
      ep.freeSlots -= ep.concurrency - inst.busy;
    }
    inst.state = INST_TERMINATED;
    inst.terminatedAt = this.now;
    const i = ep.live.indexOf(inst);
    if (i >= 0) ep.live.splice(i, 1);
  }

  /** Stops sending work to a ready instance; it terminates when its last request finishes. */
  drainInstance(ep: SimEndpoint, inst: SimInstance): void {
    if (inst.busy === 0) {
      this.terminateInstance(ep, inst);
      return;
    }
    if (inst.state === INST_READY && inst.configName === ep.configName) {
      ep.readyCount--;
      ep.freeSlots -= ep.concurrency - inst.busy;
    }
    inst.state = INST_DRAINING;
  }

  /** Instances serving requests or able to (ready or draining). */
  servingCount(ep: SimEndpoint): number {
    let draining = 0;
    for (const inst of ep.live) if (inst.state === INST_DRAINING) draining++;
    return ep.readyCount + draining;
  }

  /**
   * Makes the current fleet match ep.desired: launch, or remove booting, then idle, then busy
   * instances. Like UpdateEndpointWeightsAndCapacities, a scale-out puts the endpoint in Updating
   * until the new instances serve.
   */
  setDesired(ep: SimEndpoint, n: number): void {
    ep.desired = n;
    const active = ep.bootingCount + ep.readyCount;
    if (n > active) {
      if (active === 0) ep.coldStarts++;
      for (let i = active; i < n; i++) this.launchInstance(ep, ep.configName);
      if (ep.status === 'InService') {
        ep.status = 'Updating';
        ep.lastModifiedAt = this.now;
      }
      return;
    }
    let remove = active - n;
    for (const pass of [0, 1, 2]) {
      for (let i = ep.live.length - 1; i >= 0 && remove > 0; i--) {
        const inst = ep.live[i] as SimInstance;
        if (inst.configName !== ep.configName) continue;
        if (pass === 0 && inst.state === INST_BOOTING) {
          this.terminateInstance(ep, inst);
          remove--;
        } else if (pass === 1 && inst.state === INST_READY && inst.busy === 0) {
          this.terminateInstance(ep, inst);
          remove--;
        } else if (pass === 2 && inst.state === INST_READY) {
          this.drainInstance(ep, inst);
          remove--;
        }
      }
    }
    if (ep.bootingCount === 0) this.settle(ep);
  }

  /** Billed instance time (ms) of an endpoint within [from, to). */
  billedMs(ep: SimEndpoint, from: number, to: number): number {
    let total = 0;
    for (const inst of ep.instances) {
      const end = Number.isNaN(inst.terminatedAt) ? this.now : inst.terminatedAt;
      const a = Math.max(from, inst.launchedAt);
      const b = Math.min(to, end);
      if (b > a) total += b - a;
    }
    return total;
  }

  // ---------- requests ----------

  /** Enqueues a request arriving now. Returns its slot. */
  submit(ep: SimEndpoint, serviceMs: number, ttlMs: number, timeoutMs: number, port?: PortRequest): number {
    const pool = this.pool;
    const slot = pool.alloc();
    const now = this.now;
    pool.arrival[slot] = now;
    pool.deadline[slot] = now + ttlMs;
    pool.service[slot] = serviceMs;
    pool.timeout[slot] = timeoutMs;
    pool.endpoint[slot] = ep.idx;
    pool.state[slot] = REQ_QUEUED;
    if (port) {
      pool.port[slot] = 1;
      this.portRequests.set(slot, port);
    }
    this.requestsSubmitted++;
    if (ep.queue.size === 0 && ep.freeSlots > 0) {
      this.startOnFreeInstance(ep, slot);
      return slot;
    }
    ep.queue.push(slot);
    const deadline = now + ttlMs;
    if (deadline < ep.expiryEventAt) {
      ep.expiryEventAt = deadline;
      this.heap.push(deadline, EV_EXPIRY, ep.idx);
    }
    return slot;
  }

  dispatch(ep: SimEndpoint): void {
    const pool = this.pool;
    const q = ep.queue;
    while (q.size > 0 && ep.freeSlots > 0) {
      const slot = q.shift();
      if ((pool.deadline[slot] as number) <= this.now) {
        this.expire(ep, slot);
        continue;
      }
      this.startOnFreeInstance(ep, slot);
    }
  }

  private startOnFreeInstance(ep: SimEndpoint, slot: number): void {
    const live = ep.live;
    const c = ep.concurrency;
    for (let i = 0; i < live.length; i++) {
      const inst = live[i] as SimInstance;
      if (inst.state === INST_READY && inst.busy < c && inst.configName === ep.configName) {
        this.start(ep, inst, slot);
        return;
      }
    }
    throw new Error(`internal: no free instance on ${ep.name} although freeSlots=${ep.freeSlots}`);
  }

  private start(ep: SimEndpoint, inst: SimInstance, slot: number): void {
    const pool = this.pool;
    const now = this.now;
    pool.state[slot] = REQ_RUNNING;
    pool.start[slot] = now;
    pool.instance[slot] = inst.id;
    inst.busy++;
    ep.freeSlots--;
    ep.inFlight++;
    ep.mStarted++;
    const tib = now - (pool.arrival[slot] as number);
    ep.mTibSum += tib;
    if (tib < ep.mTibMin) ep.mTibMin = tib;
    if (tib > ep.mTibMax) ep.mTibMax = tib;
    let dur = pool.service[slot] as number;
    if (pool.port[slot] === 1) {
      const meta = this.portRequests.get(slot);
      if (meta && !this.s3.has(meta.inputLocation)) {
        meta.failReason = `input object ${meta.inputLocation} does not exist`;
        dur = Math.min(dur, 1000);
      }
    }
    const timeout = pool.timeout[slot] as number;
    if (dur > timeout) dur = timeout;
    const end = now + dur;
    pool.end[slot] = end;
    this.heap.push(end, EV_COMPLETE, slot);
  }

  private onComplete(slot: number, time: number): void {
    const pool = this.pool;
    if (pool.state[slot] !== REQ_RUNNING || pool.end[slot] !== time) return;
    const ep = this.endpointByIdx[pool.endpoint[slot] as number];
    if (!ep) {
      this.releaseSlot(slot);
      return;
    }
    const inst = this.instanceById.get(pool.instance[slot] as number) as SimInstance;
    inst.busy--;
    ep.inFlight--;
    const start = pool.start[slot] as number;
    const dur = time - start;
    ep.mPtSum += dur;
    if (dur < ep.mPtMin) ep.mPtMin = dur;
    if (dur > ep.mPtMax) ep.mPtMax = dur;
    let failed = (pool.service[slot] as number) > (pool.timeout[slot] as number);
    const meta = pool.port[slot] === 1 ? this.portRequests.get(slot) : undefined;
    if (meta?.failReason) failed = true;
    if (failed) {
      ep.failed++;
      ep.mFailures++;
    } else {
      ep.completed++;
      ep.mProcessed++;
    }
    const rec = ep.record;
    if (rec) {
      if (!failed) rec.ttr.push((time - (pool.arrival[slot] as number)) / 1000);
      rec.starts?.push(start);
      rec.durations?.push(dur);
    }
    if (meta)
      this.writeResult(ep, meta, failed ? (meta.failReason ?? 'invocation timed out') : undefined, dur);
    this.releaseSlot(slot);
    if (inst.state === INST_DRAINING) {
      if (inst.busy === 0) this.terminateInstance(ep, inst);
      return;
    }
    if (inst.state === INST_READY && inst.configName === ep.configName) {
      ep.freeSlots++;
      if (ep.queue.size > 0) this.dispatch(ep);
    } else if (inst.state === INST_READY && inst.busy === 0 && inst.configName !== ep.configName) {
      // An old-fleet instance finishing after a rolling update.
      this.terminateInstance(ep, inst);
    }
  }

  private onExpiry(idx: number, time: number): void {
    const ep = this.endpointByIdx[idx];
    if (!ep || time !== ep.expiryEventAt) return;
    ep.expiryEventAt = Infinity;
    const pool = this.pool;
    const q = ep.queue;
    while (q.size > 0 && (pool.deadline[q.peek()] as number) <= time) this.expire(ep, q.shift());
    if (q.size > 0) {
      const d = pool.deadline[q.peek()] as number;
      ep.expiryEventAt = d;
      this.heap.push(d, EV_EXPIRY, ep.idx);
    }
  }

  private expire(ep: SimEndpoint, slot: number): void {
    ep.expired++;
    ep.mExpired++;
    const meta = this.pool.port[slot] === 1 ? this.portRequests.get(slot) : undefined;
    if (meta)
      this.writeResult(ep, meta, 'request expired: RequestTTLSeconds elapsed before processing started', 0);
    this.releaseSlot(slot);
  }

  private releaseSlot(slot: number): void {
    if (this.pool.port[slot] === 1) this.portRequests.delete(slot);
    this.pool.release(slot);
  }

  private writeResult(ep: SimEndpoint, meta: PortRequest, error: string | undefined, durMs: number): void {
    const enc = new TextEncoder();
    if (error === undefined) {
      const body = JSON.stringify({
        inferenceId: meta.inferenceId,
        endpoint: ep.name,
        simulated: true,
        processingSeconds: durMs / 1000,
      });
      this.putResult(meta.outputLocation, enc.encode(body));
    } else if (meta.failureLocation) {
      const body = JSON.stringify({
        inferenceId: meta.inferenceId,
        endpoint: ep.name,
        simulated: true,
        error,
      });
      this.putResult(meta.failureLocation, enc.encode(body));
    }
  }

  /** Writes a result object that expires after SimOptions.asyncOutputRetentionHours. */
  private putResult(uri: string, body: Uint8Array): void {
    const expiresAt = this.now + this.opts.asyncOutputRetentionHours * 3_600_000;
    this.s3.set(uri, { body, contentType: 'application/json', expiresAt });
    this.s3Expiry.push({ uri, at: expiresAt });
  }

  /** Drops an endpoint's queue and in-flight work (the endpoint is being deleted). */
  abandonRequests(ep: SimEndpoint): void {
    const pool = this.pool;
    while (ep.queue.size > 0) this.releaseSlot(ep.queue.shift());
    for (const [slot] of this.portRequests) {
      if (pool.endpoint[slot] === ep.idx) this.releaseSlot(slot);
    }
    // Running trace requests free their slots when their completion event finds the endpoint gone.
    ep.inFlight = 0;
  }

  // ---------- metrics ----------

  private seriesFor(ep: SimEndpoint): EndpointSeries {
    if (ep.series) return ep.series;
    const m = this.metrics;
    const e = [{ name: 'EndpointName', value: ep.name }];
    const ev = [
      { name: 'EndpointName', value: ep.name },
      { name: 'VariantName', value: ep.variantName },
    ];
    ep.series = {
      backlog: m.getOrCreate(SAGEMAKER_NAMESPACE, 'ApproximateBacklogSize', e),
      backlogPerInstance: m.getOrCreate(SAGEMAKER_NAMESPACE, 'ApproximateBacklogSizePerInstance', e),
      oldestAge: m.getOrCreate(SAGEMAKER_NAMESPACE, 'ApproximateAgeOfOldestRequest', e),
      withoutCapacity: m.getOrCreate(SAGEMAKER_NAMESPACE, 'HasBacklogWithoutCapacity', e),
      processed: m.getOrCreate(SAGEMAKER_NAMESPACE, 'InvocationsProcessed', ev),
      timeInBacklog: m.getOrCreate(SAGEMAKER_NAMESPACE, 'TimeInBacklog', ev),
      processingTime: m.getOrCreate(SAGEMAKER_NAMESPACE, 'TotalProcessingTime', ev),
      failures: m.getOrCreate(SAGEMAKER_NAMESPACE, 'InvocationFailures', ev),
      expired: m.getOrCreate(SAGEMAKER_NAMESPACE, 'ExpiredRequests', ev),
    };
    return ep.series;
  }

  /**
   * The four gauges at `time`, written into `out` (backlog, per instance, oldest age, without capacity).
   * HasBacklogWithoutCapacity: 1 while requests wait and no instance serves; whether a booting instance
   * counts as capacity is SimOptions.backlogWithoutCapacityWhileBooting (unverified).
   */
  private gauges(ep: SimEndpoint, time: number, out: Float64Array): void {
    const backlog = ep.queue.size + ep.inFlight;
    const serving = this.servingCount(ep);
    out[0] = backlog;
    out[1] = backlog / Math.max(1, serving);
    out[2] = ep.queue.size > 0 ? (time - (this.pool.arrival[ep.queue.peek()] as number)) / 1000 : 0;
    out[3] =
      backlog > 0 && serving === 0 && (this.opts.backlogWithoutCapacityWhileBooting || ep.bootingCount === 0)
        ? 1
        : 0;
  }

  private readonly gaugeNow = new Float64Array(4);

  /** A mid-minute gauge sample (SimOptions.metricSamplesPerMinute > 1), kept until the minute ends. */
  private sampleGauges(time: number): void {
    const g = this.gaugeNow;
    for (const ep of this.endpointByIdx) {
      if (!ep || ep.realtime || (ep.status !== 'InService' && ep.status !== 'Updating')) continue;
      this.gauges(ep, time, g);
      let acc = this.gaugeAcc[ep.idx];
      if (!acc) {
        acc = newGaugeAcc();
        this.gaugeAcc[ep.idx] = acc;
      }
      addGaugeSample(acc, g);
    }
  }

  /**
   * Publishes the minute that ends at `boundary`: gauges as the statistic set of the minute's samples
   * (one at the boundary, plus the mid-minute ones when SimOptions.metricSamplesPerMinute > 1), counts
   * only for minutes that had any (SageMaker's count metrics have no datapoint for an idle minute).
   */
  private publishMinute(boundary: number): void {
    const minute = boundary / MINUTE_MS - 1;
    const g = this.gaugeNow;
    this.realtime.publishMinute(minute);
    for (const ep of this.endpointByIdx) {
      if (!ep || ep.realtime || (ep.status !== 'InService' && ep.status !== 'Updating')) continue;
      const s = this.seriesFor(ep);
      this.gauges(ep, boundary, g);
      const backlog = g[0] as number;
      const serving = this.servingCount(ep);
      let busyInMinute = backlog > 0;
      const acc = this.gaugeAcc[ep.idx];
      if (acc && acc.n > 0) {
        addGaugeSample(acc, g);
        const st = acc.stats;
        s.backlog.add(minute, st[0] as number, acc.n, st[1] as number, st[2] as number);
        s.backlogPerInstance.add(minute, st[3] as number, acc.n, st[4] as number, st[5] as number);
        s.oldestAge.add(minute, st[6] as number, acc.n, st[7] as number, st[8] as number);
        s.withoutCapacity.add(minute, st[9] as number, acc.n, st[10] as number, st[11] as number);
        if ((st[2] as number) > 0) busyInMinute = true;
        acc.n = 0;
      } else {
        const perInstance = g[1] as number;
        const age = g[2] as number;
        const without = g[3] as number;
        s.backlog.add(minute, backlog, 1, backlog, backlog);
        s.backlogPerInstance.add(minute, perInstance, 1, perInstance, perInstance);
        s.oldestAge.add(minute, age, 1, age, age);
        s.withoutCapacity.add(minute, without, 1, without, without);
      }
      if (ep.mProcessed > 0) s.processed.add(minute, ep.mProcessed, ep.mProcessed, 1, 1);
      // TimeInBacklog and TotalProcessingTime are in milliseconds, one sample per request.
      if (ep.mStarted > 0) s.timeInBacklog.add(minute, ep.mTibSum, ep.mStarted, ep.mTibMin, ep.mTibMax);
      const finished = ep.mProcessed + ep.mFailures;
      if (finished > 0) s.processingTime.add(minute, ep.mPtSum, finished, ep.mPtMin, ep.mPtMax);
      if (ep.mFailures > 0) s.failures.add(minute, ep.mFailures, ep.mFailures, 1, 1);
      if (ep.mExpired > 0) s.expired.add(minute, ep.mExpired, ep.mExpired, 1, 1);
      const quiet =
        !busyInMinute && serving === 0 && ep.mStarted === 0 && finished === 0 && ep.mExpired === 0;
      if (!quiet) ep.quietSince = -1;
      else if (ep.quietSince < 0) ep.quietSince = minute;
      ep.mProcessed = 0;
      ep.mStarted = 0;
      ep.mTibSum = 0;
      ep.mTibMin = Infinity;
      ep.mTibMax = -Infinity;
      ep.mPtSum = 0;
      ep.mPtMin = Infinity;
      ep.mPtMax = -Infinity;
      ep.mFailures = 0;
      ep.mExpired = 0;
    }
    // Each series drops what falls out of the metric retention as it is written (see MetricSeries);
    // once a simulated day, also free the series nobody writes to any more.
    if (minute - this.lastTrimMinute > 1440) {
      this.metrics.expire(boundary);
      this.lastTrimMinute = minute;
    }
    if (minute - this.lastTrimHour >= 60) {
      this.forgetExpired(boundary);
      this.lastTrimHour = minute;
    }
  }

  /**
   * Drops what the region no longer keeps at `now` (once a simulated hour, so each kind holds at most
   * an hour beyond its bound): scaling activities past activityRetentionDays, result objects past
   * asyncOutputRetentionHours, terminated instances past instanceHistoryHours.
   */
  forgetExpired(now: number): void {
    this.aas.trimActivities(now - this.opts.activityRetentionDays * 86_400_000);
    const q = this.s3Expiry;
    while (this.s3ExpiryHead < q.length && (q[this.s3ExpiryHead] as { at: number }).at <= now) {
      const { uri, at } = q[this.s3ExpiryHead++] as { uri: string; at: number };
      // Rewritten since (a newer result, or a PutObject): that write decides.
      if (this.s3.get(uri)?.expiresAt === at) this.s3.delete(uri);
    }
    if (this.s3ExpiryHead > 1024 && this.s3ExpiryHead * 2 > q.length) {
      q.splice(0, this.s3ExpiryHead);
      this.s3ExpiryHead = 0;
    }
    const forgetBefore = now - this.opts.instanceHistoryHours * 3_600_000;
    const keep = (inst: SimInstance): boolean =>
      !(inst.state === INST_TERMINATED && inst.terminatedAt < forgetBefore) ||
      this.endpointByIdx[inst.endpoint]?.record !== undefined;
    const all = this.instances;
    let n = 0;
    for (const inst of all) {
      if (keep(inst)) all[n++] = inst;
      else this.instanceById.delete(inst.id);
    }
    if (n === all.length) return;
    all.length = n;
    for (const ep of this.endpointByIdx) {
      if (ep && ep.instances.length > ep.live.length) ep.instances = ep.instances.filter(keep);
    }
  }

  // ---------- what the region holds ----------

  /**
   * Entry counts of everything the region keeps that could grow with simulated time (the memory
   * bench prints them per simulated day; test/sim/retention.test.ts pins their bounds).
   */
  retained(): SimRetained {
    let seriesMinutes = 0;
    let seriesSlots = 0;
    let series = 0;
    for (const s of this.metrics.all()) {
      series++;
      seriesMinutes += s.length;
      seriesSlots += s.count.length;
    }
    let activities = 0;
    for (const list of this.aas.activities.values()) activities += list.length;
    let endpointInstances = 0;
    for (const ep of this.endpointByIdx) if (ep) endpointInstances += ep.instances.length;
    let s3Bytes = 0;
    for (const o of this.s3.values()) s3Bytes += o.body.length;
    let targetsWithActivities = 0;
    for (const list of this.aas.activities.values()) if (list.length > 0) targetsWithActivities++;
    return {
      activities,
      targetsWithActivities,
      instances: this.instances.length,
      endpointInstances,
      s3Objects: this.s3.size,
      s3Bytes,
      series,
      seriesMinutes,
      seriesSlots,
      events: this.heap.size,
      liveRequests: this.pool.live,
      portRequests: this.portRequests.size,
      alarms: this.cw.alarms.size,
    };
  }

  // ---------- the trace runner's view ----------

  endpoint(name: string): SimEndpoint {
    const ep = this.endpoints.get(name);
    if (!ep) throw new CloudError(`no simulated endpoint named ${name}`, 'ValidationException', false);
    return ep;
  }

  /** Starts keeping per-request results for an endpoint (time to result; optionally service spans). */
  record(ep: SimEndpoint, spans = false): void {
    ep.record = spans
      ? { ttr: new F32List(), starts: new F64List(), durations: new F64List() }
      : { ttr: new F32List() };
  }
}

/** See SimEngine.retained(). */
export interface SimRetained {
  /** Scaling activities over all scalable targets, and the targets that have any. */
  activities: number;
  targetsWithActivities: number;
  /** Instance records, running or terminated (the engine's list, and the endpoints' own lists). */
  instances: number;
  endpointInstances: number;
  s3Objects: number;
  s3Bytes: number;
  /** Metric series, the minutes they hold, and the slots their arrays have room for. */
  series: number;
  seriesMinutes: number;
  seriesSlots: number;
  /** Pending events in the queue. */
  events: number;
  liveRequests: number;
  portRequests: number;
  alarms: number;
}

/** The gauge samples of one endpoint within the current minute: n, then sum/min/max of each gauge. */
interface GaugeAcc {
  n: number;
  stats: Float64Array;
}

function newGaugeAcc(): GaugeAcc {
  return { n: 0, stats: new Float64Array(12) };
}

function addGaugeSample(acc: GaugeAcc, g: Float64Array): void {
  const st = acc.stats;
  for (let k = 0; k < 4; k++) {
    const v = g[k] as number;
    const o = 3 * k;
    if (acc.n === 0) {
      st[o] = v;
      st[o + 1] = v;
      st[o + 2] = v;
    } else {
      st[o] = (st[o] as number) + v;
      if (v < (st[o + 1] as number)) st[o + 1] = v;
      if (v > (st[o + 2] as number)) st[o + 2] = v;
    }
  }
  acc.n++;
}
