// A reconcile that describes every resource of every endpoint costs about nine calls per endpoint,
// six times an hour. Most rounds find nothing to do, so the reconcile first compares fingerprints: the
// hash of what the config (and the tuner) want for an endpoint against the hash recorded the last time
// a full check found the cloud in sync with it. Only an endpoint that needs it is described in full:
// its desired state changed, telemetry saw it Failed, OutOfService or the like (not Updating: every
// scaling change shows that) or run another instance type since, a tuner change waits for it, or its
// last full check is older than the drift-check interval. Hand edits
// that telemetry cannot see (a scaling policy changed in the console) are therefore found within that
// interval (daemon.driftCheckMinutes), not at the next round.
import { createHash } from 'node:crypto';
import type { ScalingResourceSet } from '../scaling/build.js';
import { canonical } from '../provision/diff.js';
import type { DesiredEndpoint } from '../provision/desired.js';
import { META, type Store } from '../store/index.js';

export interface Verified {
  fingerprint: string;
  /** When a full check last found the cloud running exactly this. */
  at: number;
}

export function verifiedKey(endpoint: string): string {
  return `reconcile.verified.${endpoint}`;
}

export function desiredFingerprint(desired: DesiredEndpoint, scaling: ScalingResourceSet): string {
  return createHash('sha256').update(canonical({ desired, scaling })).digest('hex').slice(0, 16);
}

export async function recordVerified(
  store: Store,
  endpoint: string,
  fingerprint: string,
  now: number,
): Promise<void> {
  await store.meta.setJson(verifiedKey(endpoint), { fingerprint, at: now } satisfies Verified, now);
}

/** A full check found something to do (or could not finish): the next round checks in full again. */
export async function forgetVerified(store: Store, endpoint: string): Promise<void> {
  await store.meta.delete(verifiedKey(endpoint));
}

/** What telemetry last recorded of the endpoint (src/telemetry/poll.ts). */
interface ObservedStatus {
  status?: string;
  instanceType?: string;
  observedAt?: number;
}

/** Why the endpoint needs a full check this round, or undefined when the fingerprint vouches for it. */
export async function fullCheckReason(
  store: Store,
  endpoint: string,
  desired: DesiredEndpoint,
  fingerprint: string,
  now: number,
  intervalMs: number,
): Promise<string | undefined> {
  const v = await store.meta.getJson<Verified>(verifiedKey(endpoint));
  if (!v) return 'not verified since start-up or since its last change';
  if (v.fingerprint !== fingerprint) return 'its desired state changed';
  if (now - v.at >= intervalMs) return 'drift check due';
  const seen = await store.meta.getJson<ObservedStatus>(META.endpointStatus(endpoint));
  if (seen?.observedAt !== undefined && seen.observedAt > v.at) {
    // Updating is what every scale-out and scale-in of an async endpoint shows (capacity changes go
    // through UpdateEndpointWeightsAndCapacities), several times an hour on a busy endpoint: not a
    // reason to describe everything. A hand UpdateEndpoint also shows Updating; the drift check
    // interval finds it.
    if (seen.status !== undefined && seen.status !== 'InService' && seen.status !== 'Updating')
      return `telemetry saw it ${seen.status}`;
    if (seen.instanceType !== undefined && seen.instanceType !== desired.config.instanceType)
      return `telemetry saw it run ${seen.instanceType}`;
  }
  return undefined;
}
