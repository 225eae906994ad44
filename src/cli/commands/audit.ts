// sagezero audit [--region R] [--since 14d] [--json | --csv]
// Needs no config: lists every SageMaker endpoint of the region, what it cost over the window and what
// it would have cost under sagezero's recommended policy. Read-only.
import type { Command } from 'commander';
import { audit } from '../../audit/audit.js';
import { auditToCsv, formatAudit } from '../../audit/format.js';
import { AWS_REGIONS, isKnownRegion } from '../../audit/regions.js';
import type { AuditReport } from '../../audit/types.js';
import { SystemClock, type Clock } from '../../clock.js';
import type { ApiCallObserver, Cloud } from '../../cloud/types.js';
import { parseHistory } from '../../tune/config.js';
import { UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface AuditFlags {
  region?: string;
  since: string;
  seed: string;
  json?: boolean;
  csv?: boolean;
}

export interface AuditCommandDeps {
  /** The cloud to audit (tests pass one on moto); default: AWS in the chosen region. */
  cloud?: (region: string) => Cloud;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  observer?: ApiCallObserver;
}

/** One-minute datapoints are kept 15 days; older minutes exist only at coarser periods. */
const MAX_SINCE_MS = 15 * 86_400_000;
const MIN_SINCE_MS = 3_600_000;

export function registerAudit(program: Command, out: Output, deps: AuditCommandDeps = {}): void {
  program
    .command('audit')
    .description(
      'list every SageMaker endpoint of a region (managed by sagezero or not): instances, scaling, idle share, what it cost and what it would have cost under the recommended policy',
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)')
    .option('--since <duration>', 'window ending now, like 36h, 14d or 2w (at most 15d)', '14d')
    .option('--seed <n>', 'random seed of the replays', '1')
    .option('--json', 'print the audit as JSON')
    .option('--csv', 'print the audit as CSV')
    .addHelpText(
      'after',
      '\nRead-only: it describes endpoints and scaling, and reads CloudWatch metrics (GetMetricData); it changes nothing.',
    )
    .action(async (flags: AuditFlags) => {
      const report = await runAudit(flags, out, deps);
      if (flags.json) out.out(JSON.stringify(report, null, 2));
      else if (flags.csv) out.out(auditToCsv(report).trimEnd().replace(/\r\n/g, '\n'));
      else for (const line of formatAudit(report)) out.out(line);
    });
}

export interface ParsedAuditFlags {
  region: string;
  sinceMs: number;
  seed: number;
}

export function parseAuditFlags(flags: AuditFlags, env: NodeJS.ProcessEnv): ParsedAuditFlags {
  if (flags.json && flags.csv) throw new UserError('--json and --csv cannot be combined; choose one');
  const fromEnv = env.AWS_REGION ? 'AWS_REGION' : env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : undefined;
  const region = flags.region ?? (fromEnv ? env[fromEnv] : undefined);
  const source = flags.region !== undefined ? '--region' : (fromEnv ?? '--region');
  if (!region) throw new UserError('--region: no region given (pass --region or set AWS_REGION)');
  if (!isKnownRegion(region)) {
    throw new UserError(
      `${source}: unknown AWS region "${region}" (regions look like us-east-1, eu-west-1; known: ${AWS_REGIONS.join(', ')})`,
    );
  }
  const sinceMs = parseHistory(flags.since);
  if (sinceMs === undefined)
    throw new UserError(`--since must be a duration like 90m, 36h, 14d or 2w, got "${flags.since}"`);
  if (sinceMs < MIN_SINCE_MS || sinceMs > MAX_SINCE_MS)
    throw new UserError(
      `--since must be between 1h and 15d (CloudWatch keeps one-minute datapoints 15 days), got "${flags.since}"`,
    );
  const seed = Number(flags.seed);
  if (flags.seed.trim() === '' || !Number.isSafeInteger(seed) || seed < 0)
    throw new UserError(`--seed must be a whole number >= 0, got "${flags.seed}"`);
  return { region, sinceMs, seed };
}

export async function runAudit(
  flags: AuditFlags,
  out: Output,
  deps: AuditCommandDeps = {},
): Promise<AuditReport> {
  const parsed = parseAuditFlags(flags, deps.env ?? process.env);
  const cloud = deps.cloud ? deps.cloud(parsed.region) : await awsCloud(parsed.region, deps.observer);
  const clock = deps.clock ?? new SystemClock();
  return audit(cloud, {
    sinceMs: parsed.sinceMs,
    since: flags.since,
    now: clock.now(),
    seed: parsed.seed,
    progress: (line) => out.err(line),
  });
}

async function awsCloud(region: string, observer: ApiCallObserver | undefined): Promise<Cloud> {
  // Loaded lazily, as for every command, so the SDK is read only when AWS is used.
  const { createAwsCloud } = await import('../../cloud/aws/index.js');
  return createAwsCloud({ region, ...(observer ? { observer } : {}) });
}
