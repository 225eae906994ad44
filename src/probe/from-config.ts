// The probe block of a loaded endpoint. Until the config schema mounts probeConfigSchema the loader
// passes the block through unchecked (or rejects it as an unknown key), so it is validated here too;
// once mounted, this parses an already-parsed block again, which the schema allows.
import { ConfigError } from '../config/errors.js';
import {
  formatPath,
  type ComponentConfig,
  type Config,
  type RealtimeEndpointConfig,
} from '../config/load.js';
import { probeConfigSchema, type ProbeConfig } from './config.js';

export function probeConfigOf(
  endpoint: { name: string },
  configFile: string,
  index: number,
): ProbeConfig | undefined {
  const raw = (endpoint as { probe?: unknown }).probe;
  if (raw === undefined || raw === null) return undefined;
  const parsed = probeConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((i) => ({
      file: configFile,
      path: formatPath(['endpoints', index, 'probe', ...i.path]),
      message: i.message,
    })),
  );
}

/** Every endpoint of the config with its parsed probe block (endpoints without one are left out). */
export function configuredProbes<E extends { name: string }>(config: {
  file: string;
  endpoints: readonly E[];
}): { endpoint: E; probe: ProbeConfig; index: number }[] {
  const out: { endpoint: E; probe: ProbeConfig; index: number }[] = [];
  config.endpoints.forEach((endpoint, index) => {
    const probe = probeConfigOf(endpoint, config.file, index);
    if (probe) out.push({ endpoint, probe, index });
  });
  return out;
}

/**
 * Every inference component of the config's realtime endpoints with a probe block, enabled or not
 * (the schema mounts probeConfigSchema on components, so the block is already parsed).
 */
export function configuredComponentProbes(
  config: Pick<Config, 'realtimeEndpoints'>,
): { endpoint: RealtimeEndpointConfig; component: ComponentConfig; probe: ProbeConfig }[] {
  return config.realtimeEndpoints.flatMap((endpoint) =>
    endpoint.components.flatMap((component) =>
      component.probe ? [{ endpoint, component, probe: component.probe }] : [],
    ),
  );
}
