// Snapshot and restore of a simulated region, so CLI runs in separate processes see the same region.
// Pending events are not stored: each one is a consequence of state (an instance's boot end, a
// request's completion, a queue head's TTL, a scheduled action's next time, the minute ticks), so the
// restored engine rebuilds its event queue from the state itself.
import type { EndpointConfigState, EndpointStatus, ModelState, ScalingActivity, Tags } from '../types.js';
import type { BootDistribution } from './boot.js';
import {
  EV_BOOT,
  EV_COMPLETE,
  EV_ENDPOINT,
  EV_EXPIRY,
  SimEngine,
  simOptions,
  type PortRequest,
  type SimObject,
  type SimOptions,
} from './engine.js';
import {
  INST_BOOTING,
  INST_READY,
  INST_TERMINATED,
  SimEndpoint,
  activityCause,
  causeText,
  type SimAlarm,
  type SimInstance,
  type SimPolicy,
  type SimScheduledAction,
  type SimTarget,
} from './entities.js';
import { compileAlarm } from './cloudwatch.js';
import type { SeriesJson } from './metrics.js';
import type { RealtimeJson } from './realtime.js';
import { REQ_QUEUED, REQ_RUNNING } from './requests.js';
import { Rng, type RngState } from './rng.js';

export const STATE_VERSION = 1;

interface EndpointJson {
  idx: number;
  name: string;
  arn: string;
  configName: string;
  modelName: string;
  tags: Tags;
  createdAt: number;
  status: EndpointStatus;
  failureReason?: string;
  lastModifiedAt: number;
  variantName: string;
  instanceType: string;
  concurrency: number;
  outputPath: string;
  failurePath?: string;
  desired: number;
  updatingTo?: string;
  goneAt: number | null;
  totals: {
    completed: number;
    expired: number;
    failed: number;
    coldStarts: number;
    scaleOuts: number;
    scaleIns: number;
    launches: number;
  };
}

interface InstanceJson {
  id: number;
  endpoint: number;
  launchedAt: number;
  readyAt: number;
  terminatedAt: number | null;
  state: number;
  busy: number;
  configName: string;
}

interface RequestJson {
  endpoint: number;
  arrival: number;
  deadline: number;
  service: number;
  timeout: number;
  start: number;
  end: number;
  state: number;
  instance: number;
  port?: PortRequest;
}

export interface SimStateJson {
  version: number;
  now: number;
  options: Omit<SimOptions, 'serviceSeconds' | 'startTime'>;
  /** `jitter` is absent from files written before it existed: it then starts from the seed. */
  rng: { boot: RngState; ids: RngState; jitter?: RngState };
  models: ModelState[];
  configs: EndpointConfigState[];
  endpoints: EndpointJson[];
  instances: InstanceJson[];
  requests: RequestJson[];
  /** `expiresAt`: a result object the region wrote (SimOptions.asyncOutputRetentionHours). */
  s3: { uri: string; base64: string; contentType?: string; expiresAt?: number }[];
  /** The next instance id; absent from files written before instance records were forgotten. */
  nextInstanceId?: number;
  targets: SimTarget[];
  policies: (Omit<SimPolicy, 'lastScaleInAt' | 'lastScaleOutAt' | 'cooldownUntil'> & {
    lastScaleInAt: number | null;
    lastScaleOutAt: number | null;
    cooldownUntil: number | null;
  })[];
  scheduled: (Omit<SimScheduledAction, 'nextAt'> | null)[];
  activities: (ScalingActivity & { endpoint?: string })[];
  alarms: Omit<SimAlarm, 'compiled'>[];
  metrics: SeriesJson[];
  /** Real-time endpoints' inference components (realtime.ts); absent from older files. */
  realtime?: RealtimeJson;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function snapshot(sim: SimEngine): SimStateJson {
  const { serviceSeconds: _s, startTime: _t, ...options } = sim.opts;
  const pool = sim.pool;
  const requests: RequestJson[] = [];
  const pushReq = (slot: number): void => {
    const r: RequestJson = {
      endpoint: pool.endpoint[slot] as number,
      arrival: pool.arrival[slot] as number,
      deadline: pool.deadline[slot] as number,
      service: pool.service[slot] as number,
      timeout: pool.timeout[slot] as number,
      start: pool.start[slot] as number,
      end: pool.end[slot] as number,
      state: pool.state[slot] as number,
      instance: pool.instance[slot] as number,
    };
    const port = pool.port[slot] === 1 ? sim.portRequests.get(slot) : undefined;
    if (port) r.port = { ...port };
    requests.push(r);
  };
  const running: number[] = [];
  for (const ep of sim.endpointByIdx) {
    if (!ep) continue;
    for (let i = 0; i < ep.queue.size; i++) pushReq(ep.queue.at(i));
  }
  for (let slot = 0; slot < pool.state.length; slot++)
    if (pool.state[slot] === REQ_RUNNING) running.push(slot);
  for (const slot of running) {
    const ep = sim.endpointByIdx[pool.endpoint[slot] as number];
    if (ep) pushReq(slot);
  }
  return {
    version: STATE_VERSION,
    now: sim.now,
    options,
    rng: { boot: sim.bootRng.state(), ids: sim.idRng.state(), jitter: sim.jitterRng.state() },
    models: [...sim.sagemaker.models.values()],
    configs: [...sim.sagemaker.configs.values()],
    endpoints: sim.endpointByIdx
      .filter((e): e is SimEndpoint => e !== undefined)
      .map((ep) => {
        const j: EndpointJson = {
          idx: ep.idx,
          name: ep.name,
          arn: ep.arn,
          configName: ep.configName,
          modelName: ep.modelName,
          tags: ep.tags,
          createdAt: ep.createdAt,
          status: ep.status,
          lastModifiedAt: ep.lastModifiedAt,
          variantName: ep.variantName,
          instanceType: ep.instanceType,
          concurrency: ep.concurrency,
          outputPath: ep.outputPath,
          desired: ep.desired,
          goneAt: finite(ep.goneAt),
          totals: {
            completed: ep.completed,
            expired: ep.expired,
            failed: ep.failed,
            coldStarts: ep.coldStarts,
            scaleOuts: ep.scaleOuts,
            scaleIns: ep.scaleIns,
            launches: ep.launches,
          },
        };
        if (ep.failureReason !== undefined) j.failureReason = ep.failureReason;
        if (ep.failurePath !== undefined) j.failurePath = ep.failurePath;
        if (ep.updatingTo !== undefined) j.updatingTo = ep.updatingTo;
        return j;
      }),
    instances: sim.instances.map((i) => ({ ...i, terminatedAt: finite(i.terminatedAt) })),
    requests,
    s3: [...sim.s3.entries()].map(([uri, o]) => {
      const e: SimStateJson['s3'][number] = { uri, base64: Buffer.from(o.body).toString('base64') };
      if (o.contentType !== undefined) e.contentType = o.contentType;
      if (o.expiresAt !== undefined) e.expiresAt = o.expiresAt;
      return e;
    }),
    nextInstanceId: sim.nextInstanceId,
    targets: [...sim.aas.targets.values()],
    policies: [...sim.aas.policies.values()].map((p) => ({
      ...p,
      lastScaleInAt: finite(p.lastScaleInAt),
      lastScaleOutAt: finite(p.lastScaleOutAt),
      cooldownUntil: finite(p.cooldownUntil),
    })),
    scheduled: sim.aas.scheduled.map((a) =>
      a ? { spec: a.spec, arn: a.arn, createdAt: a.createdAt, version: a.version } : null,
    ),
    activities: [...sim.aas.activities.values()].flat().map(({ causeText: text, ...a }) => ({
      ...a,
      cause: activityCause({ startTime: a.startTime, causeText: text }),
    })),
    alarms: [...sim.cw.alarms.values()].map(
      ({ compiled: _c, series: _s, lastValues: _v, quietFrom: _q, endpointName: _e, ...rest }) => rest,
    ),
    metrics: sim.metrics.toJSON(),
    realtime: sim.realtime.toJSON(),
  };
}

export function restore(state: SimStateJson, serviceSeconds?: SimOptions['serviceSeconds']): SimEngine {
  if (state.version !== STATE_VERSION) {
    throw new Error(
      `simulated cloud state has version ${state.version}; this sagezero reads version ${STATE_VERSION}`,
    );
  }
  const opts = simOptions({
    ...state.options,
    boot: state.options.boot as BootDistribution,
    startTime: state.now,
  });
  if (serviceSeconds) opts.serviceSeconds = serviceSeconds;
  const sim = new SimEngine(opts);
  sim.bootRng = new Rng(state.rng.boot);
  sim.idRng = new Rng(state.rng.ids);
  if (state.rng.jitter) sim.jitterRng = new Rng(state.rng.jitter);
  for (const m of state.models) sim.sagemaker.models.set(m.name, m);
  for (const c of state.configs) sim.sagemaker.configs.set(c.name, c);

  for (const j of state.endpoints) {
    const pseudoConfig: EndpointConfigState = {
      name: j.configName,
      modelName: j.modelName,
      variantName: j.variantName,
      instanceType: j.instanceType,
      initialInstanceCount: j.desired,
      async: { outputPath: j.outputPath, maxConcurrentInvocationsPerInstance: j.concurrency },
      tags: {},
      arn: '',
      createdAt: j.createdAt,
    };
    const ep = new SimEndpoint(
      j.idx,
      j.name,
      j.arn,
      j.configName,
      j.tags,
      j.createdAt,
      pseudoConfig,
      j.modelName,
    );
    ep.status = j.status;
    if (j.failureReason !== undefined) ep.failureReason = j.failureReason;
    if (j.failurePath !== undefined) ep.failurePath = j.failurePath;
    if (j.updatingTo !== undefined) ep.updatingTo = j.updatingTo;
    ep.lastModifiedAt = j.lastModifiedAt;
    ep.goneAt = j.goneAt ?? Infinity;
    Object.assign(ep, j.totals);
    while (sim.endpointByIdx.length < j.idx) sim.endpointByIdx.push(undefined);
    sim.endpointByIdx[j.idx] = ep;
    sim.endpoints.set(ep.name, ep);
    if (ep.status === 'Deleting') sim.heap.push(ep.goneAt, EV_ENDPOINT, ep.idx);
  }

  for (const ij of state.instances) {
    const inst: SimInstance = { ...ij, terminatedAt: ij.terminatedAt ?? NaN };
    sim.instances.push(inst);
    sim.instanceById.set(inst.id, inst);
    sim.nextInstanceId = Math.max(sim.nextInstanceId, inst.id + 1);
    const ep = sim.endpointByIdx[inst.endpoint];
    if (!ep) continue;
    ep.instances.push(inst);
    if (inst.state === INST_TERMINATED) continue;
    ep.live.push(inst);
    const current = inst.configName === ep.configName;
    if (inst.state === INST_BOOTING) {
      if (current) ep.bootingCount++;
      sim.heap.push(inst.readyAt, EV_BOOT, inst.id);
    } else if (inst.state === INST_READY && current) {
      ep.readyCount++;
      ep.freeSlots += ep.concurrency - inst.busy;
    }
  }

  const pool = sim.pool;
  for (const r of state.requests) {
    const ep = sim.endpointByIdx[r.endpoint];
    if (!ep) continue;
    const slot = pool.alloc();
    pool.endpoint[slot] = r.endpoint;
    pool.arrival[slot] = r.arrival;
    pool.deadline[slot] = r.deadline;
    pool.service[slot] = r.service;
    pool.timeout[slot] = r.timeout;
    pool.start[slot] = r.start;
    pool.end[slot] = r.end;
    pool.state[slot] = r.state;
    pool.instance[slot] = r.instance;
    if (r.port) {
      pool.port[slot] = 1;
      sim.portRequests.set(slot, r.port);
    }
    if (r.state === REQ_QUEUED) ep.queue.push(slot);
    else if (r.state === REQ_RUNNING) {
      ep.inFlight++;
      sim.heap.push(r.end, EV_COMPLETE, slot);
    }
  }
  for (const ep of sim.endpointByIdx) {
    if (!ep || ep.queue.size === 0) continue;
    ep.expiryEventAt = pool.deadline[ep.queue.peek()] as number;
    sim.heap.push(ep.expiryEventAt, EV_EXPIRY, ep.idx);
  }

  sim.nextInstanceId = Math.max(sim.nextInstanceId, state.nextInstanceId ?? 0);
  const expiring: { uri: string; at: number }[] = [];
  for (const o of state.s3) {
    const obj: SimObject = { body: new Uint8Array(Buffer.from(o.base64, 'base64')) };
    if (o.contentType !== undefined) obj.contentType = o.contentType;
    if (o.expiresAt !== undefined) {
      obj.expiresAt = o.expiresAt;
      expiring.push({ uri: o.uri, at: o.expiresAt });
    }
    sim.s3.set(o.uri, obj);
  }
  for (const e of expiring.sort((a, b) => a.at - b.at)) sim.s3Expiry.push(e);
  for (const t of state.targets) sim.aas.targets.set(t.resourceId, t);
  for (const p of state.policies) {
    sim.aas.policies.set(p.arn, {
      ...p,
      lastScaleInAt: p.lastScaleInAt ?? -Infinity,
      lastScaleOutAt: p.lastScaleOutAt ?? -Infinity,
      cooldownUntil: p.cooldownUntil ?? -Infinity,
    });
  }
  state.scheduled.forEach((a, i) => {
    sim.aas.scheduled[i] = a ? { ...a, nextAt: Infinity } : undefined;
    if (a) sim.aas.armScheduled(i, sim.now);
  });
  for (const { cause, ...a } of state.activities) {
    const list = sim.aas.activities.get(a.resourceId) ?? [];
    list.push({ ...a, causeText: causeText({ startTime: a.startTime, cause }) });
    sim.aas.activities.set(a.resourceId, list);
  }
  for (const a of state.alarms) {
    const alarm: SimAlarm = { ...a };
    const compiled = compileAlarm(a.spec);
    if (compiled) alarm.compiled = compiled;
    sim.cw.add(alarm);
  }
  sim.metrics.load(state.metrics);
  if (state.realtime) sim.realtime.load(state.realtime);
  return sim;
}
