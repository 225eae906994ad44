// `npm start`: the embedded default. With no arguments it runs the demo config on the simulated
// cloud, so a new user sees sagezero work before giving it an AWS account.
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runApply } from './provision.js';
import type { Output } from '../output.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo.yaml', import.meta.url));

export function registerStart(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('start')
    .description('run sagezero on a config (default: the simulated-cloud demo, config/demo.yaml)')
    .option('-c, --config <file>', 'sagezero YAML config', DEMO_CONFIG)
    .action(async (opts: { config: string }) => {
      out.err(`sagezero: provisioning from ${opts.config}`);
      setExit(await runApply({ config: opts.config, yes: true, waitTimeout: '60' }, out));
    });
}
