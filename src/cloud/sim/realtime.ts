// Real-time endpoints that scale to zero, in the simulated region: inference components, their copies
// on the endpoint's instances, managed instance scaling with its scale-in policy, and synchronous
// invocations that fail while a component has no copy to serve them.
//
// Facts (documented by AWS unless marked ASSUMED):
// - A real-time endpoint can go to zero instances only when it hosts inference components and its
//   variant has ManagedInstanceScaling with MinInstanceCount 0; at zero, "any attempts to invoke the
//   endpoint will produce an error" until an instance is provisioned, and a step scaling policy on a
//   CloudWatch alarm is what brings it back
//   (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html).
//   Requests are not queued: the caller retries.
// - CreateInferenceComponent takes a model, ComputeResourceRequirements (accelerators and memory per
//   copy) and RuntimeConfig.CopyCount
//   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html);
//   a copy is placed on an instance with that much room, and managed instance scaling launches an
//   instance (up to MaxInstanceCount) when none has room
//   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html).
//   The sim refuses CopyCount 0 at creation, as issue 15 reports AWS does.
// - A copy serves once its instance is ready (the same boot model as async instances, boot.ts) plus
//   RealtimeOptions.modelLoadSeconds (ASSUMED default: AWS publishes no figure for loading a copy).
// - Scale-in (ProductionVariantManagedInstanceScalingScaleInPolicy,
//   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScalingScaleInPolicy.html):
//   IDLE_RELEASE "releases instances that have no hosted inference component copies";
//   CooldownInMinutes (5-1440, default 20) is "the cooldown period [...] after the last endpoint
//   operation before the endpoint evaluates [...] scale-in opportunities"; MaximumStepSize (1-100,
//   default 1) instances at a time. The sim counts as endpoint operations the copy changes (placed,
//   removed) and its own releases (ASSUMED: AWS does not list them), so several idle instances go
//   one step per cooldown. CONSOLIDATION is SIMPLIFIED to IDLE_RELEASE: the sim never moves copies
//   between instances to empty one.
// - Per-component metrics in AWS/SageMaker with the InferenceComponentName dimension
//   (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html, "SageMaker AI
//   inference component metrics"): Invocations, InvocationsPerCopy, ConcurrentRequestsPerCopy (what
//   the predefined metric SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution
//   tracks) and NoCapacityInvocationFailures. The simulated store has one-minute datapoints only, so
//   the high-resolution (10 s) metric is published per minute: the minute's time-weighted average of
//   requests in flight per serving copy (ASSUMED), with its min and max. The gauge and
//   InvocationsPerCopy have a datapoint (0 when idle) every minute a copy served (ASSUMED: target
//   tracking's scale-in alarm needs them, and AWS's own scale-to-zero example relies on it);
//   Invocations and NoCapacityInvocationFailures only for minutes that had any, like the async
//   counts.
// - A copy serves RealtimeOptions.maxConcurrentRequestsPerCopy requests at once (ASSUMED default 1,
//   like the async MaxConcurrentInvocationsPerInstance default sagezero uses for the same models). A
//   request that finds every serving copy busy fails with the same NO_CAPACITY_ERROR (ASSUMED: the
//   container would queue or throttle it; the sim keeps no queue) but is not counted in
//   NoCapacityInvocationFailures, which counts requests to a component with no copy at all
//   (ASSUMED from the metric's name).
// - DeleteEndpoint is refused while components remain (ASSUMED: the console deletes them first,
//   https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-delete-resources.html);
//   DeleteInferenceComponent frees its copies at once (SIMPLIFIED: no Deleting phase) and drops the
//   requests they were serving.
// - A component stays InService while its copy count changes (ASSUMED), so scaling policies can act
//   while copies come up; it is Creating until its first copies serve.
// Instances are the engine's own (launchInstance/terminateInstance), so billing (billedMs) and the
// variant's instance counts in DescribeEndpoint cover them as for async endpoints.
import {
  CloudError,
  componentResourceId,
  NO_CAPACITY_ERROR,
  type InferenceComponentSpec,
  type InferenceComponentState,
  type InferenceComponentStatus,
  type InferenceComponentSummary,
  type InferenceComponentUpdate,
  type RealtimeEndpointConfigState,
} from '../types.js';
import { EV_REALTIME, SAGEMAKER_NAMESPACE, type SimEngine } from './engine.js';
import { INST_BOOTING, INST_READY, type SimEndpoint, type SimInstance } from './entities.js';
import { instanceResources, type InstanceResources } from './instance-resources.js';
import type { MetricSeries } from './metrics.js';
import type { SimScalable } from './scalable.js';

export interface RealtimeOptions {
  /** Seconds from a copy's instance being ready (or the copy being placed on a ready one) to serving. */
  modelLoadSeconds: number;
  /** Requests one copy serves at once; more fail as NO_CAPACITY_ERROR. */
  maxConcurrentRequestsPerCopy: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  modelLoadSeconds: 120,
  maxConcurrentRequestsPerCopy: 1,
};

/** AWS defaults of ProductionVariantManagedInstanceScalingScaleInPolicy (see the header). */
export const DEFAULT_SCALE_IN_COOLDOWN_MINUTES = 20;
export const DEFAULT_SCALE_IN_STEP = 1;

export const COPY_WAITING = 0;
export const COPY_PLACED = 1;
export const COPY_LOADING = 2;
export const COPY_READY = 3;
export const COPY_DRAINING = 4;

/** What `submit` says of a request. */
export const INVOKE_OK = 0;
/** The component has no serving copy (counted in NoCapacityInvocationFailures). */
export const INVOKE_NO_COPY = 1;
/** Every serving copy is busy. */
export const INVOKE_BUSY = 2;

export interface SimCopy {
  id: number;
  component: SimComponent;
  instance: SimInstance | undefined;
  /** COPY_WAITING (no instance with room yet), PLACED (instance booting), LOADING, READY, DRAINING. */
  state: number;
  busy: number;
  /** While LOADING: when the copy serves. */
  loadDoneAt?: number;
}

/** What a saved region (state.ts) keeps of the real-time side. */
export interface RealtimeJson {
  nextCopy: number;
  variants: (Omit<RealtimeVariant, 'ep' | 'components' | 'resources' | 'releaseAt'> & {
    endpoint: number;
    releaseAt: number | null;
  })[];
  components: {
    spec: InferenceComponentSpec;
    arn: string;
    createdAt: number;
    lastModifiedAt: number;
    status: InferenceComponentStatus;
    desired: number;
    totals: Pick<
      SimComponent,
      | 'invocations'
      | 'noCapacityFailures'
      | 'busyRejects'
      | 'completed'
      | 'coldStarts'
      | 'scaleOuts'
      | 'scaleIns'
    >;
    copies: { id: number; instance: number | null; state: number; loadDoneAt: number | null }[];
  }[];
}

interface ComponentSeries {
  invocations: MetricSeries;
  invocationsPerCopy: MetricSeries;
  concurrentPerCopy: MetricSeries;
  noCapacity: MetricSeries;
}

export class SimComponent {
  status: InferenceComponentStatus = 'Creating';
  desired: number;
  copies: SimCopy[] = [];
  readyCount = 0;
  inFlight = 0;
  lastModifiedAt: number;
  scalable?: SimScalable;

  // The minute being accumulated: counts, and areas (ms x requests, ms x serving copies) since areaAt.
  mInvocations = 0;
  mNoCapacity = 0;
  areaAt: number;
  concArea = 0;
  copyArea = 0;
  perCopyMin = Infinity;
  perCopyMax = -Infinity;
  series?: ComponentSeries;

  // Totals since creation.
  invocations = 0;
  noCapacityFailures = 0;
  busyRejects = 0;
  completed = 0;
  /** Scale-outs from zero copies. */
  coldStarts = 0;
  scaleOuts = 0;
  scaleIns = 0;

  constructor(
    public spec: InferenceComponentSpec,
    readonly arn: string,
    readonly createdAt: number,
    readonly variant: RealtimeVariant,
  ) {
    this.desired = spec.copyCount;
    this.lastModifiedAt = createdAt;
    this.areaAt = createdAt;
  }

  get name(): string {
    return this.spec.name;
  }

  get resourceId(): string {
    return componentResourceId(this.spec.name);
  }

  /** Copies asked for that do not serve yet. */
  pending(): number {
    let n = 0;
    for (const k of this.copies) if (k.state <= COPY_LOADING) n++;
    return n;
  }
}

/** The managed-scaling side of a real-time endpoint's variant. */
export interface RealtimeVariant {
  ep: SimEndpoint;
  minInstances: number;
  maxInstances: number;
  cooldownMs: number;
  stepSize: number;
  resources: InstanceResources;
  components: SimComponent[];
  lastOperationAt: number;
  /** When the pending scale-in evaluation is due (Infinity: none pending). */
  releaseAt: number;
}

interface Usage {
  gpus: number;
  memoryMb: number;
  copies: number;
}

function validation(message: string, operation: string): CloudError {
  return new CloudError(message, 'ValidationException', false, operation);
}

export class Realtime {
  readonly opts: RealtimeOptions;
  readonly components = new Map<string, SimComponent>();
  /** By endpoint idx. */
  readonly variants = new Map<number, RealtimeVariant>();
  private readonly usage = new Map<number, Usage>();
  private readonly timers = new Map<number, () => void>();
  private nextTimer = 0;
  private nextCopy = 0;

  constructor(private readonly sim: SimEngine) {
    this.opts = { ...DEFAULT_REALTIME_OPTIONS, ...(sim.opts.realtime ?? {}) };
  }

  // ---------- timers ----------

  private at(time: number, fn: () => void): void {
    const id = this.nextTimer++;
    this.timers.set(id, fn);
    this.sim.heap.push(time, EV_REALTIME, id);
  }

  onTimer(id: number): void {
    const fn = this.timers.get(id);
    if (!fn) return;
    this.timers.delete(id);
    fn();
  }

  // ---------- endpoints ----------

  /** Validates a real-time endpoint configuration as CreateEndpointConfig would. */
  checkConfig(
    spec: RealtimeEndpointConfigState | Omit<RealtimeEndpointConfigState, 'arn' | 'createdAt'>,
  ): void {
    const op = 'CreateEndpointConfig';
    if (spec.modelName !== undefined) {
      throw validation(
        'The simulated region models real-time endpoints with inference components only (a variant without a model); a classic real-time variant is not simulated.',
        op,
      );
    }
    if (!spec.executionRoleArn) {
      throw validation('ExecutionRoleArn is required when a production variant has no model.', op);
    }
    if (!Number.isInteger(spec.initialInstanceCount) || spec.initialInstanceCount < 0) {
      throw validation('InitialInstanceCount must be a non-negative integer.', op);
    }
    const m = spec.managedScaling;
    if (m) {
      if (!Number.isInteger(m.minInstanceCount) || m.minInstanceCount < 0)
        throw validation('ManagedInstanceScaling.MinInstanceCount must be a non-negative integer.', op);
      if (!Number.isInteger(m.maxInstanceCount) || m.maxInstanceCount < Math.max(1, m.minInstanceCount))
        throw validation(
          'ManagedInstanceScaling.MaxInstanceCount must be at least 1 and at least MinInstanceCount.',
          op,
        );
      const cd = m.scaleIn?.cooldownMinutes;
      if (cd !== undefined && (!Number.isInteger(cd) || cd < 5 || cd > 1440))
        throw validation('ScaleInPolicy.CooldownInMinutes must be an integer between 5 and 1440.', op);
      const step = m.scaleIn?.maximumStepSize;
      if (step !== undefined && (!Number.isInteger(step) || step < 1 || step > 100))
        throw validation('ScaleInPolicy.MaximumStepSize must be an integer between 1 and 100.', op);
    }
  }

  /** Called by CreateEndpoint for a real-time configuration, after the endpoint exists. */
  addEndpoint(ep: SimEndpoint, config: RealtimeEndpointConfigState): void {
    const m = config.managedScaling;
    const v: RealtimeVariant = {
      ep,
      // Without managed instance scaling the instance count stays what the endpoint was created with.
      minInstances: m ? m.minInstanceCount : config.initialInstanceCount,
      maxInstances: m ? m.maxInstanceCount : config.initialInstanceCount,
      cooldownMs: (m?.scaleIn?.cooldownMinutes ?? DEFAULT_SCALE_IN_COOLDOWN_MINUTES) * 60_000,
      stepSize: m?.scaleIn?.maximumStepSize ?? DEFAULT_SCALE_IN_STEP,
      resources: instanceResources(config.instanceType),
      components: [],
      lastOperationAt: this.sim.now,
      releaseAt: Infinity,
    };
    this.variants.set(ep.idx, v);
    for (let i = 0; i < config.initialInstanceCount; i++) this.launch(v);
    if (config.initialInstanceCount === 0) {
      ep.status = 'InService';
      ep.lastModifiedAt = this.sim.now;
    }
    this.touch(v);
  }

  /** UpdateEndpoint to another real-time configuration of the same instance type: new scaling limits. */
  updateEndpoint(ep: SimEndpoint, config: RealtimeEndpointConfigState): void {
    const v = this.variants.get(ep.idx);
    if (!v) return;
    const m = config.managedScaling;
    v.minInstances = m ? m.minInstanceCount : config.initialInstanceCount;
    v.maxInstances = m ? m.maxInstanceCount : config.initialInstanceCount;
    v.cooldownMs = (m?.scaleIn?.cooldownMinutes ?? DEFAULT_SCALE_IN_COOLDOWN_MINUTES) * 60_000;
    v.stepSize = m?.scaleIn?.maximumStepSize ?? DEFAULT_SCALE_IN_STEP;
    for (const inst of ep.live) inst.configName = config.name;
    ep.configName = config.name;
    ep.lastModifiedAt = this.sim.now;
    this.place(v);
    this.touch(v);
  }

  /** DeleteEndpoint: refused while components remain (see the header). */
  checkDelete(ep: SimEndpoint): void {
    const v = this.variants.get(ep.idx);
    if (v && v.components.length > 0) {
      throw validation(
        `Cannot delete endpoint "${ep.arn}" while it hosts inference components (${v.components.map((c) => c.name).join(', ')}); delete them first.`,
        'DeleteEndpoint',
      );
    }
  }

  removeEndpoint(ep: SimEndpoint): void {
    const v = this.variants.get(ep.idx);
    if (v) v.releaseAt = Infinity;
    this.variants.delete(ep.idx);
    for (const inst of ep.live) this.usage.delete(inst.id);
  }

  /** The engine's boot hook: copies waiting for this instance start loading. */
  onInstanceReady(ep: SimEndpoint, inst: SimInstance): void {
    const v = this.variants.get(ep.idx);
    if (!v) return;
    for (const c of v.components)
      for (const k of c.copies) if (k.state === COPY_PLACED && k.instance === inst) this.startLoad(k);
  }

  private launch(v: RealtimeVariant): SimInstance {
    if (this.liveCount(v) === 0 && v.ep.status !== 'Creating') v.ep.coldStarts++;
    const inst = this.sim.launchInstance(v.ep, v.ep.configName);
    this.usage.set(inst.id, { gpus: 0, memoryMb: 0, copies: 0 });
    v.ep.desired = this.liveCount(v);
    return inst;
  }

  private liveCount(v: RealtimeVariant): number {
    let n = 0;
    for (const inst of v.ep.live) if (inst.state === INST_BOOTING || inst.state === INST_READY) n++;
    return n;
  }

  /** The last endpoint operation is now: the scale-in evaluation moves to now + cooldown. */
  private touch(v: RealtimeVariant): void {
    v.lastOperationAt = this.sim.now;
    this.scheduleRelease(v);
  }

  private scheduleRelease(v: RealtimeVariant): void {
    const due = v.lastOperationAt + v.cooldownMs;
    if (v.releaseAt === due) return;
    v.releaseAt = due;
    this.at(due, () => this.release(v, due));
  }

  /** IDLE_RELEASE: up to MaximumStepSize instances without copies go, never below MinInstanceCount. */
  private release(v: RealtimeVariant, due: number): void {
    if (v.releaseAt !== due || this.variants.get(v.ep.idx) !== v) return;
    v.releaseAt = Infinity;
    // CreateEndpoint is an endpoint operation until the endpoint is InService, so no scale-in is
    // evaluated while it runs (a cooldown shorter than the boot would otherwise release the first
    // instance before any component could be placed on it, and the endpoint would never leave
    // Creating); the evaluation comes back a cooldown later.
    if (v.ep.status === 'Creating') {
      this.touch(v);
      return;
    }
    const empty: SimInstance[] = [];
    // Newest first: a booting instance nobody needs any more is the first to go.
    for (let i = v.ep.live.length - 1; i >= 0; i--) {
      const inst = v.ep.live[i] as SimInstance;
      if (inst.state !== INST_BOOTING && inst.state !== INST_READY) continue;
      if ((this.usage.get(inst.id)?.copies ?? 0) === 0) empty.push(inst);
    }
    const n = Math.min(v.stepSize, empty.length, this.liveCount(v) - v.minInstances);
    for (let i = 0; i < n; i++) {
      const inst = empty[i] as SimInstance;
      this.sim.terminateInstance(v.ep, inst);
      this.usage.delete(inst.id);
    }
    v.ep.desired = this.liveCount(v);
    if (n > 0) {
      v.ep.scaleIns++;
      if (empty.length > n && this.liveCount(v) > v.minInstances) this.touch(v);
      else v.lastOperationAt = this.sim.now;
    }
  }

  // ---------- components ----------

  create(spec: InferenceComponentSpec): SimComponent {
    const op = 'CreateInferenceComponent';
    const sim = this.sim;
    if (this.components.has(spec.name)) {
      throw validation(
        `Cannot create already existing inference component "${sim.arn('sagemaker', `inference-component/${spec.name.toLowerCase()}`)}".`,
        op,
      );
    }
    const ep = sim.endpoints.get(spec.endpointName);
    const v = ep ? this.variants.get(ep.idx) : undefined;
    if (!ep || ep.status === 'Deleting')
      throw validation(`Could not find endpoint "${spec.endpointName}".`, op);
    if (!v)
      throw validation(
        `Endpoint "${spec.endpointName}" is not a real-time endpoint for inference components.`,
        op,
      );
    if (ep.status !== 'InService') {
      throw validation(`Endpoint "${spec.endpointName}" is not in service (status ${ep.status}).`, op);
    }
    if (ep.variantName !== spec.variantName)
      throw validation(
        `The variant "${spec.variantName}" does not exist on endpoint "${spec.endpointName}".`,
        op,
      );
    if (!sim.sagemaker.models.has(spec.modelName))
      throw validation(`Could not find model "${spec.modelName}".`, op);
    if (!Number.isInteger(spec.copyCount) || spec.copyCount < 1)
      throw validation(
        'RuntimeConfig.CopyCount must be at least 1 when the inference component is created.',
        op,
      );
    this.checkFits(v, spec, op);
    const c = new SimComponent(
      structuredClone(spec),
      sim.arn('sagemaker', `inference-component/${spec.name.toLowerCase()}`),
      sim.now,
      v,
    );
    this.components.set(spec.name, c);
    v.components.push(c);
    this.reconcile(c);
    return c;
  }

  private checkFits(
    v: RealtimeVariant,
    req: { acceleratorsPerCopy: number; memoryMbPerCopy: number },
    op: string,
  ): void {
    const { gpus, memoryMb } = v.resources;
    if (!Number.isInteger(req.acceleratorsPerCopy) || req.acceleratorsPerCopy < 0)
      throw validation('NumberOfAcceleratorDevicesRequired must be a non-negative integer.', op);
    if (!(req.memoryMbPerCopy >= 128)) throw validation('MinMemoryRequiredInMb must be at least 128.', op);
    if (gpus !== undefined && req.acceleratorsPerCopy > gpus) {
      throw validation(
        `A copy needs ${req.acceleratorsPerCopy} accelerators; ${v.ep.instanceType} has ${gpus}.`,
        op,
      );
    }
    if (memoryMb !== undefined && req.memoryMbPerCopy > memoryMb) {
      throw validation(
        `A copy needs ${req.memoryMbPerCopy} MB of memory; ${v.ep.instanceType} has ${memoryMb} MB.`,
        op,
      );
    }
  }

  update(name: string, u: InferenceComponentUpdate): void {
    const op = 'UpdateInferenceComponent';
    const c = this.components.get(name);
    if (!c || c.status === 'Deleting') throw validation(`Could not find inference component "${name}".`, op);
    if (!this.sim.sagemaker.models.has(u.modelName))
      throw validation(`Could not find model "${u.modelName}".`, op);
    this.checkFits(c.variant, u, op);
    // SIMPLIFIED: the new model and sizes apply at once, without the blue/green replacement of copies.
    c.spec = { ...c.spec, ...structuredClone(u) };
    c.lastModifiedAt = this.sim.now;
  }

  delete(name: string): void {
    const c = this.components.get(name);
    if (!c) throw validation(`Could not find inference component "${name}".`, 'DeleteInferenceComponent');
    const v = c.variant;
    for (const k of [...c.copies]) this.dropCopy(k);
    this.components.delete(name);
    v.components = v.components.filter((x) => x !== c);
    c.status = 'Deleting';
    this.place(v);
    this.touch(v);
  }

  /** Scaling's UpdateInferenceComponentRuntimeConfig: the desired copy count. */
  setDesiredCopies(c: SimComponent, n: number): void {
    if (c.desired === 0 && n > 0) c.coldStarts++;
    c.desired = n;
    c.lastModifiedAt = this.sim.now;
    this.reconcile(c);
  }

  scalable(name: string): SimScalable | undefined {
    const c = this.components.get(name);
    if (!c) return undefined;
    c.scalable ??= {
      resourceId: c.resourceId,
      endpointName: c.spec.endpointName,
      unit: 'copy',
      desired: () => c.desired,
      serving: () => c.readyCount,
      accepting: () => c.status === 'InService',
      setDesired: (n) => this.setDesiredCopies(c, n),
      inProgress: () => c.pending() > 0,
      countScale: (d) => {
        if (d === 'out') c.scaleOuts++;
        else c.scaleIns++;
      },
    };
    return c.scalable;
  }

  /** Adds or removes copies until the component has `desired` of them (draining ones aside). */
  private reconcile(c: SimComponent): void {
    let active = 0;
    for (const k of c.copies) if (k.state !== COPY_DRAINING) active++;
    if (active < c.desired) {
      for (let i = active; i < c.desired; i++) {
        c.copies.push({
          id: this.nextCopy++,
          component: c,
          instance: undefined,
          state: COPY_WAITING,
          busy: 0,
        });
      }
    } else if (active > c.desired) {
      // The copies doing least go first: not yet placed, then booting, loading, idle, busy.
      let remove = active - c.desired;
      for (const state of [COPY_WAITING, COPY_PLACED, COPY_LOADING, COPY_READY, COPY_READY]) {
        for (let i = c.copies.length - 1; i >= 0 && remove > 0; i--) {
          const k = c.copies[i] as SimCopy;
          if (k.state !== state) continue;
          if (state === COPY_READY && k.busy > 0 && remove > 0 && this.idleReady(c) > 0) continue;
          this.removeCopy(k);
          remove--;
        }
      }
    }
    this.place(c.variant);
    this.touch(c.variant);
    this.checkSettled(c);
  }

  private idleReady(c: SimComponent): number {
    let n = 0;
    for (const k of c.copies) if (k.state === COPY_READY && k.busy === 0) n++;
    return n;
  }

  /** Takes a copy out of service: at once when idle, after its last request when busy. */
  private removeCopy(k: SimCopy): void {
    const c = k.component;
    if (k.state === COPY_READY) {
      this.advance(c);
      c.readyCount--;
      this.sample(c);
      if (k.busy > 0) {
        k.state = COPY_DRAINING;
        return;
      }
    }
    this.freeCopy(k);
  }

  /** Removes a copy now, whatever it is doing (its component is being deleted). */
  private dropCopy(k: SimCopy): void {
    const c = k.component;
    if (k.state === COPY_READY) {
      this.advance(c);
      c.readyCount--;
    }
    if (k.busy > 0) {
      c.inFlight -= k.busy;
      k.busy = 0;
    }
    this.freeCopy(k);
  }

  private freeCopy(k: SimCopy): void {
    const c = k.component;
    if (k.instance) {
      const u = this.usage.get(k.instance.id);
      if (u) {
        u.gpus -= c.spec.acceleratorsPerCopy;
        u.memoryMb -= c.spec.memoryMbPerCopy;
        u.copies--;
      }
    }
    k.state = COPY_DRAINING;
    k.instance = undefined;
    c.copies = c.copies.filter((x) => x !== k);
  }

  /** Puts waiting copies of the endpoint's components on instances with room, launching some if allowed. */
  private place(v: RealtimeVariant): void {
    for (const c of v.components) {
      for (const k of c.copies) {
        if (k.state !== COPY_WAITING) continue;
        const inst = this.roomFor(v, c) ?? (this.liveCount(v) < v.maxInstances ? this.launch(v) : undefined);
        if (!inst) continue;
        const u = this.usage.get(inst.id) as Usage;
        u.gpus += c.spec.acceleratorsPerCopy;
        u.memoryMb += c.spec.memoryMbPerCopy;
        u.copies++;
        k.instance = inst;
        if (inst.state === INST_READY) this.startLoad(k);
        else k.state = COPY_PLACED;
      }
    }
  }

  /** A running or booting instance with room for one more copy of `c`, ready ones first. */
  private roomFor(v: RealtimeVariant, c: SimComponent): SimInstance | undefined {
    const { gpus, memoryMb } = v.resources;
    let booting: SimInstance | undefined;
    for (const inst of v.ep.live) {
      if (inst.state !== INST_READY && inst.state !== INST_BOOTING) continue;
      const u = this.usage.get(inst.id);
      if (!u) continue;
      let fits: boolean;
      if (gpus === undefined && memoryMb === undefined)
        fits = u.copies === 0; // ASSUMED: one copy each
      else
        fits =
          (gpus === undefined || u.gpus + c.spec.acceleratorsPerCopy <= gpus) &&
          (memoryMb === undefined || u.memoryMb + c.spec.memoryMbPerCopy <= memoryMb);
      if (!fits) continue;
      if (inst.state === INST_READY) return inst;
      booting ??= inst;
    }
    return booting;
  }

  private startLoad(k: SimCopy, doneAt = this.sim.now + this.opts.modelLoadSeconds * 1000): void {
    k.state = COPY_LOADING;
    k.loadDoneAt = doneAt;
    this.at(doneAt, () => {
      if (k.state !== COPY_LOADING || k.instance?.state !== INST_READY) return;
      const c = k.component;
      this.advance(c);
      k.state = COPY_READY;
      c.readyCount++;
      this.sample(c);
      this.checkSettled(c);
    });
  }

  /** No copy is coming up any more: Creating ends and in-progress scaling activities complete. */
  private checkSettled(c: SimComponent): void {
    if (c.pending() > 0) return;
    if (c.status === 'Creating') {
      c.status = 'InService';
      c.lastModifiedAt = this.sim.now;
    }
    this.sim.aas.onCapacitySettled(c);
  }

  // ---------- invocations ----------

  /**
   * A request for `c` arriving now, served for `serviceMs` when a copy is free: INVOKE_OK,
   * INVOKE_NO_COPY or INVOKE_BUSY. The trace runner calls this directly; the port wraps it.
   */
  submit(c: SimComponent, serviceMs: number): number {
    if (c.readyCount === 0) {
      c.mNoCapacity++;
      c.noCapacityFailures++;
      return INVOKE_NO_COPY;
    }
    const cap = this.opts.maxConcurrentRequestsPerCopy;
    let best: SimCopy | undefined;
    for (const k of c.copies) {
      if (k.state !== COPY_READY || k.busy >= cap) continue;
      if (!best || k.busy < best.busy) best = k;
    }
    if (!best) {
      c.busyRejects++;
      return INVOKE_BUSY;
    }
    const k = best;
    this.advance(c);
    k.busy++;
    c.inFlight++;
    c.mInvocations++;
    c.invocations++;
    this.sample(c);
    this.at(this.sim.now + Math.max(0, serviceMs), () => this.complete(k));
    return INVOKE_OK;
  }

  private complete(k: SimCopy): void {
    if (k.busy === 0) return; // dropped with its component
    const c = k.component;
    this.advance(c);
    k.busy--;
    c.inFlight--;
    c.completed++;
    this.sample(c);
    if (k.state === COPY_DRAINING && k.busy === 0 && c.copies.includes(k)) {
      this.freeCopy(k);
      this.touch(c.variant);
    }
  }

  /** Resolves InvokeEndpoint's target: the component named, which must be on the endpoint. */
  componentFor(endpointName: string, componentName: string | undefined): SimComponent {
    const op = 'InvokeEndpoint';
    const ep = this.sim.endpoints.get(endpointName);
    if (!ep || ep.status === 'Deleting')
      throw new CloudError(
        `Endpoint ${endpointName} of account ${this.sim.opts.accountId} not found.`,
        'ValidationError',
        false,
        op,
      );
    const v = this.variants.get(ep.idx);
    if (!v)
      throw new CloudError(
        `Endpoint ${endpointName} is an asynchronous endpoint: use InvokeEndpointAsync.`,
        'ValidationError',
        false,
        op,
      );
    if (componentName === undefined)
      throw new CloudError(
        `Endpoint ${endpointName} hosts inference components: name one (InferenceComponentName).`,
        'ValidationError',
        false,
        op,
      );
    const c = this.components.get(componentName);
    if (!c || c.variant !== v)
      throw new CloudError(
        `Inference component ${componentName} not found on endpoint ${endpointName}.`,
        'ValidationError',
        false,
        op,
      );
    return c;
  }

  /** The error InvokeEndpoint gives for what `submit` refused. */
  noCapacityError(c: SimComponent, code: number): CloudError {
    const why =
      code === INVOKE_NO_COPY
        ? 'has no copy in service (it is at zero or still starting one)'
        : 'has every copy busy';
    return new CloudError(
      `Inference component ${c.name} ${why}: retry the request.`,
      NO_CAPACITY_ERROR,
      true,
      'InvokeEndpoint',
    );
  }

  // ---------- describe ----------

  describe(c: SimComponent): InferenceComponentState {
    return {
      ...structuredClone(c.spec),
      copyCount: c.desired,
      arn: c.arn,
      status: c.status,
      currentCopyCount: c.readyCount,
      desiredCopyCount: c.desired,
      createdAt: c.createdAt,
      lastModifiedAt: c.lastModifiedAt,
    };
  }

  list(endpointName?: string): InferenceComponentSummary[] {
    return [...this.components.values()]
      .filter((c) => endpointName === undefined || c.spec.endpointName === endpointName)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ name: c.name, arn: c.arn, endpointName: c.spec.endpointName, status: c.status }));
  }

  // ---------- metrics ----------

  /** Adds the time since the last change to the minute's areas. */
  private advance(c: SimComponent): void {
    const now = this.sim.now;
    const dt = now - c.areaAt;
    if (dt > 0) {
      c.concArea += c.inFlight * dt;
      c.copyArea += c.readyCount * dt;
    }
    c.areaAt = now;
  }

  /** Notes the current requests-per-copy for the minute's min and max. */
  private sample(c: SimComponent): void {
    if (c.readyCount === 0) return;
    const v = c.inFlight / c.readyCount;
    if (v < c.perCopyMin) c.perCopyMin = v;
    if (v > c.perCopyMax) c.perCopyMax = v;
  }

  private seriesFor(c: SimComponent): ComponentSeries {
    if (c.series) return c.series;
    const m = this.sim.metrics;
    const d = [{ name: 'InferenceComponentName', value: c.name }];
    c.series = {
      invocations: m.getOrCreate(SAGEMAKER_NAMESPACE, 'Invocations', d),
      invocationsPerCopy: m.getOrCreate(SAGEMAKER_NAMESPACE, 'InvocationsPerCopy', d),
      concurrentPerCopy: m.getOrCreate(SAGEMAKER_NAMESPACE, 'ConcurrentRequestsPerCopy', d),
      noCapacity: m.getOrCreate(SAGEMAKER_NAMESPACE, 'NoCapacityInvocationFailures', d),
    };
    return c.series;
  }

  /** Publishes the minute `minute` (absolute index) that ends now, for every component. */
  publishMinute(minute: number): void {
    for (const c of this.components.values()) {
      this.advance(c);
      const s = this.seriesFor(c);
      if (c.copyArea > 0) {
        const perCopy = c.concArea / c.copyArea;
        const min = Math.min(perCopy, c.perCopyMin);
        const max = Math.max(perCopy, c.perCopyMax);
        s.concurrentPerCopy.add(minute, perCopy, 1, min, max);
        const copies = c.copyArea / 60_000;
        const perCopyInv = c.mInvocations / copies;
        s.invocationsPerCopy.add(minute, perCopyInv, 1, perCopyInv, perCopyInv);
      }
      if (c.mInvocations > 0) s.invocations.add(minute, c.mInvocations, c.mInvocations, 1, 1);
      if (c.mNoCapacity > 0) s.noCapacity.add(minute, c.mNoCapacity, c.mNoCapacity, 1, 1);
      c.mInvocations = 0;
      c.mNoCapacity = 0;
      c.concArea = 0;
      c.copyArea = 0;
      c.perCopyMin = Infinity;
      c.perCopyMax = -Infinity;
      this.sample(c);
    }
  }

  // ---------- saved regions (state.ts) ----------

  /**
   * The real-time side of a saved region. SIMPLIFIED: requests in flight and the current minute's
   * partial metric counts are not kept (a CLI process waits for its own invocation to end before the
   * region is saved); every other timer is rebuilt from the state on load.
   */
  toJSON(): RealtimeJson {
    return {
      nextCopy: this.nextCopy,
      variants: [...this.variants.values()].map((v) => ({
        endpoint: v.ep.idx,
        minInstances: v.minInstances,
        maxInstances: v.maxInstances,
        cooldownMs: v.cooldownMs,
        stepSize: v.stepSize,
        lastOperationAt: v.lastOperationAt,
        releaseAt: Number.isFinite(v.releaseAt) ? v.releaseAt : null,
      })),
      components: [...this.components.values()].map((c) => ({
        spec: c.spec,
        arn: c.arn,
        createdAt: c.createdAt,
        lastModifiedAt: c.lastModifiedAt,
        status: c.status,
        desired: c.desired,
        totals: {
          invocations: c.invocations,
          noCapacityFailures: c.noCapacityFailures,
          busyRejects: c.busyRejects,
          completed: c.completed,
          coldStarts: c.coldStarts,
          scaleOuts: c.scaleOuts,
          scaleIns: c.scaleIns,
        },
        copies: c.copies
          .filter((k) => k.state !== COPY_DRAINING)
          .map((k) => ({
            id: k.id,
            instance: k.instance?.id ?? null,
            state: k.state,
            loadDoneAt: k.state === COPY_LOADING ? (k.loadDoneAt ?? this.sim.now) : null,
          })),
      })),
    };
  }

  /** Restores the real-time side once the engine's endpoints and instances are back. */
  load(j: RealtimeJson): void {
    this.nextCopy = j.nextCopy;
    for (const vj of j.variants) {
      const ep = this.sim.endpointByIdx[vj.endpoint];
      if (!ep) continue;
      ep.realtime = true;
      const v: RealtimeVariant = {
        ep,
        minInstances: vj.minInstances,
        maxInstances: vj.maxInstances,
        cooldownMs: vj.cooldownMs,
        stepSize: vj.stepSize,
        resources: instanceResources(ep.instanceType),
        components: [],
        lastOperationAt: vj.lastOperationAt,
        releaseAt: Infinity,
      };
      this.variants.set(ep.idx, v);
      for (const inst of ep.live) this.usage.set(inst.id, { gpus: 0, memoryMb: 0, copies: 0 });
      if (vj.releaseAt !== null) {
        const due = vj.releaseAt;
        v.releaseAt = due;
        this.at(due, () => this.release(v, due));
      }
    }
    for (const cj of j.components) {
      const ep = this.sim.endpoints.get(cj.spec.endpointName);
      const v = ep ? this.variants.get(ep.idx) : undefined;
      if (!v) continue;
      const c = new SimComponent(cj.spec, cj.arn, cj.createdAt, v);
      Object.assign(c, cj.totals);
      c.status = cj.status;
      c.desired = cj.desired;
      c.lastModifiedAt = cj.lastModifiedAt;
      c.areaAt = this.sim.now;
      for (const kj of cj.copies) {
        const inst = kj.instance === null ? undefined : this.sim.instanceById.get(kj.instance);
        const k: SimCopy = { id: kj.id, component: c, instance: inst, state: kj.state, busy: 0 };
        c.copies.push(k);
        const u = inst ? this.usage.get(inst.id) : undefined;
        if (u) {
          u.gpus += c.spec.acceleratorsPerCopy;
          u.memoryMb += c.spec.memoryMbPerCopy;
          u.copies++;
        }
        if (kj.state === COPY_READY) c.readyCount++;
        else if (kj.state === COPY_LOADING) this.startLoad(k, kj.loadDoneAt ?? this.sim.now);
      }
      this.components.set(c.name, c);
      v.components.push(c);
    }
  }
}
