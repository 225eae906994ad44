// tune.mode: apply — the tuner's chosen policy lives in the store and overrides the config's
// `scaling:` for that endpoint, so every reconcile (and the next tuner run) uses the policy in force.
import type { Config, EndpointConfig } from '../config/load.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import type { Store } from '../store/index.js';

export function appliedKey(endpoint: string): string {
  return `tune.applied.${endpoint}`;
}

/** The config with each `mode: apply` endpoint's scaling replaced by the policy the tuner applied. */
export function withTunedScaling(config: Config, store: Store): Config {
  return { ...config, endpoints: config.endpoints.map((e) => tunedEndpoint(e, store)) };
}

export function tunedEndpoint(e: EndpointConfig, store: Store): EndpointConfig {
  if (e.tune?.mode !== 'apply') return e;
  const applied = store.meta.getJson<ScalingConfig>(appliedKey(e.name));
  return applied ? { ...e, scaling: applied } : e;
}
