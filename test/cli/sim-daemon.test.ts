// One simulated cloud: while a daemon holds the store lease of a `cloud: sim` config, the commands
// that act on the cloud (plan, apply, destroy, probe, invoke) refuse with exit 1 and write nothing;
// once the lease has expired they run as before, on the CLI's own simulated region. A probe run
// there never lands in a store whose history runs on a daemon's simulated clock.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runningSimDaemon } from '../../src/cli/sim-daemon.js';
import { loadConfig } from '../../src/config/load.js';
import { META } from '../../src/store/index.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';

const LEASE_MS = 60_000;
// A process on this host that outlives the test: the runner that started this worker.
const LIVE_PID = process.ppid;

let dir: string;
let file: string;
let storePath: string;
let payload: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sagezero-sim-daemon-'));
  file = path.join(dir, 'demo.yaml');
  storePath = path.join(dir, 'var', 'sz.db');
  payload = path.join(dir, 'payload.json');
  writeFileSync(payload, '{"inputs":"hi"}');
  writeFileSync(
    file,
    `region: us-east-1
cloud: sim
store: ./var/sz.db
sim: { bootSeconds: 60, seed: 3, accountId: "123456789012" }
server: { port: 18089 }
endpoints:
  - name: llm
    model: { image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/x
    instanceType: ml.g5.xlarge
    probe:
      payload: { inputs: hi }
      contentType: application/json
      bucket: s3://probe-bucket/probes/
      timeoutSeconds: 600
`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store as a daemon leaves it: one probe row, and a daemon lease held until `expiresAt`. */
async function daemonStore(
  expiresAt: number,
  opts: { simClock?: boolean; holder?: string } = {},
): Promise<void> {
  const store = openSqliteStore(storePath);
  const holder = opts.holder ?? `${hostname()}:${LIVE_PID}:daemon1`;
  await store.leases.tryAcquire('daemon', holder, expiresAt - LEASE_MS, LEASE_MS);
  await store.probes.save({
    id: 'daemon-probe',
    endpoint: 'llm',
    startedAt: Date.UTC(2026, 0, 5, 6),
    finishedAt: Date.UTC(2026, 0, 5, 6, 10),
    instancesAtStart: 0,
    cold: true,
    totalS: 600,
    outcome: 'success',
  });
  if (opts.simClock) await store.meta.set(META.lastPollAt, String(Date.UTC(2026, 0, 5, 7)), 0);
  await store.close();
}

async function probeRows(): Promise<unknown[]> {
  const store = openSqliteStore(storePath, { readonly: true });
  try {
    return store.db.prepare('SELECT * FROM probe_results ORDER BY id').all();
  } finally {
    await store.close();
  }
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const COMMANDS: [string, string[]][] = [
  ['plan', []],
  ['apply', ['--yes']],
  ['destroy', ['--yes']],
  ['probe', []],
  ['invoke', ['--payload', 'PAYLOAD', '--wait']],
];

describe('a cloud: sim command while its daemon runs', () => {
  it.each(COMMANDS)('%s refuses with exit 1, naming the daemon, and writes nothing', async (cmd, extra) => {
    await daemonStore(Date.now() + LEASE_MS);
    const before = await probeRows();
    const args = extra.map((a) => (a === 'PAYLOAD' ? payload : a));
    const r = await cli(cmd, '-c', file, ...args);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `error: ${file} uses the simulated cloud, and its daemon (pid ${LIVE_PID}, http://127.0.0.1:18089/) ` +
        'owns that simulated region: the commands plan/apply/destroy/probe/invoke cannot reach it from ' +
        'another process. Use the dashboard or the API (the daemon itself reconciles the endpoints to the ' +
        'config and runs the scheduled probes), or stop the daemon: the commands then work on a simulated ' +
        `region of their own, kept in ${path.join(dir, 'var', 'sim-cloud.json')}.`,
    );
    expect(await probeRows()).toEqual(before);
    // Not even the CLI's own simulated region was opened.
    expect(existsSync(path.join(dir, 'var', 'sim-cloud.json'))).toBe(false);
  });

  it('runs as before once the lease has expired', async () => {
    await daemonStore(Date.now() - 1000);
    const plan = await cli('plan', '-c', file);
    expect(plan.code).toBe(2); // changes pending: the CLI's region is empty
    expect((await cli('apply', '-c', file, '--yes')).code).toBe(0);
    const probe = await cli('probe', '-c', file);
    expect(probe.out).toMatch(/^llm: success/);
    // No daemon clock in this store (no poll recorded): the probe is recorded as before.
    expect(await probeRows()).toHaveLength(2);
    const invoke = await cli('invoke', '-c', file, '--payload', payload, '--wait');
    expect(invoke.code).toBe(0);
    expect((await cli('destroy', '-c', file, '--yes')).code).toBe(0);
  });

  it('does not record a probe in a store kept on a daemon simulated clock', async () => {
    await daemonStore(Date.now() - 1000, { simClock: true });
    const before = await probeRows();
    expect((await cli('apply', '-c', file, '--yes')).code).toBe(0);
    const probe = await cli('probe', '-c', file);
    expect(probe.out).toMatch(/^llm: success/);
    expect(probe.err).toContain(
      `not recorded in ${storePath}: its history runs on the daemon's simulated clock`,
    );
    expect(await probeRows()).toEqual(before);
  });
});

describe('runningSimDaemon', () => {
  it('ignores a lease whose process on this host is gone, and reports one held on another host', async () => {
    await daemonStore(Date.now() + LEASE_MS);
    const config = loadConfig(file);
    expect((await runningSimDaemon(config))?.pid).toBe(LIVE_PID);
    expect(await runningSimDaemon(config, { alive: () => false })).toBeUndefined();
    expect(await runningSimDaemon(config, { host: 'elsewhere' })).toMatchObject({
      pid: LIVE_PID,
      otherHost: hostname(),
    });
    // A lease is timed on the wall clock: a minute later it has expired.
    expect(
      await runningSimDaemon(config, {
        leaseClock: { now: () => Date.now() + 2 * LEASE_MS, sleep: async () => {} },
      }),
    ).toBeUndefined();
  });

  it('is never set off on cloud: aws', async () => {
    await daemonStore(Date.now() + LEASE_MS);
    writeFileSync(file, readFileSync(file, 'utf8').replace('cloud: sim', 'cloud: aws'));
    expect(await runningSimDaemon(loadConfig(file))).toBeUndefined();
  });
});
