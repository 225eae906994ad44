// sagezero import --endpoint NAME [--config FILE] — the YAML that describes an existing endpoint as it
// is: printed, written to a new FILE, or appended to FILE keeping what is there. Read-only against AWS.
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Cloud } from '../../cloud/types.js';
import { openCloud } from '../../cloud/open.js';
import { ConfigError } from '../../config/errors.js';
import { loadConfig, parseConfig } from '../../config/load.js';
import { describeForImport, ImportError, loadEntry, type ImportedEndpoint } from '../../import/describe.js';
import { appendToConfigYaml, newConfigYaml } from '../../import/yaml.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';
import { refuseWhileSimDaemonRuns } from '../sim-daemon.js';

export interface ImportOptions {
  endpoint: string;
  config?: string;
  region?: string;
}

export function registerImport(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('import')
    .description(
      'write the YAML that describes an existing endpoint as it is (stdout, or appended to --config FILE); read-only',
    )
    .requiredOption('--endpoint <name>', 'the SageMaker endpoint to describe')
    .option('-c, --config <file>', 'append to this config (created if missing), keeping what is there')
    .option('--region <region>', "AWS region (default: the config's, else AWS_REGION)")
    .action(async (opts: ImportOptions) => {
      setExit(await runImport(opts, out));
    });
}

export async function runImport(opts: ImportOptions, out: Output): Promise<number> {
  const file = opts.config;
  const existing = file !== undefined && existsSync(file);
  if (existing) await refuseWhileSimDaemonRuns(file);
  const config = existing ? loadConfig(file) : undefined;
  if (config && opts.region && opts.region !== config.region)
    throw new UserError(
      `--region ${opts.region}: ${file} is for region ${config.region}; an endpoint of another region cannot go in it`,
    );
  const region = config?.region ?? opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new UserError('--region is required (or set AWS_REGION, or pass a --config that names one)');
  const opened = config
    ? await openCloud(config)
    : { cloud: await awsCloud(region), close: async () => undefined };
  try {
    const imported = await describe(opened.cloud, opts.endpoint, region);
    if (file === undefined) {
      out.out(newConfigYaml(region, imported).trimEnd());
    } else {
      const text = existing ? appendTo(file, imported) : newConfigYaml(region, imported);
      checkLoads(text, file);
      writeFileSync(file, text);
      out.err(`${existing ? 'added' : 'wrote'} endpoint ${opts.endpoint} to ${file}`);
    }
    for (const n of imported.notes) out.err(`note: ${n}`);
    out.err(
      `next: \`sagezero plan -c ${file ?? 'FILE'}\` refuses it until \`sagezero apply -c ${file ?? 'FILE'} --adopt ${opts.endpoint}\` tags it as sagezero's`,
    );
    return EXIT.ok;
  } finally {
    await opened.close();
  }
}

async function awsCloud(region: string): Promise<Cloud> {
  const { createAwsCloud } = await import('../../cloud/aws/index.js');
  return createAwsCloud({ region });
}

async function describe(cloud: Cloud, name: string, region: string): Promise<ImportedEndpoint> {
  try {
    const imported = await describeForImport(cloud, name);
    // What sagezero cannot write as a valid entry (a value outside its constraints) is said now.
    loadEntry(region, imported.entry);
    return imported;
  } catch (e) {
    if (e instanceof ImportError) throw new UserError(e.message);
    if (e instanceof ConfigError)
      throw new UserError(`endpoint ${name} cannot be described as a sagezero config entry:\n${e.message}`);
    throw e;
  }
}

function appendTo(file: string, imported: ImportedEndpoint): string {
  try {
    return appendToConfigYaml(readFileSync(file, 'utf8'), file, imported);
  } catch (e) {
    throw e instanceof ImportError ? new UserError(e.message) : e;
  }
}

/** The file as written must load: otherwise nothing is written and the loader's message says why. */
function checkLoads(text: string, file: string): void {
  try {
    parseConfig(text, file);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new UserError(`the result would not load, so ${file} was left as it was:\n${e.message}`);
    throw e;
  }
}
