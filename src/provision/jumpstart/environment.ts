// Container environment of a JumpStart model, built as JumpStartModel does (factory/model.py
// _add_env_to_kwargs): the spec's inference_environment_variables that the model class needs
// (required_for_model_class), then the instance-type variant's environment_variables over them
// (SM_NUM_GPUS differs between ml.g5.12xlarge and ml.g5.48xlarge), then the user's own values over all.
import type { ModelSpecJson } from './spec.js';
import { instanceEnvironment } from './variants.js';

/** Python's str() of a JSON scalar, so values match what the SDK would send. */
function pyStr(v: string | number | boolean | null): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

export function specEnvironment(spec: ModelSpecJson, instanceType: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of spec.inference_environment_variables ?? []) {
    if (v.scope !== undefined && v.scope !== 'container') continue;
    if (!v.required_for_model_class) continue;
    env[v.name] = pyStr(v.default);
  }
  for (const [k, v] of Object.entries(
    instanceEnvironment(spec.hosting_instance_type_variants, instanceType),
  )) {
    env[k] = pyStr(v);
  }
  return env;
}

/** Spec defaults with the config's `model.environment` on top: an explicit value always wins. */
export function mergeEnvironment(
  defaults: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return { ...defaults, ...overrides };
}
