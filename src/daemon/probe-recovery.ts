// Probes left `running` by a process that is gone (killed, crashed, its machine lost): record them
// interrupted and delete their S3 objects. Run by the leader at each reconcile, so a clean-up that
// failed (S3 unreachable) is tried again, and never by a standby.
//
// A row belongs to a live process, and is left alone, when its holder ("<host>:<pid>:<tag>") is
// this process, or another process on this host whose pid is alive (a `sagezero probe` beside
// `serve`, a second serve). A holder on another host cannot be checked, so its probe counts as
// gone only once it has outlived its timeout by a margin. A row is marked interrupted only after
// its objects are deleted (or were never there): a failed delete leaves it for the next round.
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Cloud } from '../cloud/types.js';
import type { ProbeRepo, ProbeResult } from '../store/probes.js';
import type { Logger } from './logger.js';

const OTHER_HOST_MARGIN_MS = 5 * 60_000;

export interface Holder {
  host: string;
  pid: number;
}

export function holderId(tag: string, host = hostname(), pid = process.pid): string {
  return `${host}:${pid}:${tag}`;
}

export function parseHolder(holder: string): Holder | undefined {
  const m = /^(.*):(\d+):[^:]*$/.exec(holder);
  return m?.[1] !== undefined && m[2] !== undefined ? { host: m[1], pid: Number(m[2]) } : undefined;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RecoveryContext {
  probes: Pick<ProbeRepo, 'running' | 'save'>;
  cloud: Pick<Cloud, 'deleteObject'>;
  clock: Clock;
  log: Pick<Logger, 'warn' | 'info'>;
  /** This process's holder id. */
  self: string;
  /** Probe timeout per endpoint, ms (for rows held on another host). */
  timeoutMs(endpoint: string): number;
  host?: string;
  alive?: (pid: number) => boolean;
}

/** Why a running row is considered abandoned, or undefined when its process may still be working. */
export function abandoned(p: ProbeResult, ctx: RecoveryContext, now: number): string | undefined {
  if (p.holder === ctx.self) return undefined;
  if (p.holder === undefined) return 'no holder recorded (written before sagezero tracked holders)';
  const h = parseHolder(p.holder);
  if (!h) return `unreadable holder "${p.holder}"`;
  const host = ctx.host ?? hostname();
  if (h.host === host) {
    // The same pid with another tag is an earlier process that reused it (pid 1 in a container).
    if (h.pid === process.pid) return 'its process restarted';
    return (ctx.alive ?? pidAlive)(h.pid) ? undefined : `process ${h.pid} is gone`;
  }
  const limit = p.startedAt + ctx.timeoutMs(p.endpoint) + OTHER_HOST_MARGIN_MS;
  return now > limit ? `held on ${h.host} and past its timeout` : undefined;
}

export interface RecoveryResult {
  interrupted: number;
  deleted: number;
  /** Rows whose clean-up failed: left running for the next round. */
  retry: number;
}

export async function recoverAbandonedProbes(ctx: RecoveryContext): Promise<RecoveryResult> {
  const out: RecoveryResult = { interrupted: 0, deleted: 0, retry: 0 };
  for (const p of await ctx.probes.running()) {
    const now = ctx.clock.now();
    const why = abandoned(p, ctx, now);
    if (!why) continue;
    let failed = false;
    for (const uri of [p.inputLocation, p.outputLocation, p.failureLocation]) {
      if (!uri) continue;
      try {
        await ctx.cloud.deleteObject(uri);
        out.deleted++;
      } catch (e) {
        failed = true;
        ctx.log.warn(
          { probe: p.id, uri, err: (e as Error).message },
          'could not delete an interrupted probe’s object; will try again at the next reconcile',
        );
      }
    }
    if (failed) {
      out.retry++;
      continue;
    }
    await ctx.probes.save({
      ...p,
      outcome: 'interrupted',
      finishedAt: ctx.clock.now(),
      errorMessage: `the process running the probe stopped (${why})`,
    });
    out.interrupted++;
  }
  if (out.interrupted > 0 || out.deleted > 0) {
    ctx.log.info(
      { probes: out.interrupted, objects: out.deleted },
      'recorded abandoned probes as interrupted and deleted their S3 objects',
    );
  }
  return out;
}
