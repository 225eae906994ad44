// A throwaway PostgreSQL cluster for the tests: initdb into a temp dir, one postmaster on a free
// loopback port with its unix socket inside that dir, trust auth for the superuser on loopback, and
// password auth (scram) for members of PASSWORD_AUTH_ROLE so the credential tests can fail a login.
// Removed whole on stop. The binaries come from Debian's postgresql package (.ci/run installs it).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './moto.js';

const run = promisify(execFile);

/** Roles granted this one log in with a password over TCP; every other role is trusted on loopback. */
export const PASSWORD_AUTH_ROLE = 'sagezero_password_auth';
export const TEST_DATABASE = 'sagezero';

export interface PostgresServer {
  /** Superuser URL of the test database, e.g. postgres://postgres@127.0.0.1:PORT/sagezero */
  url: string;
  stop(): Promise<void>;
}

/**
 * The directory holding initdb and pg_ctl: $SAGEZERO_PG_BIN, else PATH, else the newest
 * /usr/lib/postgresql/<version>/bin (where Debian puts them, off PATH). Undefined when none has them.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const has = (dir: string) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'));
  if (env.SAGEZERO_PG_BIN) return has(env.SAGEZERO_PG_BIN) ? env.SAGEZERO_PG_BIN : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const versions = readdirSync(debian)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (has(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  return undefined;
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissingReason(): string | undefined {
  if (findPostgresBin()) return undefined;
  return (
    'initdb/pg_ctl not found (not on PATH, not in /usr/lib/postgresql/*/bin, no $SAGEZERO_PG_BIN); ' +
    'install them with "apt-get install postgresql" (.ci/run does)'
  );
}

/** initdb refuses to run as root: then the cluster belongs to the postgres user the Debian package makes. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) {
    throw new Error(
      'running as root, where initdb refuses to run, and there is no "postgres" user to run it as; ' +
        "install Debian's postgresql package (it creates that user) or run the tests as another user",
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(postgresMissingReason());
  const owner = clusterOwner();
  const dir = mkdtempSync(path.join(tmpdir(), 'sagezero-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  const log = path.join(dir, 'server.log');
  mkdirSync(sock);
  if (owner) for (const p of [dir, sock]) chownSync(p, owner.uid, owner.gid);
  const opts = { ...(owner ?? {}), cwd: dir, timeout: 60_000, env: { ...process.env, LC_ALL: 'C' } };
  const pgCtl = path.join(bin, 'pg_ctl');
  let watchdog: ChildProcess | undefined;
  const stop = () => {
    watchdog?.kill();
    spawnSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...opts, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'],
      opts,
    );
    writeFileSync(
      path.join(data, 'pg_hba.conf'),
      [
        'local all all trust',
        `host all +${PASSWORD_AUTH_ROLE} 127.0.0.1/32 scram-sha-256`,
        'host all all 127.0.0.1/32 trust',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    // Durability off: the cluster lives for one test run.
    const serverOpts = `-c listen_addresses=127.0.0.1 -p ${port} -k '${sock}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    watchdog = startWatchdog(dir, data);
    try {
      await run(pgCtl, ['-D', data, '-l', log, '-w', '-t', '60', '-o', serverOpts, 'start'], opts);
    } catch (e) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`pg_ctl start failed: ${(e as Error).message}\n${tail}`);
    }
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
      await admin.query(`CREATE ROLE ${PASSWORD_AUTH_ROLE} NOLOGIN`);
    } finally {
      await admin.end();
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/${TEST_DATABASE}`,
      stop: async () => stop(),
    };
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * The test runner may be killed (a timeout, SIGKILL, Ctrl-C) before its teardown. A detached shell
 * waits for this process to go, then stops the postmaster (SIGQUIT: immediate shutdown) and removes
 * the cluster, so no server outlives the run.
 */
function startWatchdog(dir: string, data: string): ChildProcess {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `pid=$(head -n 1 '${data}/postmaster.pid' 2>/dev/null) && kill -QUIT "$pid" 2>/dev/null`,
    'while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done',
    `rm -rf '${dir}'`,
  ].join('\n');
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/** What global-setup provides to the tests as inject('postgres'): a URL, or why there is none. */
export interface ProvidedPostgres {
  url: string;
  skipReason: string;
}

/**
 * Starts the cluster for a test run. Without the binaries the PostgreSQL tests skip with the reason,
 * except under CI, where .ci/run installs them and a skip would hide a missing install step.
 */
export async function startPostgresForTests(): Promise<{
  provided: ProvidedPostgres;
  stop(): Promise<void>;
}> {
  const missing = postgresMissingReason();
  if (missing) {
    if (process.env.CI) throw new Error(`PostgreSQL tests cannot run under CI: ${missing}`);
    console.warn(`PostgreSQL tests skipped: ${missing}`);
    return { provided: { url: '', skipReason: missing }, stop: async () => undefined };
  }
  const server = await startPostgres();
  return { provided: { url: server.url, skipReason: '' }, stop: server.stop };
}
