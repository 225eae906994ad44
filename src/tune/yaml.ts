// A ScalingConfig as the `scaling:` block a user would write: the preset it differs least from, plus
// only the keys that differ, so the change reads as a change. The block goes through the normal
// config schema (and plan/apply) like any hand-written one.
import { stringify } from 'yaml';
import {
  checkScaling,
  resolveScaling,
  scalingInputSchema,
  TARGET_TRACKING_IDLE_MINUTES,
  type ScalingConfig,
  type ScalingInput,
} from '../config/scaling-schema.js';

type Preset = 'aws-recommended' | 'blog' | 'custom';

function inputFor(s: ScalingConfig, preset: Preset): ScalingInput {
  const seed: ScalingInput = preset === 'custom' ? customSeed(s) : { preset };
  const base = resolveScaling(scalingInputSchema.parse(seed));
  const out: ScalingInput = { preset };
  if (preset === 'custom' || s.minCapacity !== base.minCapacity) out.minCapacity = s.minCapacity;
  if (preset === 'custom' || s.maxCapacity !== base.maxCapacity) out.maxCapacity = s.maxCapacity;
  if (preset === 'custom' || s.targetBacklogPerInstance !== base.targetBacklogPerInstance)
    out.targetBacklogPerInstance = s.targetBacklogPerInstance;
  if (s.scaleInCooldownSeconds !== base.scaleInCooldownSeconds)
    out.scaleInCooldownSeconds = s.scaleInCooldownSeconds;
  const wakeSame =
    s.wake === false || base.wake === false
      ? s.wake === base.wake
      : s.wake.periodSeconds === base.wake.periodSeconds &&
        s.wake.evaluationPeriods === base.wake.evaluationPeriods;
  if (!wakeSame) out.wake = s.wake === false ? false : { ...s.wake };
  // The default scale-out cooldown depends on the wake policy (it is derived from the boot when
  // there is one): compare with what the block resolves to with this wake.
  const cooldownBase = wakeSame
    ? base.scaleOutCooldownSeconds
    : resolveScaling(scalingInputSchema.parse({ ...seed, wake: out.wake })).scaleOutCooldownSeconds;
  if (s.scaleOutCooldownSeconds !== cooldownBase) out.scaleOutCooldownSeconds = s.scaleOutCooldownSeconds;
  if (s.idle.mode !== base.idle.mode || s.idle.minutes !== base.idle.minutes) {
    out.idle =
      s.idle.mode === 'step' ? { mode: 'step', minutes: s.idle.minutes } : { mode: 'target-tracking' };
  }
  if (s.keepWarm.length > 0) out.keepWarm = s.keepWarm.map((w) => ({ ...w }));
  return out;
}

function customSeed(s: ScalingConfig): ScalingInput {
  return {
    preset: 'custom',
    minCapacity: s.minCapacity,
    maxCapacity: s.maxCapacity,
    targetBacklogPerInstance: s.targetBacklogPerInstance,
  };
}

function keys(input: ScalingInput): number {
  return Object.keys(input).length;
}

/** The smallest scaling input that resolves to `s` (ties: aws-recommended, then blog, then custom). */
export function scalingInputFor(s: ScalingConfig): ScalingInput {
  let best: ScalingInput | undefined;
  for (const preset of ['aws-recommended', 'blog', 'custom'] as const) {
    const input = inputFor(s, preset);
    if (!best || keys(input) < keys(best)) best = input;
  }
  return best as ScalingInput;
}

/** Resolves a scaling input through the config schema and its cross-field rules. */
export function resolveInput(input: ScalingInput): ScalingConfig {
  const parsed = scalingInputSchema.superRefine(checkScaling).parse(input);
  return resolveScaling(parsed);
}

/** The `scaling:` block (YAML, indented as under an endpoint) that configures `s`. */
export function scalingYaml(s: ScalingConfig, indent = 0): string {
  const input = scalingInputFor(s);
  const text = stringify(
    { scaling: input },
    { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' },
  );
  const pad = ' '.repeat(indent);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** `s` with its preset label as the YAML block would resolve it (for exact comparisons). */
export function canonicalScaling(s: ScalingConfig): ScalingConfig {
  const r = resolveInput(scalingInputFor(s));
  // Target tracking always means AWS's 15 minutes; keep the figure the schema would.
  if (r.idle.mode === 'target-tracking') r.idle.minutes = TARGET_TRACKING_IDLE_MINUTES;
  return r;
}
