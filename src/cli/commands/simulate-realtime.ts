// `sagezero simulate --kind realtime`: the flags only a real-time replay reads (retry model, model load,
// managed instance scaling), checked with the same clear errors as the rest of `simulate`.
import type { Command } from 'commander';
import type { BootDistribution } from '../../cloud/sim/boot.js';
import { memoryMbPerInstance } from '../../cloud/sim/instance-resources.js';
import { gpusPerInstance } from '../../cost/gpus.js';
import { REALTIME_PRESET_VALUES } from '../../config/realtime-schema.js';
import { DEFAULT_RETRY, type RealtimeSettings } from '../../simulate/realtime-runner.js';
import { UserError } from '../errors.js';

export interface RealtimeFlags {
  modelLoadSeconds?: string;
  maxInstances?: string;
  acceleratorsPerCopy?: string;
  memoryMbPerCopy?: string;
  scaleInCooldownMinutes?: string;
  targetPerCopy?: string;
  wakeCooldownSeconds?: string;
  retryIntervalSeconds?: string;
  retryBackoff?: string;
  retryMaxIntervalSeconds?: string;
  retryMaxAttempts?: string;
  retryTimeoutSeconds?: string;
}

const FLAG_NAMES: Record<keyof RealtimeFlags, string> = {
  modelLoadSeconds: '--model-load-seconds',
  maxInstances: '--max-instances',
  acceleratorsPerCopy: '--accelerators-per-copy',
  memoryMbPerCopy: '--memory-mb-per-copy',
  scaleInCooldownMinutes: '--scale-in-cooldown-minutes',
  targetPerCopy: '--target-per-copy',
  wakeCooldownSeconds: '--wake-cooldown-seconds',
  retryIntervalSeconds: '--retry-interval-seconds',
  retryBackoff: '--retry-backoff',
  retryMaxIntervalSeconds: '--retry-max-interval-seconds',
  retryMaxAttempts: '--retry-max-attempts',
  retryTimeoutSeconds: '--retry-timeout-seconds',
};

/** Defaults of the real-time flags (model load: ASSUMED, see src/cloud/sim/realtime.ts). */
export const REALTIME_DEFAULTS = {
  modelLoadSeconds: 120,
  maxInstances: 2,
  scaleInCooldownMinutes: 20,
};

export function addRealtimeOptions(cmd: Command): Command {
  return cmd
    .option('--kind <kind>', 'async | realtime (a real-time endpoint with one inference component)', 'async')
    .option(
      '--model-load-seconds <n>',
      `realtime: seconds from an instance ready to a copy serving (default ${REALTIME_DEFAULTS.modelLoadSeconds})`,
    )
    .option(
      '--max-instances <n>',
      `realtime: MaxInstanceCount of managed instance scaling (default ${REALTIME_DEFAULTS.maxInstances})`,
    )
    .option('--accelerators-per-copy <n>', "realtime: GPUs per copy (default: all of the instance type's)")
    .option('--memory-mb-per-copy <n>', 'realtime: memory per copy in MB (default 1024)')
    .option(
      '--scale-in-cooldown-minutes <n>',
      `realtime: IDLE_RELEASE CooldownInMinutes, 5-1440 (default ${REALTIME_DEFAULTS.scaleInCooldownMinutes})`,
    )
    .option(
      '--target-per-copy <n>',
      `realtime: target of concurrent requests per copy (default ${REALTIME_PRESET_VALUES.targetConcurrentRequestsPerCopy}, the aws-recommended preset: set --concurrency to what a copy serves at once)`,
    )
    .option(
      '--wake-cooldown-seconds <n>',
      'realtime: cooldown of the +1 copy wake policy (default: the preset, boot prior p90 + alarm lag)',
    )
    .option(
      '--retry-interval-seconds <n>',
      `realtime client: first retry after (default ${DEFAULT_RETRY.intervalSeconds})`,
    )
    .option('--retry-backoff <x>', `realtime client: each wait x this (default ${DEFAULT_RETRY.backoff})`)
    .option(
      '--retry-max-interval-seconds <n>',
      `realtime client: longest wait (default ${DEFAULT_RETRY.maxIntervalSeconds})`,
    )
    .option(
      '--retry-max-attempts <n>',
      `realtime client: attempts in all (default ${DEFAULT_RETRY.maxAttempts})`,
    )
    .option(
      '--retry-timeout-seconds <n>',
      `realtime client: gives up after (default ${DEFAULT_RETRY.timeoutSeconds})`,
    );
}

type NumberCheck = (
  flag: string,
  raw: string,
  opts: { min: number; max: number; integer?: boolean },
) => number;

/** Real-time flags given to an async simulation are a mistake worth naming. */
export function rejectRealtimeFlags(flags: RealtimeFlags): void {
  const given = (Object.keys(FLAG_NAMES) as (keyof RealtimeFlags)[]).filter((k) => flags[k] !== undefined);
  if (given.length > 0) {
    throw new UserError(`${given.map((k) => FLAG_NAMES[k]).join(', ')} only apply with --kind realtime`);
  }
}

export function realtimeSettings(
  flags: RealtimeFlags & { policy: string; concurrency: string },
  base: {
    instanceType: string;
    region: string;
    boot: BootDistribution;
    seed: number;
    defaultServiceSeconds: number;
    dayStart: number;
  },
  number: NumberCheck,
): RealtimeSettings {
  if (flags.policy !== 'aws-recommended' && flags.policy !== 'always-on') {
    throw new UserError(
      `--policy with --kind realtime must be aws-recommended or always-on, got "${flags.policy}"`,
    );
  }
  const opt = (
    k: keyof RealtimeFlags,
    dflt: number,
    range: { min: number; max: number; integer?: boolean },
  ): number => {
    const raw = flags[k];
    return raw === undefined ? dflt : number(FLAG_NAMES[k], raw, range);
  };
  const gpus = gpusPerInstance(base.instanceType);
  const memory = memoryMbPerInstance(base.instanceType);
  const concurrency = number('--concurrency', flags.concurrency, { min: 1, max: 1000, integer: true });
  const accelerators = opt('acceleratorsPerCopy', gpus ?? 1, { min: 0, max: 64, integer: true });
  if (gpus !== undefined && accelerators > gpus)
    throw new UserError(`--accelerators-per-copy ${accelerators}: ${base.instanceType} has ${gpus}`);
  const memoryMb = opt('memoryMbPerCopy', 1024, { min: 128, max: 4_194_304, integer: true });
  if (memory !== undefined && memoryMb > memory)
    throw new UserError(`--memory-mb-per-copy ${memoryMb}: ${base.instanceType} has ${memory} MB`);
  const maxInstances = opt('maxInstances', REALTIME_DEFAULTS.maxInstances, {
    min: 1,
    max: 100,
    integer: true,
  });
  const copiesPerInstance =
    accelerators > 0 && gpus !== undefined && gpus > 0 ? Math.floor(gpus / accelerators) : 1;
  const retry = {
    intervalSeconds: opt('retryIntervalSeconds', DEFAULT_RETRY.intervalSeconds, { min: 0.1, max: 3600 }),
    backoff: opt('retryBackoff', DEFAULT_RETRY.backoff, { min: 1, max: 10 }),
    maxIntervalSeconds: opt('retryMaxIntervalSeconds', DEFAULT_RETRY.maxIntervalSeconds, {
      min: 0.1,
      max: 3600,
    }),
    maxAttempts: opt('retryMaxAttempts', DEFAULT_RETRY.maxAttempts, { min: 1, max: 10_000, integer: true }),
    timeoutSeconds: opt('retryTimeoutSeconds', DEFAULT_RETRY.timeoutSeconds, { min: 1, max: 86_400 }),
  };
  return {
    ...base,
    modelLoadSeconds: opt('modelLoadSeconds', REALTIME_DEFAULTS.modelLoadSeconds, { min: 0, max: 7200 }),
    concurrencyPerCopy: concurrency,
    acceleratorsPerCopy: accelerators,
    memoryMbPerCopy: memoryMb,
    maxInstances,
    scaleInCooldownMinutes: opt('scaleInCooldownMinutes', REALTIME_DEFAULTS.scaleInCooldownMinutes, {
      min: 5,
      max: 1440,
      integer: true,
    }),
    retry,
    policy:
      flags.policy === 'always-on'
        ? undefined
        : {
            maxCopies: maxInstances * copiesPerInstance,
            ...(flags.targetPerCopy !== undefined
              ? { targetConcurrentRequestsPerCopy: opt('targetPerCopy', 0, { min: 0.01, max: 1000 }) }
              : {}),
            ...(flags.wakeCooldownSeconds !== undefined
              ? {
                  wakeCooldownSeconds: opt('wakeCooldownSeconds', 0, { min: 0, max: 86_400, integer: true }),
                }
              : {}),
          },
  };
}
