// The CLI's simulated region lives in <store dir>/sim-cloud.json between runs, so `sagezero apply`
// and a later `sagezero plan` (two processes) see the same endpoints, alarms and metrics. Virtual time
// continues from where the last run left it; waiting (for InService, say) simply skips time forward.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SkippingClock } from '../../clock.js';
import type { Config } from '../../config/load.js';
import type { OpenCloudOptions, OpenedCloud } from '../open.js';
import { CloudError } from '../types.js';
import { defaultBoot } from './boot.js';
import { SimEngine, simOptions } from './engine.js';
import { SimCloud } from './sim-cloud.js';
import { restore, snapshot, type SimStateJson } from './state.js';
import { localStateDir } from '../../store/location.js';

export const SIM_STATE_FILE = 'sim-cloud.json';

export function simStatePath(config: Config, options: OpenCloudOptions = {}): string {
  return options.simStatePath ?? path.join(localStateDir(config.storePath, config.file), SIM_STATE_FILE);
}

/** One file holds every simulated region the config has pointed at, each with its own resources. */
interface StateFile {
  regions: Record<string, SimStateJson>;
}

async function readState(file: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CloudError(
      `cannot read the simulated cloud's state ${file}: ${(e as Error).message}`,
      'SimStateUnreadable',
      false,
    );
  }
  try {
    const parsed = JSON.parse(text) as Partial<StateFile>;
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      typeof parsed.regions !== 'object' ||
      parsed.regions === null
    ) {
      throw new Error('no "regions" object');
    }
    return parsed as StateFile;
  } catch (e) {
    throw new CloudError(
      `the simulated cloud's state ${file} is not valid JSON (${(e as Error).message}); delete it to start an empty simulated region`,
      'SimStateCorrupt',
      false,
    );
  }
}

export async function openSimCloudForCli(config: Config, options: OpenCloudOptions): Promise<OpenedCloud> {
  const file = simStatePath(config, options);
  await mkdir(path.dirname(file), { recursive: true });
  const stored = await readState(file);
  const state = stored?.regions[config.region];
  let engine: SimEngine;
  if (state) {
    try {
      engine = restore(state);
      // The config's simulation settings win over the stored ones, so editing sim.bootSeconds takes effect.
      engine.opts.boot = defaultBoot(config.sim.bootSeconds);
    } catch (e) {
      throw new CloudError(
        `cannot load the simulated cloud's state ${file}: ${(e as Error).message}`,
        'SimStateCorrupt',
        false,
      );
    }
  } else {
    // The one place sagezero reads the wall clock outside the Clock port: a brand-new simulated region
    // starts "now", so its timestamps look like today's; from then on virtual time only moves forward
    // from the persisted value.
    const startTime = Date.now();
    engine = new SimEngine(
      simOptions({
        region: config.region,
        accountId: config.sim.accountId,
        seed: config.sim.seed,
        boot: defaultBoot(config.sim.bootSeconds),
        startTime,
      }),
    );
  }
  const clock = new SkippingClock(engine.now);
  const cloud = new SimCloud(engine, clock, options.observer);
  return {
    cloud,
    clock,
    async close(): Promise<void> {
      cloud.sync();
      const tmp = `${file}.${process.pid}.tmp`;
      const latest = (await readState(file)) ?? { regions: {} };
      latest.regions[config.region] = snapshot(engine);
      await writeFile(tmp, JSON.stringify(latest));
      await rename(tmp, file);
    },
  };
}
