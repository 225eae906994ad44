// sagezero calibrate -c FILE [--endpoint NAME] [--since 7d] [--seed N] [--json]
// Replays each endpoint's own reconstructed traffic under its live policy with boot and alarm timing
// fitted from its history, and puts simulated against observed figures per day (src/calibrate/).
// Stores the fit, which `tune` and `simulate --calibration` then use.
import type { Command } from 'commander';
import type { Clock } from '../../clock.js';
import { calibrateEndpoint, type EndpointCalibration } from '../../calibrate/calibrate.js';
import { latestCalibration, type StoredFit } from '../../calibrate/use.js';
import type { BootDistribution } from '../../cloud/sim/boot.js';
import { formatCalibration } from '../../calibrate/format.js';
import { loadConfig, type Config, type EndpointConfig } from '../../config/load.js';
import { MAX_HISTORY_MS, parseHistory } from '../../tune/config.js';
import { openStore, StoreError, type Store, storeExists, storeLabel } from '../../store/index.js';
import { commandClock, openCommandStore } from '../store-clock.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface CalibrateFlags {
  config: string;
  endpoint?: string;
  since: string;
  seed: string;
  json?: boolean;
}

export interface CalibrateCommandDeps {
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export function registerCalibrate(
  program: Command,
  out: Output,
  setExit: (code: number) => void,
  deps: CalibrateCommandDeps = {},
): void {
  program
    .command('calibrate')
    .description(
      "check the simulator against each endpoint's own history: replay its traffic under the live policy with a boot time and alarm delay fitted from the store, and compare instance-hours, wakes, scale-ins and time to first result per day",
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option(
      '--since <duration>',
      'history to compare, ending at the newest stored minute (e.g. 36h, 7d)',
      '7d',
    )
    .option('--seed <n>', 'random seed (arrival spreading, boot times)', '1')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nThe fit is stored; `tune` and `simulate --calibration` use it, and the tuner will not apply policy ' +
        'changes (tune.mode: apply) to an endpoint whose prediction disagrees with what it did. On cloud: sim, ' +
        '"now" is the simulated clock of the last telemetry poll recorded in the store.',
    )
    .action(async (flags: CalibrateFlags) => {
      const results = await runCalibrate(flags, deps);
      if (flags.json) out.out(JSON.stringify({ endpoints: results }, null, 2));
      else
        results.forEach((r, i) => {
          if (i > 0) out.out('');
          for (const line of formatCalibration(r)) out.out(line);
        });
      setExit(EXIT.ok);
    });
}

export async function runCalibrate(
  flags: CalibrateFlags,
  deps: CalibrateCommandDeps = {},
): Promise<EndpointCalibration[]> {
  const sinceMs = parseHistory(flags.since);
  if (sinceMs === undefined || sinceMs <= 0 || sinceMs > MAX_HISTORY_MS) {
    throw new UserError(`--since must be a duration like 36h, 7d or 2w, at most 35d, got "${flags.since}"`);
  }
  const seed = Number(flags.seed);
  if (flags.seed.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw new UserError(`--seed must be an integer between 0 and ${2 ** 31 - 1}, got "${flags.seed}"`);
  }
  const config: Config = loadConfig(flags.config, deps.env ?? process.env);
  let targets: EndpointConfig[] = config.endpoints;
  if (flags.endpoint !== undefined) {
    targets = config.endpoints.filter((e) => e.name === flags.endpoint);
    if (targets.length === 0) {
      throw new UserError(
        `--endpoint ${flags.endpoint}: no such endpoint in ${config.file} (it has: ${config.endpoints.map((e) => e.name).join(', ')})`,
      );
    }
  }
  if (!storeExists(config.storePath)) {
    throw new UserError(
      `no history to calibrate on: the store ${storeLabel(config.storePath)} does not exist. Run \`sagezero serve -c ${flags.config}\`, which records it there.`,
    );
  }
  const store = await openCommandStore(config);
  try {
    const clock = await commandClock(config, store, deps.clock);
    const results: EndpointCalibration[] = [];
    for (const endpoint of targets)
      results.push(await calibrateEndpoint({ store, config, endpoint, clock }, { sinceMs, seed }));
    return results;
  } finally {
    await store.close();
  }
}

/**
 * `simulate --calibration CONFIG:ENDPOINT`: the newest stored fit of that endpoint (from the config's
 * store), as the boot distribution and simulator options a simulation should use, and a line saying so.
 */
export async function storedCalibrationFor(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ boot: BootDistribution; simOptions: StoredFit['simOptions']; line: string }> {
  const i = spec.lastIndexOf(':');
  if (i <= 0 || i === spec.length - 1) {
    throw new UserError(`--calibration must be CONFIG:ENDPOINT (e.g. sagezero.yaml:my-llm), got "${spec}"`);
  }
  const file = spec.slice(0, i);
  const name = spec.slice(i + 1);
  const config = loadConfig(file, env);
  if (!config.endpoints.some((e) => e.name === name)) {
    throw new UserError(
      `--calibration: no endpoint named "${name}" in ${config.file} (it has: ${config.endpoints.map((e) => e.name).join(', ')})`,
    );
  }
  if (!storeExists(config.storePath)) {
    throw new UserError(
      `--calibration: the store ${storeLabel(config.storePath)} does not exist; run \`sagezero calibrate -c ${file}\` first`,
    );
  }
  let store: Store;
  try {
    store = await openStore(config.storePath);
  } catch (e) {
    throw new UserError(`--calibration: ${e instanceof StoreError ? e.message : (e as Error).message}`);
  }
  try {
    const c = await latestCalibration(store, name);
    if (!c) {
      throw new UserError(
        `--calibration: ${name} has no stored calibration in ${storeLabel(config.storePath)}; run \`sagezero calibrate -c ${file} --endpoint ${name}\` first`,
      );
    }
    return {
      boot: { kind: 'lognormal', medianSeconds: c.boot.medianSeconds, sigma: c.boot.sigma },
      simOptions: c.simOptions,
      line:
        `using the calibration of ${name} made ${c.madeAt.slice(0, 16)}Z: boot median ${Math.round(c.boot.medianSeconds)} s, ` +
        `sigma ${c.boot.sigma.toFixed(2)}, alarm delay ${c.alarmDelay.seconds} s (publication delay ${c.simOptions.metricDelaySeconds} s)` +
        ` (instead of --boot-seconds/--boot-sigma)${c.agrees ? '' : '; note: that calibration DISAGREES with what the endpoint did'}`,
    };
  } finally {
    await store.close();
  }
}
