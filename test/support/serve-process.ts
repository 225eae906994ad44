// `sagezero serve` as a separate OS process (through tsx, no build step), for the tests of several
// serves sharing one store: its output, its dashboard URL once it listens, its exit, and its role.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from './cli.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  out: () => string;
  /** The dashboard URL, once it says it listens. */
  url: Promise<string>;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Starts `serve -c file` with `env` added to this process's environment. */
export function spawnServe(file: string, env: NodeJS.ProcessEnv = {}): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '-c', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    out: () => out,
    url: waitFor(
      () => /sagezero dashboard: (http:\/\/\S+?)\/?$/m.exec(out)?.[1],
      () => out,
    ),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

/** Kills every serve this file started that still runs (a stopped one is continued first). */
export function killServes(): void {
  for (const c of started.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
}

/** The role /healthz reports: leader or standby. */
export async function serveRole(url: string): Promise<string> {
  const r = (await (await fetch(`${url}/healthz`)).json()) as { role?: string };
  return r.role ?? '';
}

/** Polls `probe` until it gives a value; fails after `timeoutMs` with the end of `context()`. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  context: () => string,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last output:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
