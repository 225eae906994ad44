// Many endpoints for tests of the reconcile at fleet scale: a config of N copies of one endpoint, a
// reconcile context on any cloud with its log kept as text, and a way to move a virtual clock until
// something is true.
import { Writable } from 'node:stream';
import type { VirtualClock } from '../../src/clock.js';
import type { Cloud } from '../../src/cloud/types.js';
import { parseConfig, type Config } from '../../src/config/load.js';
import { createLogger } from '../../src/daemon/logger.js';
import type { ReconcileContext } from '../../src/daemon/reconcile.js';
import { Redactor } from '../../src/secrets.js';
import type { Store } from '../../src/store/index.js';

export function fleetNames(n: number, prefix = 'fleet'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
}

/** One config with these endpoints (all alike but their names), cloud: sim, and this `daemon:` block. */
export function fleetConfig(names: readonly string[], daemonYaml = '{}', maxCapacity = 2): Config {
  const endpoints = names
    .map(
      (n) => `  - name: ${n}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    async: { outputPath: s3://sagezero-fleet/out/ }
    scaling: { preset: aws-recommended, maxCapacity: ${maxCapacity} }`,
    )
    .join('\n');
  return parseConfig(
    `region: us-east-1\ncloud: sim\nproject: fleet\ndaemon: ${daemonYaml}\nendpoints:\n${endpoints}\n`,
    '/tmp/sagezero-fleet.yaml',
    {},
  );
}

export interface LoggedContext {
  ctx: ReconcileContext;
  logs(): string;
  /** Parsed log lines whose msg is `msg`. */
  lines(msg: string): Record<string, unknown>[];
}

export function reconcileContext(
  cloud: Cloud,
  clock: VirtualClock,
  store: Store,
  config: Config,
  repair = true,
): LoggedContext {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  const ctx: ReconcileContext = {
    cloud,
    clock,
    config,
    store,
    log: createLogger(new Redactor(), sink),
    repair,
  };
  return {
    ctx,
    logs: () => text,
    lines: (msg) =>
      text
        .split('\n')
        .filter((l) => l.includes(msg))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === msg),
  };
}

/**
 * Advances the clock in steps until `done()` (or `maxMs` passed), letting continuations run between
 * steps. Returns the virtual time it took.
 */
export async function advanceUntil(
  clock: VirtualClock,
  done: () => boolean | Promise<boolean>,
  {
    stepMs = 10_000,
    maxMs = 12 * 3_600_000,
    each,
  }: { stepMs?: number; maxMs?: number; each?: () => Promise<void> } = {},
): Promise<number> {
  const start = clock.now();
  while (!(await done())) {
    if (clock.now() - start >= maxMs) throw new Error(`not done after ${maxMs / 60_000} simulated minutes`);
    await clock.advance(stepMs);
    await new Promise((r) => setImmediate(r));
    await each?.();
  }
  return clock.now() - start;
}

/** Lets promise chains that need no time run (no clock moves). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
