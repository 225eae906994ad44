// Telemetry of real-time endpoints with inference components. Their variant's instances are billed
// like an async endpoint's and are recorded the same way (poll.ts, keyed by endpoint and variant);
// this adds each component's copy count, which the report needs to share the instance-hours among
// the components that used them. Copy counts go to the same transition table under a key that no
// SageMaker variant name can take (variant names have no colon), so no new table is needed.
import type { Cloud } from '../cloud/types.js';
import type { Store } from '../store/index.js';

export interface RealtimePollEndpoint {
  name: string;
  variantName: string;
  /** `componentName` is the SageMaker InferenceComponentName. */
  components: readonly { componentName: string }[];
}

/** The `variant` under which a component's copy count is recorded in instance_transitions. */
export function componentCopiesKey(componentName: string): string {
  return `component:${componentName}`;
}

/**
 * Records each component's copies (the larger of current and desired: a copy being placed already
 * holds its accelerators, as a booting instance already bills) when it changed. One
 * DescribeInferenceComponent per component: called only when the endpoint itself was described, that
 * is when something about it moved (poll-memory.ts also watches the components' scaling activities).
 * Returns the components whose count changed.
 */
export async function pollComponentCopies(
  cloud: Cloud,
  store: Store,
  endpoint: RealtimePollEndpoint,
  now: number,
): Promise<string[]> {
  const changed: string[] = [];
  const states = await Promise.all(
    endpoint.components.map((c) => cloud.getInferenceComponent(c.componentName)),
  );
  await store.transaction(async () => {
    for (const [i, c] of endpoint.components.entries()) {
      const s = states[i];
      const copies = s ? Math.max(s.currentCopyCount, s.desiredCopyCount) : 0;
      const key = componentCopiesKey(c.componentName);
      const prev = await store.instances.latest(endpoint.name, key);
      // A component never seen records nothing: its history starts when it exists.
      if (prev === undefined && !s) continue;
      if (prev?.count === copies) continue;
      await store.instances.insert({
        endpoint: endpoint.name,
        variant: key,
        at: now,
        count: copies,
        source: 'poll',
      });
      changed.push(c.componentName);
    }
  });
  return changed;
}
