// Idle share: the minutes of an endpoint's life in the window with no work, over all those minutes.
// A minute has work when a request arrived, waited or was processed in it. SageMaker publishes no
// datapoint for a minute without requests (real-time Invocations) and the backlog only while the
// endpoint exists, so a missing datapoint counts as no work.
import type { EndpointKind, EndpointMinutes, IdleFigures } from './types.js';

const MINUTE_MS = 60_000;

/** Whether each minute of `m` had work. */
export function busyMinutes(kind: EndpointKind, m: EndpointMinutes): Uint8Array {
  const busy = new Uint8Array(m.minutes);
  const names =
    kind === 'async'
      ? ['InvocationsProcessed', 'ApproximateBacklogSize', 'InvocationFailures']
      : ['Invocations'];
  for (const name of names) {
    const s = m.series[name];
    if (!s) continue;
    for (let i = 0; i < m.minutes; i++) if ((s[i] as number) > 0) busy[i] = 1;
  }
  return busy;
}

/** The endpoint's life inside the window as minute indexes [from, to): from its first whole minute on. */
export function lifeMinutes(m: EndpointMinutes, createdAt: number): { from: number; to: number } {
  const from = Math.min(m.minutes, Math.max(0, Math.ceil((createdAt - m.start) / MINUTE_MS)));
  return { from, to: m.minutes };
}

export function idleShare(busy: Uint8Array, from: number, to: number): IdleFigures {
  const minutes = Math.max(0, to - from);
  let idle = 0;
  for (let i = from; i < to; i++) if (!busy[i]) idle++;
  return { minutes, idleMinutes: idle, share: minutes > 0 ? idle / minutes : null };
}
