// tune.mode: apply — the tuner's chosen policy lives in the store and overrides the config's
// `scaling:` for that endpoint, so every reconcile (and the next tuner run) uses the policy in force.
//
// Each time the tuner changes that policy (a step, or the rollback of one) it also records the change
// (TunerChange): what the cloud ran before, what it wants now, and why. The reconcile reads it to tell
// sagezero's own change of desired state from drift: the difference between the two policies is the
// tuner's to apply and announce, and only a difference from what sagezero last put on the cloud is
// drift. The record stays pending until a reconcile has the cloud running the new policy, so a change
// that meets a busy endpoint, a failed call or a restart is still recognised as the tuner's later.
import type { Config, EndpointConfig } from '../config/load.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import type { Store } from '../store/index.js';
import { policyKey } from '../tune/space.js';

export function appliedKey(endpoint: string): string {
  return `tune.applied.${endpoint}`;
}

export function tunerChangeKey(endpoint: string): string {
  return `tune.change.${endpoint}`;
}

/** The config with each `mode: apply` endpoint's scaling replaced by the policy the tuner applied. */
export async function withTunedScaling(config: Config, store: Store): Promise<Config> {
  return { ...config, endpoints: await Promise.all(config.endpoints.map((e) => tunedEndpoint(e, store))) };
}

export async function tunedEndpoint(e: EndpointConfig, store: Store): Promise<EndpointConfig> {
  if (e.tune?.mode !== 'apply') return e;
  const applied = await store.meta.getJson<ScalingConfig>(appliedKey(e.name));
  return applied ? { ...e, scaling: applied } : e;
}

export type TunerChangeKind = 'step' | 'rollback';

/** A change of an endpoint's desired scaling policy made by the tuner (not by a person, not drift). */
export interface TunerChange {
  kind: TunerChangeKind;
  /** The policy sagezero last put on the cloud: what the cloud should run until this change is applied. */
  from: ScalingConfig;
  /** The policy the tuner wants (the same as `tune.applied.<endpoint>`). */
  to: ScalingConfig;
  at: number;
  /** Why: the step's expected saving, or the objective the step broke. */
  reason: string;
  /** When a reconcile found (or made) the cloud run `to`; unset while the change is pending. */
  onCloudAt?: number;
}

export async function tunerChange(store: Store, endpoint: string): Promise<TunerChange | undefined> {
  return await store.meta.getJson<TunerChange>(tunerChangeKey(endpoint));
}

/**
 * Makes `to` the endpoint's desired policy, as the tuner's own change: the next reconcile applies it and
 * says so ("applying tuner step", "rolling back tuner step") instead of reporting drift.
 */
export async function setTunedScaling(
  store: Store,
  endpoint: string,
  change: Omit<TunerChange, 'at' | 'onCloudAt'>,
  now: number,
): Promise<TunerChange> {
  // One transaction: a reconcile marking the previous change on the cloud between the read and the
  // writes would otherwise be lost, or attached to this change.
  return await store.transaction(async () => {
    const prev = await tunerChange(store, endpoint);
    // A change no reconcile has put on the cloud yet: the cloud still runs what came before it.
    const from = prev && prev.onCloudAt === undefined ? prev.from : change.from;
    const record: TunerChange = { ...change, from, at: now };
    // The record first: should the process die between the two writes, a record whose policy is not
    // the desired one is ignored (the change was never made), never the other way round.
    await store.meta.setJson(tunerChangeKey(endpoint), record, now);
    await store.meta.setJson(appliedKey(endpoint), change.to, now);
    return record;
  });
}

/** The tuner's change still to be put on the cloud, when `desired` is the policy it asked for. */
export async function pendingTunerChange(
  store: Store,
  endpoint: string,
  desired: ScalingConfig,
): Promise<TunerChange | undefined> {
  const c = await tunerChange(store, endpoint);
  if (!c || c.onCloudAt !== undefined) return undefined;
  return policyKey(c.to) === policyKey(desired) ? c : undefined;
}

/**
 * Records that the cloud runs `change` (the one a reconcile read as pending and applied). Only that
 * change: the tuner may have written a newer one while the reconcile awaited the cloud, and marking
 * the newer one would claim a policy the cloud does not run (and overwrite it with the older record).
 */
export async function markTunerChangeOnCloud(
  store: Store,
  endpoint: string,
  change: TunerChange,
  now: number,
): Promise<void> {
  await store.transaction(async () => {
    const c = await tunerChange(store, endpoint);
    if (c && c.at === change.at && c.onCloudAt === undefined)
      await store.meta.setJson(tunerChangeKey(endpoint), { ...c, onCloudAt: now }, now);
  });
}

/** What differs between two policies, one line per setting ("idle: target tracking (15 min) → step, 7 min"). */
export function describeScalingChange(from: ScalingConfig, to: ScalingConfig): string[] {
  const out: string[] = [];
  const line = (what: string, a: string, b: string): void => {
    if (a !== b) out.push(`${what}: ${a} → ${b}`);
  };
  line('minCapacity', String(from.minCapacity), String(to.minCapacity));
  line('maxCapacity', String(from.maxCapacity), String(to.maxCapacity));
  line(
    'targetBacklogPerInstance',
    String(from.targetBacklogPerInstance),
    String(to.targetBacklogPerInstance),
  );
  line('scaleOutCooldownSeconds', String(from.scaleOutCooldownSeconds), String(to.scaleOutCooldownSeconds));
  line('scaleInCooldownSeconds', String(from.scaleInCooldownSeconds), String(to.scaleInCooldownSeconds));
  const wake = (s: ScalingConfig): string =>
    s.wake === false ? 'none' : `${s.wake.evaluationPeriods} x ${s.wake.periodSeconds} s`;
  line('wake', wake(from), wake(to));
  const idle = (s: ScalingConfig): string =>
    s.idle.mode === 'step' ? `step, ${s.idle.minutes} min` : `target tracking (${s.idle.minutes} min)`;
  line('idle', idle(from), idle(to));
  const windows = (s: ScalingConfig): string =>
    s.keepWarm.length === 0
      ? 'none'
      : s.keepWarm.map((w) => `${w.from} to ${w.to} ${w.timezone} (min ${w.minCapacity})`).join('; ');
  line('keepWarm', windows(from), windows(to));
  return out;
}
