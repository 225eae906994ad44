// What every command that talks to the cloud needs: the loaded config and an opened cloud.
import { loadConfig, type Config } from '../config/load.js';
import { openCloud, type OpenedCloud } from '../cloud/open.js';
import type { ApiCallObserver } from '../cloud/types.js';
import type { Output } from './output.js';

export interface CommandContext {
  config: Config;
  opened: OpenedCloud;
}

/** Loads the config, opens its cloud, runs `fn`, and always persists/closes the cloud afterwards. */
export async function withCloud<T>(
  configPath: string,
  out: Output,
  observer: ApiCallObserver | undefined,
  fn: (ctx: CommandContext) => Promise<T>,
): Promise<T> {
  const config = loadConfig(configPath);
  const opened = await openCloud(config, { observer });
  if (config.cloud === 'sim') out.err(`(cloud: sim — the built-in simulated cloud; no AWS calls are made)`);
  try {
    return await fn({ config, opened });
  } finally {
    await opened.close();
  }
}
