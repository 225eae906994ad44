#!/usr/bin/env node
// The sagezero command line. User mistakes end with a message and a non-zero exit, never a stack trace.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { CloudError } from '../cloud/types.js';
import { StoreError } from '../store/types.js';
import { registerProvision } from './commands/provision.js';
import { registerStart } from './commands/start.js';
import { registerServe } from './commands/serve.js';
import { registerIamPolicy } from './commands/iam-policy.js';
import { registerInvoke } from './commands/invoke.js';
import { registerProbe } from './commands/probe.js';
import { registerReport } from './commands/report.js';
import { registerSimulate } from './commands/simulate.js';
import { registerTune } from './commands/tune.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerAlerts } from './commands/alerts.js';
import { registerImport } from './commands/import.js';
import { registerAudit } from './commands/audit.js';
import { registerStore } from './commands/store.js';
import { EXIT, UserError } from './errors.js';
import { processOutput, type Output } from './output.js';
import { VERSION } from '../version.js';

export function buildProgram(out: Output, setExit: (code: number) => void): Command {
  const program = new Command('sagezero')
    .description(
      'Scale-to-zero for Amazon SageMaker asynchronous endpoints: provision, scale, probe, report, alert.',
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerProvision(program, out, setExit);
  registerServe(program, out, setExit);
  registerStart(program, out, setExit);
  registerProbe(program, out, setExit);
  registerInvoke(program, out, setExit);
  registerReport(program, { output: out });
  registerSimulate(program, out);
  registerIamPolicy(program, out, setExit);
  registerTune(program, out, setExit);
  registerCalibrate(program, out, setExit);
  registerAlerts(program, out, setExit);
  registerImport(program, out, setExit);
  registerAudit(program, out);
  registerStore(program, out, setExit);
  return program;
}

export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(out, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return reportError(e, out);
  }
}

export function reportError(e: unknown, out: Output): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (unknown option, --help, --version).
    return e.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (e instanceof ConfigError) {
    out.err(`error: invalid config\n${e.message}`);
    return EXIT.error;
  }
  if (e instanceof UserError) {
    out.err(`error: ${e.message}`);
    return e.exitCode;
  }
  if (e instanceof CloudError || e instanceof StoreError) {
    // A store that cannot be opened (a file that is not SQLite, a database that refuses the login, a
    // schema newer than this sagezero) is the operator's to fix; the message names the store.
    out.err(`error: ${e.message}`);
    return EXIT.error;
  }
  const err = e as Error;
  if (err && err.name && /JumpStart/.test(err.name)) {
    out.err(`error: ${err.message}`);
    return EXIT.error;
  }
  out.err(`error: ${err?.message ?? String(e)}`);
  if (process.env.SAGEZERO_DEBUG) out.err(err?.stack ?? '');
  else out.err('(this looks like a bug in sagezero; run with SAGEZERO_DEBUG=1 for details)');
  return EXIT.error;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    // npm's bin link is a symlink to this file.
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, processOutput);
    },
  );
}
