import { Command } from 'commander';
import { registerSimulate } from '../src/cli/commands/simulate.js';
const p = new Command('sagezero').exitOverride();
registerSimulate(p);
await p.parseAsync(process.argv.slice(2), { from: 'user' });
