// Application Auto Scaling in the simulated region: scalable targets, target-tracking policies (with
// the two alarms AAS creates and owns), step policies driven by alarms, scheduled actions, and the
// activity history DescribeScalingActivities returns.
//
// Rules (AAS documentation, and DESIGN.md "AWS facts"; docs/SIMULATOR.md tags each as documented or
// assumed):
// - target tracking scales out to ceil(metric x serving / target) when its high alarm (3 of 3 above
//   the target) is in ALARM, and scales in to the same proportional capacity when its low alarm (15 of
//   15 below 0.9 x target) is (documented: "How target tracking scaling for Application Auto Scaling
//   works"; any extra damping is the named, assumed option SimOptions.scaleInDamping). DisableScaleIn
//   drops the low alarm. A zero-instance endpoint wakes only once the backlog exceeds the target.
// - the scale-in cooldown runs from the completion of the previous scale-in activity, and a scale-out
//   ends it ("The amount of time, in seconds, after a scale in activity completes before another scale
//   in activity can start. [...] if another alarm triggers a scale out policy during the cooldown period
//   after a scale-in, application auto scaling scales out your scalable target immediately."
//   TargetTrackingScalingPolicyConfiguration.ScaleInCooldown, Application Auto Scaling API Reference).
// - step scaling applies the step whose bounds contain metric - threshold, where metric is the alarm's
//   datapoints aggregated with the policy's MetricAggregationType (StepScalingPolicyConfiguration,
//   Application Auto Scaling API Reference); during its cooldown a scale-in is refused and a scale-out
//   only adds what exceeds the capacity the cooldown started from.
// - alarms in ALARM invoke their Auto Scaling action at every evaluation (once a minute), not only on
//   the transition, so a policy acts again once its cooldown has passed.
// - a scheduled action sets min/max and moves the capacity into the new range ("How scheduled scaling
//   for Application Auto Scaling works"). When SageMaker refuses the change (endpoint Updating), the
//   sim retries every SimOptions.scheduledActionRetrySeconds until the capacity is in range: ASSUMED,
//   AWS documents no retry for scheduled actions; without one a keep-warm window that opens during an
//   update would never warm the endpoint, which users do not report.
import {
  CloudError,
  type AlarmSpec,
  type ScalableResourceId,
  type ScalableTargetSpec,
  type ScalableTargetState,
  type ScalingActivity,
  scalableDimensionOf,
  type ScalingPolicySpec,
  type ScalingPolicyState,
  type ScheduledActionSpec,
  type ScheduledActionState,
  type TargetTrackingPolicySpec,
  isPredefinedMetric,
} from '../types.js';
import { aggregateValues, latestValue } from './alarm-eval.js';
import { EV_SCHEDULED, type SimEngine } from './engine.js';
import {
  activityCause,
  type SimActivity,
  type SimAlarm,
  type SimPolicy,
  type SimScheduledAction,
  type SimTarget,
} from './entities.js';
import { variantScalable, type SimScalable } from './scalable.js';
import { parseSchedule, ScheduleError, type ParsedSchedule } from './schedule.js';
import {
  applyAdjustment,
  clamp,
  scaleInCapacity,
  selectStep,
  targetTrackingCapacity,
} from './scaling-math.js';

const RESOURCE_RE = /^endpoint\/([^/]+)\/variant\/([^/]+)$/;
const COMPONENT_PREFIX = 'inference-component/';

/** "No scalable target registered for ..." as AAS words it, with the resource's own dimension. */
function noTarget(resourceId: string, operation: string): CloudError {
  return notFound(
    `No scalable target registered for service namespace: sagemaker, resource ID: ${resourceId}, scalable dimension: ${scalableDimensionOf(resourceId)}`,
    operation,
  );
}

function notFound(message: string, operation: string): CloudError {
  return new CloudError(message, 'ObjectNotFoundException', false, operation);
}

function validation(message: string, operation: string): CloudError {
  return new CloudError(message, 'ValidationException', false, operation);
}

export class AutoScaling {
  readonly targets = new Map<ScalableResourceId, SimTarget>();
  /** By ARN. */
  readonly policies = new Map<string, SimPolicy>();
  readonly scheduled: (SimScheduledAction | undefined)[] = [];
  readonly activities = new Map<ScalableResourceId, SimActivity[]>();
  private readonly parsedSchedules = new Map<number, ParsedSchedule>();
  /** Scheduled actions (by slot) whose move into the new range failed: when the retry is due. */
  private readonly scheduledRetryAt = new Map<number, number>();
  /** Target-tracking policies whose scale-in activity is still in progress (cooldown not started). */
  private readonly scaleInPending = new Set<SimPolicy>();
  /** One copy of each activity description and cause text (activities repeat the same few). */
  private readonly texts = new Map<string, string>();

  constructor(private readonly sim: SimEngine) {}

  // ---------- targets ----------

  getTarget(resourceId: string): ScalableTargetState | undefined {
    const t = this.targets.get(resourceId);
    return t ? structuredClone(t) : undefined;
  }

  registerTarget(spec: ScalableTargetSpec): void {
    const op = 'RegisterScalableTarget';
    if (spec.resourceId.startsWith(COMPONENT_PREFIX)) {
      if (!this.scalableOf(spec.resourceId))
        throw validation(`The inference component ${spec.resourceId} does not exist.`, op);
    } else {
      const m = RESOURCE_RE.exec(spec.resourceId);
      if (!m)
        throw validation(
          `ResourceId "${spec.resourceId}" is not endpoint/<name>/variant/<variant> or inference-component/<name>.`,
          op,
        );
      const ep = this.sim.endpoints.get(m[1] as string);
      if (!ep || ep.variantName !== m[2]) {
        throw validation(`The endpoint variant ${spec.resourceId} does not exist.`, op);
      }
    }
    if (spec.minCapacity < 0 || spec.maxCapacity < spec.minCapacity) {
      throw validation(
        `MinCapacity (${spec.minCapacity}) must be between 0 and MaxCapacity (${spec.maxCapacity}).`,
        op,
      );
    }
    const existing = this.targets.get(spec.resourceId);
    const target: SimTarget = {
      resourceId: spec.resourceId,
      minCapacity: spec.minCapacity,
      maxCapacity: spec.maxCapacity,
      tags: { ...(existing?.tags ?? {}), ...spec.tags },
      createdAt: existing?.createdAt ?? this.sim.now,
      arn:
        existing?.arn ??
        this.sim.arn(
          'application-autoscaling',
          `scalable-target/${this.sim.uuid().replace(/-/g, '').slice(0, 28)}`,
        ),
    };
    this.targets.set(spec.resourceId, target);
    this.moveIntoRange(target, 'registered scalable target was updated');
  }

  deregisterTarget(resourceId: string): void {
    if (!this.targets.delete(resourceId)) throw noTarget(resourceId, 'DeregisterScalableTarget');
    for (const p of [...this.policies.values()]) {
      if (p.spec.resourceId === resourceId) this.removePolicy(p);
    }
    this.scheduled.forEach((a, i) => {
      if (a && a.spec.resourceId === resourceId) this.scheduled[i] = undefined;
    });
  }

  // ---------- policies ----------

  listPolicies(resourceId: string): ScalingPolicyState[] {
    return [...this.policies.values()]
      .filter((p) => p.spec.resourceId === resourceId)
      .map((p) => ({ ...structuredClone(p.spec), policyArn: p.arn, alarmNames: [...p.alarmNames] }));
  }

  putPolicy(spec: ScalingPolicySpec): string {
    const op = 'PutScalingPolicy';
    if (!this.targets.has(spec.resourceId)) throw noTarget(spec.resourceId, op);
    if (spec.type === 'TargetTracking' && !(spec.targetValue > 0))
      throw validation('TargetValue must be positive.', op);
    if (spec.type === 'StepScaling' && spec.stepAdjustments.length === 0)
      throw validation('StepAdjustments must not be empty.', op);
    const existing = this.findPolicy(spec.resourceId, spec.policyName);
    const arn =
      existing?.arn ??
      this.sim.arn(
        'autoscaling',
        `scalingPolicy:${this.sim.uuid()}:resource/sagemaker/${spec.resourceId}:policyName/${spec.policyName}`,
      );
    const policy: SimPolicy = {
      spec: structuredClone(spec),
      arn,
      alarmNames: [],
      createdAt: existing?.createdAt ?? this.sim.now,
      lastScaleInAt: existing?.lastScaleInAt ?? -Infinity,
      lastScaleOutAt: existing?.lastScaleOutAt ?? -Infinity,
      cooldownUntil: existing?.cooldownUntil ?? -Infinity,
      cooldownBase: existing?.cooldownBase ?? 0,
    };
    if (existing && existing.spec.type === 'TargetTracking') {
      for (const name of existing.alarmNames) this.sim.cw.alarms.delete(name);
    }
    this.policies.set(arn, policy);
    if (spec.type === 'TargetTracking') policy.alarmNames = this.createTargetTrackingAlarms(policy, spec);
    return arn;
  }

  deletePolicy(resourceId: string, policyName: string): void {
    const p = this.findPolicy(resourceId, policyName);
    if (!p)
      throw notFound(
        `No scaling policy found for service namespace: sagemaker, resource ID: ${resourceId}, policy name: ${policyName}`,
        'DeleteScalingPolicy',
      );
    this.removePolicy(p);
  }

  private findPolicy(resourceId: string, policyName: string): SimPolicy | undefined {
    for (const p of this.policies.values()) {
      if (p.spec.resourceId === resourceId && p.spec.policyName === policyName) return p;
    }
    return undefined;
  }

  private removePolicy(p: SimPolicy): void {
    this.policies.delete(p.arn);
    this.scaleInPending.delete(p);
    if (p.spec.type === 'TargetTracking') for (const name of p.alarmNames) this.sim.cw.alarms.delete(name);
  }

  private createTargetTrackingAlarms(policy: SimPolicy, spec: TargetTrackingPolicySpec): string[] {
    const uuid = this.sim.uuid();
    const base = `TargetTracking-${spec.resourceId}`;
    const metric = { ...trackedMetric(spec), periodSeconds: 60 };
    const make = (role: 'high' | 'low'): SimAlarm => {
      const name = `${base}-Alarm${role === 'high' ? 'High' : 'Low'}-${uuid}`;
      const alarmSpec: AlarmSpec = {
        name,
        description: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.arn}.`,
        metric,
        evaluationPeriods: role === 'high' ? 3 : 15,
        datapointsToAlarm: role === 'high' ? 3 : 15,
        threshold: role === 'high' ? spec.targetValue : spec.targetValue * 0.9,
        comparisonOperator: role === 'high' ? 'GreaterThanThreshold' : 'LessThanThreshold',
        treatMissingData: 'missing',
        alarmActions: [policy.arn],
        tags: {},
      };
      return {
        spec: alarmSpec,
        arn: this.sim.arn('cloudwatch', `alarm:${name}`),
        stateValue: 'INSUFFICIENT_DATA',
        stateUpdatedAt: this.sim.now,
        targetTracking: { policyArn: policy.arn, role },
      };
    };
    const alarms = [make('high')];
    if (!spec.disableScaleIn) alarms.push(make('low'));
    for (const a of alarms) this.sim.cw.add(a);
    return alarms.map((a) => a.spec.name);
  }

  // ---------- scheduled actions ----------

  listScheduled(resourceId: string): ScheduledActionState[] {
    return this.scheduled
      .filter((a): a is SimScheduledAction => a !== undefined && a.spec.resourceId === resourceId)
      .map((a) => ({ ...structuredClone(a.spec), arn: a.arn }));
  }

  putScheduled(spec: ScheduledActionSpec): void {
    const op = 'PutScheduledAction';
    if (!this.targets.has(spec.resourceId)) throw noTarget(spec.resourceId, op);
    let parsed: ParsedSchedule;
    try {
      parsed = parseSchedule(spec.schedule, spec.timezone ?? 'UTC', this.sim.now);
    } catch (e) {
      if (e instanceof ScheduleError) throw validation(e.message, op);
      throw e;
    }
    const idx = this.scheduled.findIndex(
      (a) => a?.spec.resourceId === spec.resourceId && a.spec.name === spec.name,
    );
    const existing = idx >= 0 ? this.scheduled[idx] : undefined;
    const action: SimScheduledAction = {
      spec: structuredClone(spec),
      arn:
        existing?.arn ??
        this.sim.arn(
          'autoscaling',
          `scheduledAction:${this.sim.uuid()}:resource/sagemaker/${spec.resourceId}:scheduledActionName/${spec.name}`,
        ),
      createdAt: existing?.createdAt ?? this.sim.now,
      nextAt: Infinity,
      version: (existing?.version ?? 0) + 1,
    };
    const slot = idx >= 0 ? idx : this.scheduled.length;
    this.scheduled[slot] = action;
    this.scheduledRetryAt.delete(slot);
    this.parsedSchedules.set(slot, parsed);
    this.armScheduled(slot, this.sim.now);
  }

  deleteScheduled(resourceId: string, name: string): void {
    const idx = this.scheduled.findIndex((a) => a?.spec.resourceId === resourceId && a.spec.name === name);
    if (idx < 0)
      throw notFound(
        `No scheduled action found for resource ID: ${resourceId}, scheduled action name: ${name}`,
        'DeleteScheduledAction',
      );
    this.scheduled[idx] = undefined;
    this.parsedSchedules.delete(idx);
    this.scheduledRetryAt.delete(idx);
  }

  /** (Re)queues the next fire time of a scheduled action after `after`. */
  armScheduled(idx: number, after: number): void {
    const action = this.scheduled[idx];
    if (!action) return;
    let parsed = this.parsedSchedules.get(idx);
    if (!parsed) {
      parsed = parseSchedule(action.spec.schedule, action.spec.timezone ?? 'UTC', action.createdAt);
      this.parsedSchedules.set(idx, parsed);
    }
    const next = parsed.next(after);
    action.nextAt = next ?? Infinity;
    if (next !== undefined) this.sim.heap.push(next, EV_SCHEDULED, idx);
  }

  fireScheduled(idx: number, time: number): void {
    const action = this.scheduled[idx];
    if (!action) return;
    if (this.scheduledRetryAt.get(idx) === time && action.nextAt !== time) {
      this.retryScheduled(idx, action, time);
      return;
    }
    if (action.nextAt !== time) return;
    this.scheduledRetryAt.delete(idx);
    const target = this.targets.get(action.spec.resourceId);
    if (target) {
      if (action.spec.minCapacity !== undefined) target.minCapacity = action.spec.minCapacity;
      if (action.spec.maxCapacity !== undefined) target.maxCapacity = action.spec.maxCapacity;
      const cause = `scheduled action name ${action.spec.name} was triggered`;
      this.recordActivity(target.resourceId, {
        description: `Setting min capacity to ${target.minCapacity} and max capacity to ${target.maxCapacity}`,
        cause,
        statusCode: 'Successful',
      });
      if (!this.moveIntoRange(target, cause)) this.queueScheduledRetry(idx, time);
    }
    this.armScheduled(idx, time);
  }

  /** Tries again to bring the capacity into the range a scheduled action set (assumed; see header). */
  private retryScheduled(idx: number, action: SimScheduledAction, time: number): void {
    this.scheduledRetryAt.delete(idx);
    const target = this.targets.get(action.spec.resourceId);
    if (!target) return;
    const cause = `scheduled action name ${action.spec.name} was triggered`;
    if (!this.moveIntoRange(target, cause)) this.queueScheduledRetry(idx, time);
  }

  private queueScheduledRetry(idx: number, time: number): void {
    const retryMs = this.sim.opts.scheduledActionRetrySeconds * 1000;
    if (!(retryMs > 0)) return;
    const at = time + retryMs;
    this.scheduledRetryAt.set(idx, at);
    this.sim.heap.push(at, EV_SCHEDULED, idx);
  }

  // ---------- scaling ----------

  private readonly parsedIds = new Map<string, { endpoint: string; variant: string } | null>();

  /** The variant or inference component a resource id names, as something to scale. */
  private scalableOf(resourceId: string): SimScalable | undefined {
    if (resourceId.startsWith(COMPONENT_PREFIX))
      return this.sim.realtime.scalable(resourceId.slice(COMPONENT_PREFIX.length));
    let parsed = this.parsedIds.get(resourceId);
    if (parsed === undefined) {
      const m = RESOURCE_RE.exec(resourceId);
      parsed = m ? { endpoint: m[1] as string, variant: m[2] as string } : null;
      this.parsedIds.set(resourceId, parsed);
    }
    if (!parsed) return undefined;
    const ep = this.sim.endpoints.get(parsed.endpoint);
    return ep && ep.variantName === parsed.variant ? variantScalable(this.sim, ep) : undefined;
  }

  /**
   * Brings the desired count inside [min, max] after the range changed. False when the capacity is
   * still outside the range (SageMaker refused the change).
   */
  private moveIntoRange(target: SimTarget, cause: string): boolean {
    const ep = this.scalableOf(target.resourceId);
    if (!ep) return true;
    const want = clamp(ep.desired(), target.minCapacity, target.maxCapacity);
    if (want === ep.desired()) return true;
    return this.setCapacity(target, ep, want, cause);
  }

  /** Changes the desired instance (or copy) count as AAS would, and records the activity. */
  private setCapacity(target: SimTarget, ep: SimScalable, want: number, cause: string): boolean {
    const current = ep.desired();
    if (want === current) return false;
    // ASSUMED wording for components: "copy count" where SageMaker variants say "instance count".
    const description = `Setting desired ${ep.unit} count to ${want}.`;
    if (!ep.accepting()) {
      // SageMaker refuses a capacity change while the endpoint is Creating or Updating; the alarm
      // will invoke the policy again next minute. One failed activity per streak is enough history.
      const last = this.activities.get(target.resourceId)?.at(-1);
      if (last?.statusCode === 'Failed' && last.desiredCapacity === want) return false;
      this.recordActivity(target.resourceId, {
        description,
        cause,
        statusCode: 'Failed',
        desiredCapacity: want,
        endpoint: ep.endpointName,
      });
      return false;
    }
    ep.setDesired(want);
    if (want > current) {
      ep.countScale('out');
      this.endScaleInCooldowns(target.resourceId);
    } else ep.countScale('in');
    this.recordActivity(target.resourceId, {
      description,
      cause,
      statusCode: ep.inProgress() ? 'InProgress' : 'Successful',
      desiredCapacity: want,
      endpoint: ep.endpointName,
    });
    return true;
  }

  private recordActivity(
    resourceId: string,
    a: Pick<ScalingActivity, 'description' | 'cause' | 'statusCode'> & {
      desiredCapacity?: number;
      endpoint?: string;
    },
  ): void {
    const list = this.activities.get(resourceId) ?? [];
    const activity: SimActivity = {
      activityId: this.sim.uuid(),
      resourceId,
      description: this.shared(a.description),
      causeText: this.shared(a.cause),
      startTime: this.sim.now,
      statusCode: a.statusCode,
    };
    if (a.statusCode !== 'InProgress') activity.endTime = this.sim.now;
    if (a.desiredCapacity !== undefined) activity.desiredCapacity = a.desiredCapacity;
    if (a.endpoint !== undefined) activity.endpoint = a.endpoint;
    list.push(activity);
    this.activities.set(resourceId, list);
  }

  /**
   * A scale-out during a scale-in cooldown happens at once and ends the cooldown
   * (TargetTrackingScalingPolicyConfiguration.ScaleInCooldown, Application Auto Scaling API Reference).
   */
  private endScaleInCooldowns(resourceId: string): void {
    for (const p of this.policies.values()) {
      if (p.spec.resourceId !== resourceId || p.spec.type !== 'TargetTracking') continue;
      p.lastScaleInAt = -Infinity;
      this.scaleInPending.delete(p);
    }
  }

  /** Marks in-progress activities done once no instance (or copy) of the target is coming up. */
  onCapacitySettled(ep: { resourceId: string }): void {
    // A scale-in whose activity was in progress completes now: its cooldown starts here.
    for (const p of this.scaleInPending) {
      if (p.spec.resourceId !== ep.resourceId) continue;
      p.lastScaleInAt = this.sim.now;
      this.scaleInPending.delete(p);
    }
    const list = this.activities.get(ep.resourceId);
    if (!list) return;
    // In-progress activities are recent; failed attempts may have been recorded after them.
    for (let i = list.length - 1; i >= Math.max(0, list.length - 50); i--) {
      const a = list[i] as SimActivity;
      if (a.statusCode !== 'InProgress') continue;
      a.statusCode = 'Successful';
      a.endTime = this.sim.now;
    }
  }

  listActivities(resourceId: string, since: number): ScalingActivity[] {
    const list = this.activities.get(resourceId) ?? [];
    const out: ScalingActivity[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const a = list[i] as SimActivity;
      if (a.startTime < since) break;
      const { endpoint: _endpoint, causeText: _cause, ...rest } = a;
      out.push({ ...rest, cause: activityCause(a) });
    }
    return out;
  }

  listAllActivities(since: number): ScalingActivity[] {
    const out: ScalingActivity[] = [];
    for (const resourceId of this.activities.keys()) out.push(...this.listActivities(resourceId, since));
    return out.sort((a, b) => b.startTime - a.startTime);
  }

  private shared(text: string): string {
    let t = this.texts.get(text);
    if (t === undefined) {
      // A string built from parts is a tree of them until flattened; keep one flat copy.
      t = Buffer.from(text).toString();
      this.texts.set(t, t);
    }
    return t;
  }

  /** Forgets activities that started before `before` (SimOptions.activityRetentionDays). */
  trimActivities(before: number): void {
    // Texts of alarms and actions long gone would otherwise stay; sharing simply starts over.
    if (this.texts.size > 10_000) this.texts.clear();
    for (const [k, list] of this.activities) {
      // Recorded in start order, so the expired ones are a prefix.
      let drop = 0;
      while (drop < list.length && (list[drop] as SimActivity).startTime < before) drop++;
      if (drop === list.length) this.activities.delete(k);
      else if (drop > 0) list.splice(0, drop);
    }
  }

  /** An alarm in ALARM invokes a policy by ARN. */
  invoke(policyArn: string, alarm: SimAlarm, values: Float64Array): void {
    const policy = this.policies.get(policyArn);
    if (!policy) return;
    const target = this.targets.get(policy.spec.resourceId);
    if (!target) return;
    const ep = this.scalableOf(target.resourceId);
    if (!ep) return;
    const cause = `monitor alarm ${alarm.spec.name} in state ALARM triggered policy ${policy.spec.policyName}`;
    if (policy.spec.type === 'TargetTracking') {
      if (!alarm.targetTracking) return;
      this.targetTracking(policy, policy.spec, alarm.targetTracking.role, target, ep, values, cause);
    } else {
      this.stepScaling(policy, target, ep, alarm, values, cause);
    }
  }

  private targetTracking(
    policy: SimPolicy,
    spec: TargetTrackingPolicySpec,
    role: 'high' | 'low',
    target: SimTarget,
    ep: SimScalable,
    values: Float64Array,
    cause: string,
  ): void {
    const now = this.sim.now;
    if (role === 'low' && (spec.disableScaleIn || ep.desired() === 0)) return;
    const metric = latestValue(values);
    if (metric === undefined) return;
    const serving = ep.serving();
    const proportional = targetTrackingCapacity(metric, spec.targetValue, serving);
    const current = ep.desired();
    if (role === 'high') {
      const want = clamp(Math.max(proportional, current), target.minCapacity, target.maxCapacity);
      if (want > current && this.setCapacity(target, ep, want, cause)) policy.lastScaleOutAt = now;
      return;
    }
    if (spec.disableScaleIn || current === 0) return;
    // The cooldown runs from the completion of the previous scale-in activity (see the header).
    if (this.scaleInPending.has(policy)) return;
    if (now < policy.lastScaleInAt + spec.scaleInCooldownSeconds * 1000) return;
    const want = clamp(
      scaleInCapacity(current, proportional, this.sim.opts.scaleInDamping),
      target.minCapacity,
      target.maxCapacity,
    );
    if (want < current && this.setCapacity(target, ep, want, cause)) {
      // setCapacity records the activity InProgress while instances boot; it completes at settle.
      if (ep.inProgress()) this.scaleInPending.add(policy);
      else policy.lastScaleInAt = now;
    }
  }

  private stepScaling(
    policy: SimPolicy,
    target: SimTarget,
    ep: SimScalable,
    alarm: SimAlarm,
    values: Float64Array,
    cause: string,
  ): void {
    if (policy.spec.type !== 'StepScaling') return;
    const spec = policy.spec;
    const now = this.sim.now;
    const metric = aggregateValues(values, spec.metricAggregationType ?? 'Average') ?? alarm.spec.threshold;
    const step = selectStep(spec.stepAdjustments, metric - alarm.spec.threshold);
    if (!step) return;
    const current = ep.desired();
    if (now < policy.cooldownUntil) {
      const want = clamp(
        applyAdjustment(spec.adjustmentType, step.scalingAdjustment, policy.cooldownBase),
        target.minCapacity,
        target.maxCapacity,
      );
      if (want > current) this.setCapacity(target, ep, want, cause);
      return;
    }
    const want = clamp(
      applyAdjustment(spec.adjustmentType, step.scalingAdjustment, current),
      target.minCapacity,
      target.maxCapacity,
    );
    if (this.setCapacity(target, ep, want, cause)) {
      policy.cooldownUntil = now + spec.cooldownSeconds * 1000;
      policy.cooldownBase = current;
    }
  }
}

/**
 * The metric a target-tracking policy's alarms watch. A predefined metric names no namespace or
 * dimensions (isPredefinedMetric); AWS resolves it to the resource's own metric. The one sagezero
 * writes, SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution, is the component's
 * ConcurrentRequestsPerCopy (AWS/SageMaker, InferenceComponentName):
 * https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 * (the region publishes it per minute, realtime.ts). Other predefined types keep their name, so their
 * alarms see no data, as before.
 */
function trackedMetric(
  spec: TargetTrackingPolicySpec,
): Omit<NonNullable<AlarmSpec['metric']>, 'periodSeconds'> {
  if (
    isPredefinedMetric(spec) &&
    spec.metricName === 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' &&
    spec.resourceId.startsWith('inference-component/')
  ) {
    return {
      namespace: 'AWS/SageMaker',
      metricName: 'ConcurrentRequestsPerCopy',
      dimensions: [
        { name: 'InferenceComponentName', value: spec.resourceId.slice('inference-component/'.length) },
      ],
      statistic: spec.statistic,
    };
  }
  return {
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: structuredClone(spec.dimensions),
    statistic: spec.statistic,
  };
}
