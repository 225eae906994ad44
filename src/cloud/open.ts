// Builds the Cloud a config asks for. The AWS provider is imported lazily so runs on the simulated
// cloud never load the SDK; the CLI's simulated cloud keeps its state in a file next to the store so
// `apply` and a later `plan` see the same region.
import type { Config } from '../config/load.js';
import { SkippingClock, SystemClock, type Clock } from '../clock.js';
import type { ApiCallObserver, Cloud } from './types.js';

export interface OpenedCloud {
  cloud: Cloud;
  clock: Clock;
  /** Persists what must outlive the process (the simulated region's state). */
  close(): Promise<void>;
}

export interface OpenCloudOptions {
  observer?: ApiCallObserver;
  /** For the simulated cloud: where its state lives between CLI runs. */
  simStatePath?: string;
}

export async function openCloud(config: Config, options: OpenCloudOptions = {}): Promise<OpenedCloud> {
  if (config.cloud === 'aws') {
    const { createAwsCloud } = await import('./aws/index.js');
    const cloud = createAwsCloud({ region: config.region, observer: options.observer });
    return { cloud, clock: new SystemClock(), close: async () => undefined };
  }
  const { openSimCloudForCli } = await import('./sim/cli-state.js');
  return openSimCloudForCli(config, options);
}

export type { Clock };
export { SkippingClock };
