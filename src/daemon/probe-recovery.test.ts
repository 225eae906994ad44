import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { FakeCloud } from '../cloud/fake.js';
import { openStore } from '../store/index.js';
import type { ProbeResult } from '../store/probes.js';
import {
  abandoned,
  holderId,
  parseHolder,
  recoverAbandonedProbes,
  type RecoveryContext,
} from './probe-recovery.js';

const T0 = Date.UTC(2026, 4, 1, 12);
const HOST = 'box-a';
const SELF = `${HOST}:${process.pid}:me`;

function running(id: string, holder: string | undefined, startedAt = T0 - 60_000): ProbeResult {
  return {
    id,
    endpoint: 'llm',
    startedAt,
    instancesAtStart: 0,
    cold: true,
    outcome: 'running',
    inputLocation: `s3://b/p/${id}.in`,
    outputLocation: `s3://b/out/${id}.out`,
    ...(holder !== undefined ? { holder } : {}),
  };
}

async function context(cloud: FakeCloud, alive: number[] = []) {
  const store = await openStore(':memory:');
  const clock = new VirtualClock(T0);
  const logs: string[] = [];
  const record = (_o: object, m?: string): void => void logs.push(m ?? '');
  const ctx: RecoveryContext = {
    probes: store.probes,
    cloud,
    clock,
    log: { warn: record, info: record },
    self: SELF,
    timeoutMs: () => 30 * 60_000,
    host: HOST,
    alive: (pid) => alive.includes(pid),
  };
  return { store, ctx, logs };
}

describe('probe holders', () => {
  it('round-trips host and pid, hosts with colons included', () => {
    expect(parseHolder(holderId('x', 'ip-10-0-0-1', 42))).toEqual({ host: 'ip-10-0-0-1', pid: 42 });
    expect(parseHolder('fe80::1:7:tag')).toEqual({ host: 'fe80::1', pid: 7 });
    expect(parseHolder('nonsense')).toBeUndefined();
  });
});

describe('recoverAbandonedProbes', () => {
  it('interrupts and cleans up only probes whose process is gone', async () => {
    const cloud = new FakeCloud();
    const { store, ctx } = await context(cloud, [4242]);
    const rows = [
      running('mine', SELF),
      running('live-cli', `${HOST}:4242:cli`),
      running('dead', `${HOST}:999999:serve`),
      running('reused-pid', `${HOST}:${process.pid}:earlier`),
      running('legacy', undefined),
      running('remote-young', 'box-b:7:serve'),
      running('remote-old', 'box-b:7:serve', T0 - 2 * 3600_000),
    ];
    for (const r of rows) {
      await store.probes.save(r);
      await cloud.putObject(r.inputLocation!, 'in');
      await cloud.putObject(r.outputLocation!, 'out');
    }
    const result = await recoverAbandonedProbes(ctx);
    const outcome = async (id: string) => (await store.probes.get(id))?.outcome;
    expect(await Promise.all(['dead', 'reused-pid', 'legacy', 'remote-old'].map(outcome))).toEqual(
      Array(4).fill('interrupted'),
    );
    expect(await Promise.all(['mine', 'live-cli', 'remote-young'].map(outcome))).toEqual(
      Array(3).fill('running'),
    );
    expect(result).toEqual({ interrupted: 4, deleted: 8, retry: 0 });
    // The live processes' objects are still there; the abandoned ones' are gone.
    expect(await cloud.getObject('s3://b/p/live-cli.in')).toBeDefined();
    expect(await cloud.getObject('s3://b/p/dead.in')).toBeUndefined();
    expect(await cloud.getObject('s3://b/out/remote-old.out')).toBeUndefined();
    expect((await store.probes.get('dead'))?.errorMessage).toMatch(/process 999999 is gone/);
  });

  it('leaves a row running when a delete fails, and finishes it on the next round', async () => {
    const cloud = new FakeCloud();
    const { store, ctx, logs } = await context(cloud);
    await store.probes.save(running('dead', `${HOST}:999999:serve`));
    const failing = { deleteObject: () => Promise.reject(new Error('SlowDown')) };
    expect(await recoverAbandonedProbes({ ...ctx, cloud: failing })).toEqual({
      interrupted: 0,
      deleted: 0,
      retry: 1,
    });
    expect((await store.probes.get('dead'))?.outcome).toBe('running');
    expect(logs.join('\n')).toContain('will try again at the next reconcile');
    expect(await recoverAbandonedProbes(ctx)).toMatchObject({ interrupted: 1, retry: 0 });
    expect((await store.probes.get('dead'))?.outcome).toBe('interrupted');
  });

  it('abandoned() never claims this process’s own probe', async () => {
    const { ctx } = await context(new FakeCloud());
    expect(abandoned(running('x', SELF), ctx, T0 + 86_400_000)).toBeUndefined();
  });
});
