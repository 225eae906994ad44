// sagezero iam-policy — print the least-privilege IAM policy a config needs, as JSON ready for
// `aws iam create-policy --policy-document file://...`. Reads the config only: no AWS call, no store.
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { s3Uri } from '../../config/constraints.js';
import { buildIamPolicy, IamPolicyError } from '../../iam/build.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface IamPolicyCommandOptions {
  config: string;
  endpoint?: string;
  account?: string;
  inputPrefix?: string[];
  explain?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerIamPolicy(program: Command, out: Output, setExit: (code: number) => void): void {
  program
    .command('iam-policy')
    .description('print the least-privilege IAM policy (JSON) sagezero needs for this config')
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--account <id>', "AWS account of the ARNs (default: the execution roles' account)")
    .option(
      '--input-prefix <s3uri>',
      'another S3 prefix inputs are uploaded to (what you pass to `sagezero invoke --bucket`); repeatable',
      collect,
    )
    .option('--explain', 'also print, on stderr, why each statement is there')
    .action((opts: IamPolicyCommandOptions) => {
      setExit(runIamPolicy(opts, out));
    });
}

export function runIamPolicy(opts: IamPolicyCommandOptions, out: Output): number {
  const config = loadConfig(opts.config);
  for (const p of opts.inputPrefix ?? []) {
    if (!s3Uri.safeParse(p).success) {
      throw new UserError(`--input-prefix must be an S3 URI like s3://my-bucket/inputs/, got "${p}"`);
    }
  }
  let policy;
  try {
    policy = buildIamPolicy(config, {
      accountId: opts.account,
      endpoint: opts.endpoint,
      inputPrefixes: opts.inputPrefix,
    });
  } catch (e) {
    if (e instanceof IamPolicyError) throw new UserError(e.message);
    throw e;
  }
  out.out(JSON.stringify(policy.document, null, 2));
  if (config.cloud === 'sim') {
    out.err(
      `note: ${config.file} uses the simulated cloud, which needs no AWS permissions; this is the policy for cloud: aws`,
    );
  }
  for (const w of policy.warnings) out.err(`warning: ${w}`);
  if (opts.explain) {
    for (const e of policy.explained) out.err(`${e.statement.Sid}: ${e.why}`);
  }
  return EXIT.ok;
}
