// `npm start`: the embedded default. With no arguments it serves the demo config on the simulated
// cloud (config/demo.yaml: a real trace replayed at one simulated hour per real minute), so a new user
// sees provisioning, scale-to-zero, cold-start probes and the savings report before giving it an AWS
// account.
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runServe } from './serve.js';
import type { Output } from '../output.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo.yaml', import.meta.url));

export function registerStart(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('start')
    .description(
      'serve a config (default: the simulated-cloud demo, config/demo.yaml); what `npm start` runs',
    )
    .option('-c, --config <file>', 'sagezero YAML config', DEMO_CONFIG)
    .option('--port <port>', 'port for the dashboard (default: server.port)')
    .option('--speed <n>', 'cloud: sim only: simulated seconds per real second')
    .action(async (opts: { config: string; port?: string; speed?: string }) => {
      setExit(await runServe(opts, out));
    });
}
