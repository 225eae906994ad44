// The probe repo's contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { ProbeResult } from '../probes.js';
import type { Store } from '../types.js';

const T0 = Date.UTC(2026, 0, 5);

function probe(over: Partial<ProbeResult> & Pick<ProbeResult, 'id' | 'startedAt'>): ProbeResult {
  return { endpoint: 'e', instancesAtStart: 0, cold: true, outcome: 'running', ...over };
}

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`probes on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    it('latestOutcomes: the latest cold success with a total, the latest finished, the latest error, in [from, to)', async () => {
      const M = 60_000;
      for (const p of [
        probe({ id: 'old-cold', startedAt: T0, outcome: 'success', totalS: 600 }), // before the window
        probe({ id: 'err', startedAt: T0 + 10 * M, outcome: 'error', errorMessage: 'S3 denied' }),
        probe({ id: 'cold', startedAt: T0 + 20 * M, outcome: 'success', totalS: 640 }),
        probe({ id: 'cold-no-total', startedAt: T0 + 30 * M, outcome: 'success' }),
        probe({ id: 'warm', startedAt: T0 + 40 * M, cold: false, outcome: 'model_error', totalS: 3 }),
        probe({ id: 'interrupted', startedAt: T0 + 50 * M, outcome: 'interrupted' }),
        probe({ id: 'running', startedAt: T0 + 60 * M }),
        probe({ id: 'at-to', startedAt: T0 + 70 * M, outcome: 'error' }), // at the window's end: out
        probe({ id: 'other', endpoint: 'f', startedAt: T0 + 65 * M, outcome: 'error' }),
      ])
        await s.probes.save(p);
      const ids = async (from: number, to: number) =>
        (await s.probes.latestOutcomes('e', from, to)).map((p) => p.id);
      expect(await ids(T0 + 1, T0 + 70 * M)).toEqual(['err', 'cold', 'warm']);
      // One probe that is all three is given once.
      expect(await ids(T0, T0 + 10 * M)).toEqual(['old-cold']);
      expect(await ids(T0 + 45 * M, T0 + 70 * M)).toEqual([]);
      // With the error at T0 + 70 min inside, it is both the latest finished and the latest error.
      expect(await ids(T0 + 1, T0 + 71 * M)).toEqual(['cold', 'at-to']);
      // The whole row, as get() gives it.
      expect((await s.probes.latestOutcomes('e', T0 + 1, T0 + 15 * M))[0]).toEqual(await s.probes.get('err'));
    });

    it('stores probe results and marks running ones interrupted', async () => {
      await s.probes.save({
        id: 'p1',
        endpoint: 'e',
        startedAt: 1,
        instancesAtStart: 0,
        cold: true,
        outcome: 'running',
      });
      await s.probes.save({
        id: 'p0',
        endpoint: 'e',
        startedAt: 0,
        finishedAt: 1,
        instancesAtStart: 0,
        cold: true,
        totalS: 400,
        outcome: 'success',
      });
      expect((await s.probes.latest('e'))?.id).toBe('p1');
      expect(await s.probes.interruptRunning(9, 'shutdown')).toBe(1);
      expect(await s.probes.get('p1')).toMatchObject({
        outcome: 'interrupted',
        finishedAt: 9,
        errorMessage: 'shutdown',
      });
      expect(await s.probes.coldTotals()).toEqual([{ endpoint: 'e', totalS: 400 }]);
      expect((await s.probes.between('e', 0, 1)).map((p) => p.id)).toEqual(['p0']);
    });

    it('round-trips real-time probes: component, alarm phase, failed invocations; async rows have none', async () => {
      await s.probes.save({
        id: 'rt',
        endpoint: 'chat',
        component: 'chat-llama',
        startedAt: 1_000,
        finishedAt: 71_000,
        instancesAtStart: 0,
        cold: true,
        alarmS: 45,
        queuedS: 50,
        scaleOutS: 5,
        inServiceToOutputS: 15,
        totalS: 70,
        failedInvocations: 6,
        outcome: 'success',
      });
      await s.probes.save({
        id: 'as',
        endpoint: 'chat',
        startedAt: 2_000,
        instancesAtStart: 0,
        cold: true,
        outcome: 'running',
      });
      expect(await s.probes.get('rt')).toMatchObject({
        component: 'chat-llama',
        alarmS: 45,
        failedInvocations: 6,
      });
      const plain = (await s.probes.get('as'))!;
      expect('component' in plain || 'alarmS' in plain || 'failedInvocations' in plain).toBe(false);
      expect(await s.probes.coldBetween('chat', 0, 10_000)).toEqual([
        { startedAt: 1_000, finishedAt: 71_000, outcome: 'success', totalS: 70, component: 'chat-llama' },
        { startedAt: 2_000, finishedAt: undefined, outcome: 'running', totalS: undefined },
      ]);
      // The endpoint's latest is the newer row; the component's is its own, older one.
      expect((await s.probes.latest('chat'))?.id).toBe('as');
      expect((await s.probes.latest('chat', 'chat-llama'))?.id).toBe('rt');
      expect(await s.probes.latest('chat', 'chat-mistral')).toBeUndefined();
    });

    it('round-trips every field exactly, and leaves unset ones out rather than undefined', async () => {
      const full: Required<ProbeResult> = {
        id: 'full',
        endpoint: 'e',
        startedAt: T0 + 123,
        finishedAt: T0 + 456_789,
        instancesAtStart: 2,
        cold: false,
        queuedS: 0.1,
        scaleOutS: 1 / 3,
        inServiceToOutputS: 12.345,
        totalS: 456.666,
        outcome: 'model_error',
        inferenceId: 'inf-1',
        inputLocation: 's3://b/in.json',
        outputLocation: 's3://b/out.json',
        failureLocation: 's3://b/fail.json',
        errorMessage: 'boom: ünïcødé ✓',
        holder: 'host:1:serve',
        component: 'c',
        alarmS: 2.5,
        failedInvocations: 3,
      };
      await s.probes.save(full);
      expect(await s.probes.get('full')).toEqual(full);
      await s.probes.save(probe({ id: 'bare', startedAt: T0 }));
      expect(Object.keys((await s.probes.get('bare'))!).sort()).toEqual(
        ['cold', 'endpoint', 'id', 'instancesAtStart', 'outcome', 'startedAt'].sort(),
      );
      expect(await s.probes.get('missing')).toBeUndefined();
      expect(await s.probes.latest('nowhere')).toBeUndefined();
    });

    it('keeps one row for a probe saved at its start and again at its end, the second save whole', async () => {
      await s.probes.save(
        probe({
          id: 'p',
          startedAt: T0,
          holder: 'host:1:serve',
          inferenceId: 'inf',
          errorMessage: 'retrying',
        }),
      );
      // The end's save carries no holder and no message: the row must not keep the start's.
      await s.probes.save(
        probe({
          id: 'p',
          startedAt: T0,
          finishedAt: T0 + 60_000,
          totalS: 60,
          outcome: 'success',
          inferenceId: 'inf',
        }),
      );
      expect(await s.probes.between('e', T0, T0 + 1)).toEqual([
        probe({
          id: 'p',
          startedAt: T0,
          finishedAt: T0 + 60_000,
          totalS: 60,
          outcome: 'success',
          inferenceId: 'inf',
        }),
      ]);
      expect(await s.probes.running()).toEqual([]);
    });

    it('interrupts only the running probes of the holder named, or of every holder', async () => {
      await s.probes.save(probe({ id: 'a1', startedAt: T0 + 1, holder: 'A' }));
      await s.probes.save(probe({ id: 'b1', startedAt: T0 + 2, holder: 'B' }));
      await s.probes.save(probe({ id: 'n1', startedAt: T0, endpoint: 'other' }));
      await s.probes.save(
        probe({ id: 'a0', startedAt: T0 - 5, holder: 'A', outcome: 'success', finishedAt: T0 }),
      );
      expect(await s.probes.interruptRunning(T0 + 10, 'A stopped', 'A')).toBe(1);
      expect(await s.probes.get('a1')).toMatchObject({
        outcome: 'interrupted',
        finishedAt: T0 + 10,
        errorMessage: 'A stopped',
      });
      // A's finished probe is left as it was.
      expect((await s.probes.get('a0'))?.outcome).toBe('success');
      expect((await s.probes.running()).map((p) => p.id)).toEqual(['n1', 'b1']);
      expect(await s.probes.interruptRunning(T0 + 20, 'nobody', 'C')).toBe(0);
      expect(await s.probes.interruptRunning(T0 + 20, 'shutdown')).toBe(2);
      expect(await s.probes.running()).toEqual([]);
      expect(await s.probes.interruptRunning(T0 + 30, 'again')).toBe(0);
    });

    it('selects start times in [from, to) of one endpoint, oldest first', async () => {
      const from = T0;
      const to = T0 + 3_600_000;
      // Saved newest first, so the order read back comes from the query.
      for (const [id, at] of [
        ['at-to', to],
        ['last', to - 1],
        ['mid', from + 1_000],
        ['at-from', from],
        ['before', from - 1],
      ] as const) {
        await s.probes.save(
          probe({ id, startedAt: at, finishedAt: at + 10, totalS: 0.01, outcome: 'success' }),
        );
      }
      await s.probes.save(probe({ id: 'warm', startedAt: from + 2_000, cold: false, outcome: 'success' }));
      await s.probes.save(probe({ id: 'elsewhere', endpoint: 'f', startedAt: from + 3_000 }));
      expect((await s.probes.between('e', from, to)).map((p) => p.id)).toEqual([
        'at-from',
        'mid',
        'warm',
        'last',
      ]);
      expect(await s.probes.coldBetween('e', from, to)).toEqual(
        [from, from + 1_000, to - 1].map((at) => ({
          startedAt: at,
          finishedAt: at + 10,
          outcome: 'success',
          totalS: 0.01,
        })),
      );
      expect(await s.probes.coldBetween('e', to, to)).toEqual([]);
      expect((await s.probes.latest('e'))?.id).toBe('at-to');
    });

    it('compares fractional and infinite bounds with start times as numbers', async () => {
      for (const at of [10, 11, 12]) await s.probes.save(probe({ id: `p${at}`, startedAt: at }));
      expect((await s.probes.between('e', 10.5, 12.5)).map((p) => p.id)).toEqual(['p11', 'p12']);
      expect((await s.probes.coldBetween('e', 9.5, 11.5)).map((p) => p.startedAt)).toEqual([10, 11]);
      expect((await s.probes.between('e', -Infinity, Infinity)).map((p) => p.id)).toEqual([
        'p10',
        'p11',
        'p12',
      ]);
      expect(await s.probes.coldBetween('e', Number.NaN, Infinity)).toEqual([]);
    });

    it('totals only completed cold probes that succeeded, of every endpoint', async () => {
      await s.probes.save(probe({ id: 'a', startedAt: 1, totalS: 10, outcome: 'success' }));
      await s.probes.save(probe({ id: 'b', endpoint: 'f', startedAt: 2, totalS: 20, outcome: 'success' }));
      await s.probes.save(probe({ id: 'warm', startedAt: 3, cold: false, totalS: 1, outcome: 'success' }));
      await s.probes.save(probe({ id: 'timeout', startedAt: 4, totalS: 1800, outcome: 'timeout' }));
      await s.probes.save(probe({ id: 'no-total', startedAt: 5, outcome: 'success' }));
      // The order is not part of the contract (the /metrics histogram adds them up).
      const totals = await s.probes.coldTotals();
      expect(totals.sort((x, y) => x.totalS - y.totalS)).toEqual([
        { endpoint: 'e', totalS: 10 },
        { endpoint: 'f', totalS: 20 },
      ]);
    });

    it('keeps a message holding a NUL character (PostgreSQL text cannot hold it: there it becomes U+FFFD)', async () => {
      await s.probes.save(
        probe({ id: 'p', startedAt: 1, outcome: 'model_error', errorMessage: 'bad\0output' }),
      );
      const got = (await s.probes.get('p'))?.errorMessage;
      expect(b.name === 'postgres' ? got : got?.replace('\0', '\uFFFD')).toBe('bad\uFFFDoutput');
    });
  });
}
