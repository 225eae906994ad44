// The scaling policy `simulate --kind realtime` installs on its inference component: built by the same
// builder `apply` uses for a `kind: realtime` component (src/scaling/realtime.ts: scalable target
// `inference-component/<name>` with min 0, target tracking on the predefined concurrent-requests-per-
// copy metric, and the +1 copy wake step policy on NoCapacityInvocationFailures, Sum, 60 s, >= 1,
// 1 of 1) and installed with the same installer, so a simulated policy is the deployed one. The
// values come from the preset (`aws-recommended`) resolved by src/config/realtime-schema.ts, with the
// command's overrides applied as a `custom` block would.
import type { Cloud } from '../cloud/types.js';
import { resolveRealtimeScaling, type ComponentConfig } from '../config/realtime-schema.js';
import { buildComponentScaling } from '../scaling/realtime.js';
import { installScalingResources } from '../scaling/install.js';
import type { ScalingResourceSet } from '../scaling/build.js';

export interface RealtimePolicyParams {
  maxCopies: number;
  /** Target of concurrent requests per copy; undefined: the preset's. */
  targetConcurrentRequestsPerCopy?: number;
  /** The wake policy's cooldown; undefined: the preset's (covers the boot prior plus the alarm lag). */
  wakeCooldownSeconds?: number;
  /** Target tracking's scale-in cooldown; undefined: the preset's (the tuner searches it). */
  scaleInCooldownSeconds?: number;
}

/** The component's scaling block as sagezero's config would resolve it. */
export function realtimeComponentConfig(component: string, p: RealtimePolicyParams): ComponentConfig {
  const custom =
    p.targetConcurrentRequestsPerCopy !== undefined ||
    p.wakeCooldownSeconds !== undefined ||
    p.scaleInCooldownSeconds !== undefined;
  const scaling = resolveRealtimeScaling(
    {
      preset: custom ? 'custom' : 'aws-recommended',
      maxCopies: p.maxCopies,
      ...(p.targetConcurrentRequestsPerCopy !== undefined
        ? { targetConcurrentRequestsPerCopy: p.targetConcurrentRequestsPerCopy }
        : {}),
      ...(p.wakeCooldownSeconds !== undefined ? { wake: { cooldownSeconds: p.wakeCooldownSeconds } } : {}),
      ...(p.scaleInCooldownSeconds !== undefined ? { scaleInCooldownSeconds: p.scaleInCooldownSeconds } : {}),
    },
    { maxInstances: p.maxCopies, copiesPerInstance: 1 },
  );
  return {
    name: component,
    componentName: component,
    model: { image: 'sagezero/simulated-model:latest' },
    acceleratorsPerCopy: 0,
    memoryMb: 1024,
    tags: {},
    scaling,
  };
}

/** Registers the target and puts the policies and the wake alarm, as `apply` does. */
export async function installRealtimePolicy(
  cloud: Cloud,
  component: string,
  p: RealtimePolicyParams,
): Promise<ScalingResourceSet> {
  const set = buildComponentScaling(realtimeComponentConfig(component, p), {});
  await installScalingResources(cloud, set);
  return set;
}
