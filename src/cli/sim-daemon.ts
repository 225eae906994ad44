// On `cloud: sim` the simulated region lives inside the process that made it: a running daemon's
// region (endpoints, queues, its virtual clock) cannot be reached by a CLI command, which would open
// a region of its own and answer for it ("endpoint ... does not exist", "7 to create"). So a command
// that acts on the cloud refuses while a daemon holds the config's store lease, and writes nothing.
import { hostname } from 'node:os';
import path from 'node:path';
import { SystemClock, type Clock } from '../clock.js';
import { SIM_STATE_FILE } from '../cloud/sim/cli-state.js';
import { loadConfig, type Config } from '../config/load.js';
import { parseHolder, pidAlive } from '../daemon/probe-recovery.js';
import { openStore, storeExists, localStateDir } from '../store/index.js';
import type { Lease } from '../store/leases.js';
import { UserError } from './errors.js';

/** The lease a running daemon holds (src/daemon/daemon.ts), timed on the wall clock. */
export const DAEMON_LEASE = 'daemon';

export interface SimDaemon {
  lease: Lease;
  pid?: number;
  /** Set when the holder runs on another machine (its pid cannot be checked from here). */
  otherHost?: string;
}

export interface SimDaemonCheck {
  /** The lease clock: the wall clock, shared by every process on the store. */
  leaseClock?: Clock;
  host?: string;
  alive?: (pid: number) => boolean;
}

/**
 * The daemon that owns this `cloud: sim` config's simulated region: the holder of a live,
 * unexpired daemon lease in its store. A holder on this host whose process is gone (killed before
 * it could release the lease) does not count, nor one with this process's pid (a pid reused by a
 * restarted container).
 */
export async function runningSimDaemon(
  config: Config,
  check: SimDaemonCheck = {},
): Promise<SimDaemon | undefined> {
  if (config.cloud !== 'sim' || !storeExists(config.storePath)) return undefined;
  let lease: Lease | undefined;
  try {
    const store = await openStore(config.storePath, { readonly: true });
    try {
      lease = await store.leases.get(DAEMON_LEASE);
    } finally {
      await store.close();
    }
  } catch {
    // A store that does not open read-only has no daemon in it (a running one keeps it open in WAL
    // mode); the command itself reports a broken store if it needs the store.
    return undefined;
  }
  const now = (check.leaseClock ?? new SystemClock()).now();
  if (!lease || lease.expiresAt <= now) return undefined;
  const holder = parseHolder(lease.holder);
  if (!holder) return { lease };
  if (holder.host !== (check.host ?? hostname())) return { lease, pid: holder.pid, otherHost: holder.host };
  if (holder.pid === process.pid || !(check.alive ?? pidAlive)(holder.pid)) return undefined;
  return { lease, pid: holder.pid };
}

/** The URL the daemon serves on according to its config (a --port given to serve is not known). */
function dashboardUrl(config: Config): string | undefined {
  const { host, port } = config.server;
  if (port === 0) return undefined;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

export function simDaemonMessage(configPath: string, config: Config, d: SimDaemon): string {
  const who = [
    d.pid !== undefined ? `pid ${d.pid}` : `holder ${d.lease.holder}`,
    ...(d.otherHost ? [`on host ${d.otherHost}`] : []),
    ...(dashboardUrl(config) ? [dashboardUrl(config)!] : []),
  ].join(', ');
  const own = path.join(localStateDir(config.storePath, config.file), SIM_STATE_FILE);
  return (
    `${configPath} uses the simulated cloud, and its daemon (${who}) owns that simulated region: ` +
    `the commands plan/apply/destroy/probe/invoke cannot reach it from another process. ` +
    `Use the dashboard or the API (the daemon itself reconciles the endpoints to the config and runs ` +
    `the scheduled probes), or stop the daemon: the commands then work on a simulated region of their ` +
    `own, kept in ${own}.`
  );
}

/** Throws a UserError (exit 1) when a daemon owns this `cloud: sim` config's region. */
export async function refuseWhileSimDaemonRuns(
  configPath: string,
  check: SimDaemonCheck = {},
): Promise<void> {
  const config = loadConfig(configPath);
  const daemon = await runningSimDaemon(config, check);
  if (daemon) throw new UserError(simDaemonMessage(configPath, config, daemon));
}
