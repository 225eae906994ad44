// Endpoint creation takes about ten minutes: wait with progress, and stop with SageMaker's own
// FailureReason when it fails. The wait stops at once when its signal aborts (the daemon shutting
// down): the endpoint goes on being created in SageMaker, and the next run finds it Creating and waits
// for it there.
import type { Clock } from '../clock.js';
import type { Cloud, EndpointState } from '../cloud/types.js';

export interface WaitOptions {
  cloud: Cloud;
  clock: Clock;
  progress: (line: string) => void;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Stops the wait (rejecting with the signal's reason); what was asked of SageMaker goes on. */
  signal?: AbortSignal;
}

export class EndpointFailedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`endpoint ${endpoint} failed: ${reason}`);
    this.name = 'EndpointFailedError';
  }
}

const SETTLED = new Set(['InService', 'Failed', 'OutOfService', 'UpdateRollbackFailed']);

/** Waits until the endpoint leaves Creating/Updating/...; returns its state, or undefined once deleted. */
export async function waitForSettled(
  name: string,
  opts: WaitOptions,
  goal: 'InService' | 'gone' = 'InService',
): Promise<EndpointState | undefined> {
  const start = opts.clock.now();
  let lastStatus = '';
  for (;;) {
    opts.signal?.throwIfAborted();
    const ep = await opts.cloud.getEndpoint(name);
    const elapsed = opts.clock.now() - start;
    if (!ep) {
      if (goal === 'gone') return undefined;
      throw new EndpointFailedError(name, 'the endpoint disappeared while sagezero was waiting for it');
    }
    if (goal === 'InService' && SETTLED.has(ep.status)) {
      if (ep.status !== 'InService') {
        opts.progress(`${name}: ${ep.status} after ${formatDuration(elapsed)}`);
        throw new EndpointFailedError(name, ep.failureReason ?? `status ${ep.status}`);
      }
      opts.progress(`${name}: InService after ${formatDuration(elapsed)}`);
      return ep;
    }
    if (ep.status !== lastStatus || elapsed > 0) {
      opts.progress(`${name}: ${ep.status} (${formatDuration(elapsed)} elapsed)`);
      lastStatus = ep.status;
    }
    if (elapsed >= opts.timeoutMs) {
      throw new EndpointFailedError(
        name,
        `still ${ep.status} after ${formatDuration(elapsed)}; sagezero stopped waiting (run apply again to keep waiting)`,
      );
    }
    await opts.clock.sleep(opts.pollIntervalMs, opts.signal);
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
