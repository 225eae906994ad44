// The cloud port for a leader's work: every call that changes AWS state or invokes an endpoint first
// checks that the leader's term still holds the lease (src/store/leases.ts), and is refused with
// LeaseFencedError once another process has taken over. Reads pass through.
//
// What this does not do: AWS has no conditional write that could carry the term, so the check runs
// immediately before each call, not with it. A process that pauses between the check and the call
// (a GC pause, SIGSTOP, a stalled network) still makes the call when it resumes. That window is
// bounded only by the lease: a standby takes over no sooner than the lease's TTL after the leader's
// last renewal, and the leader renews every third of the TTL, so a pause must outlast about two
// thirds of the TTL, between two instructions, to overlap a new leader's work. Keep leaseSeconds well
// above the pauses the host can have.
import type { Cloud } from './types.js';

export type CloudAccess = 'read' | 'act';

type CloudMethod = {
  [K in keyof Cloud]: Cloud[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Cloud];

/**
 * Every method of the port: 'act' when it changes AWS state or invokes an endpoint. The type requires
 * each method, so a new one does not compile until it is classified here.
 */
export const CLOUD_ACCESS: { readonly [K in CloudMethod]-?: CloudAccess } = {
  accountId: 'read',
  getModel: 'read',
  createModel: 'act',
  deleteModel: 'act',
  listModels: 'read',
  getEndpointConfig: 'read',
  createEndpointConfig: 'act',
  deleteEndpointConfig: 'act',
  listEndpointConfigs: 'read',
  getEndpoint: 'read',
  listEndpoints: 'read',
  createEndpoint: 'act',
  updateEndpoint: 'act',
  deleteEndpoint: 'act',
  setDesiredInstanceCount: 'act',
  getScalableTarget: 'read',
  registerScalableTarget: 'act',
  deregisterScalableTarget: 'act',
  listScalingPolicies: 'read',
  putScalingPolicy: 'act',
  deleteScalingPolicy: 'act',
  listScheduledActions: 'read',
  putScheduledAction: 'act',
  deleteScheduledAction: 'act',
  listScalingActivities: 'read',
  listAllScalingActivities: 'read',
  listAlarms: 'read',
  putAlarm: 'act',
  deleteAlarms: 'act',
  getMetricData: 'read',
  putObject: 'act',
  getObject: 'read',
  deleteObject: 'act',
  invokeEndpointAsync: 'act',
  getInferenceComponent: 'read',
  createInferenceComponent: 'act',
  updateInferenceComponent: 'act',
  deleteInferenceComponent: 'act',
  listInferenceComponents: 'read',
  invokeEndpoint: 'act',
  tagResource: 'act',
};

const isAct = (prop: string | symbol): boolean =>
  typeof prop === 'string' && (CLOUD_ACCESS as Record<string, CloudAccess | undefined>)[prop] === 'act';

/**
 * `cloud` with every acting call preceded by `check`, which throws (LeaseFencedError) unless the
 * caller's term still holds the lease. A refused call never reaches the cloud.
 *
 * A proxy rather than a copy of the port: what the implementation has beyond the port (the
 * simulated cloud's random source, `instanceof SimCloud` for its own bill) stays visible.
 */
export function fencedCloud<C extends Cloud>(cloud: C, check: () => Promise<void>): C {
  // One wrapper per method, made again if the method is replaced (a test's stub).
  const wrappers = new Map<string | symbol, { method: unknown; fn: unknown }>();
  return new Proxy(cloud, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(prop);
      if (known?.method === value) return known.fn;
      const method = value as (...args: unknown[]) => unknown;
      const fn = isAct(prop)
        ? async (...args: unknown[]) => {
            await check();
            return await method.apply(target, args);
          }
        : method.bind(target);
      wrappers.set(prop, { method: value, fn });
      return fn;
    },
  });
}
