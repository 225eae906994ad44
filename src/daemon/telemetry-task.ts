// The telemetry controller's task: one poll (src/telemetry/poll.ts) with a memory of what earlier
// polls saw, so DescribeEndpoint is called when an endpoint changes rather than every minute; the
// endpoint states it saw, for the alert rules; and one info line for each capacity change.
import type { EndpointState } from '../cloud/types.js';
import { pollOnce, PollMemory, type EndpointPoll } from '../telemetry/index.js';
import type { ControllerDeps } from './controllers.js';
import type { Logger } from './logger.js';
import type { Task } from './scheduler.js';

/** From this many endpoints on, telemetry learns of changes namespace-wide (PollMemory). */
export const MEMORY_FROM_ENDPOINTS = 3;

export type TelemetryTaskDeps = ControllerDeps;

export interface TelemetryTask {
  run: Task;
  /** Endpoint states as the last poll saw them (undefined: the endpoint does not exist). */
  states(): ReadonlyMap<string, EndpointState | undefined>;
}

export function telemetryTask(deps: TelemetryTaskDeps): TelemetryTask {
  const { cloud, clock, store, config, log } = deps;
  // The namespace-wide reads cost two calls a poll, so they pay from three endpoints on; with one or
  // two, describing each endpoint every poll is as cheap or cheaper.
  const memory = config.endpoints.length >= MEMORY_FROM_ENDPOINTS ? new PollMemory() : undefined;
  let states = new Map<string, EndpointState | undefined>();
  return {
    states: () => states,
    run: async () => {
      const r = await pollOnce({
        cloud,
        clock,
        store,
        config,
        recordRun: false,
        ...(memory ? { memory } : {}),
      });
      const next = new Map<string, EndpointState | undefined>();
      for (const e of r.endpoints) {
        if (e.error === undefined) next.set(e.endpoint, e.state);
        else if (states.has(e.endpoint)) next.set(e.endpoint, states.get(e.endpoint));
        logCapacityChange(log, e);
      }
      states = next;
      if (r.errors.length > 0) throw new Error(r.errors.join('; '));
    },
  };
}

/**
 * What the README tells a user to watch: every scale-out, wake from zero and scale-in, one line each
 * (the poll that noticed it; the store times it from the scaling activity).
 */
export function logCapacityChange(log: Logger, e: EndpointPoll): void {
  if (e.previous === undefined || e.previous === e.instances || e.instances < 0) return;
  const kind =
    e.previous === 0
      ? 'wake from zero'
      : e.instances === 0
        ? 'scale-in to zero'
        : e.instances > e.previous
          ? 'scale-out'
          : 'scale-in';
  log.info(
    { endpoint: e.endpoint, from: e.previous, to: e.instances, status: e.status },
    `${kind}: ${e.endpoint} ${e.previous} → ${e.instances} instance${e.instances === 1 ? '' : 's'}`,
  );
}
