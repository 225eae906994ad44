// Waits for an inference component to be InService (it is Creating until its first copy serves,
// which can take an instance launch) or gone, with progress, and SageMaker's FailureReason when it
// fails. Stops at once when the signal aborts, like waitForSettled.
import type { InferenceComponentState } from '../../cloud/types.js';
import { EndpointFailedError, formatDuration, type WaitOptions } from '../wait.js';

export async function waitForComponent(
  name: string,
  opts: WaitOptions,
  goal: 'InService' | 'gone' = 'InService',
): Promise<InferenceComponentState | undefined> {
  const start = opts.clock.now();
  for (;;) {
    opts.signal?.throwIfAborted();
    const c = await opts.cloud.getInferenceComponent(name);
    const elapsed = opts.clock.now() - start;
    if (!c) {
      if (goal === 'gone') return undefined;
      throw new EndpointFailedError(
        name,
        'the inference component disappeared while sagezero was waiting for it',
      );
    }
    if (goal === 'InService' && c.status === 'InService') {
      opts.progress(`${name}: InService after ${formatDuration(elapsed)}`);
      return c;
    }
    if (goal === 'InService' && c.status === 'Failed') {
      throw new EndpointFailedError(name, c.failureReason ?? 'inference component Failed');
    }
    opts.progress(`${name}: ${c.status} (${formatDuration(elapsed)} elapsed)`);
    if (elapsed >= opts.timeoutMs) {
      throw new EndpointFailedError(
        name,
        `still ${c.status} after ${formatDuration(elapsed)}; sagezero stopped waiting (run apply again to keep waiting)`,
      );
    }
    await opts.clock.sleep(opts.pollIntervalMs, opts.signal);
  }
}
