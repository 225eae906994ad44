// store.transaction's contract, on SQLite and on PostgreSQL: all or nothing across repos, nested
// transactions as savepoints, and work outside the transaction neither joined nor rolled back with it.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`store.transaction on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    /** One write to each of several repos, `tag` telling them apart. */
    const writeAll = async (tag: string, at: number): Promise<void> => {
      await s.meta.set(`m-${tag}`, tag, at);
      await s.probes.save({
        id: `p-${tag}`,
        endpoint: 'e',
        startedAt: at,
        instancesAtStart: 0,
        cold: true,
        outcome: 'running',
      });
      await s.alerts.save({
        key: `a-${tag}`,
        rule: 'r',
        state: 'firing',
        firstFiredAt: at,
        lastFiredAt: at,
        summary: tag,
      });
      await s.apiCalls.record({ service: 'sagemaker', operation: `op-${tag}`, ok: true }, at);
      await s.controllers.error(`c-${tag}`, at, tag);
      await s.billing.saveDay(
        { day: `2026-01-0${at}`, source: tag, fetchedAt: at, estimated: false, final: true },
        [{ day: `2026-01-0${at}`, usageType: 'u', tag, costUsd: 1, usageQuantity: 1, unit: 'Hrs' }],
      );
      await s.calibrations.save({ endpoint: `e-${tag}`, madeAt: at, fit: { tag }, agrees: true });
    };
    /** Which of `tags` left their writes, per repo (every repo should agree). */
    const present = async (tags: string[]): Promise<Record<string, string[]>> => {
      const out: Record<string, string[]> = {};
      const has = (repo: string, tag: string, yes: boolean) => {
        out[repo] ??= [];
        if (yes) out[repo].push(tag);
      };
      const ops = (await s.apiCalls.totals()).map((t) => t.operation);
      const controllers = (await s.controllers.all()).map((c) => c.controller);
      const sources = (await s.billing.days('2026-01-01', '2026-01-10')).map((d) => d.source);
      const billed = (await s.billing.rows('2026-01-01', '2026-01-10')).map((r) => r.tag);
      for (const tag of tags) {
        has('meta', tag, (await s.meta.get(`m-${tag}`)) === tag);
        has('probes', tag, (await s.probes.get(`p-${tag}`)) !== undefined);
        has('alerts', tag, (await s.alerts.get(`a-${tag}`)) !== undefined);
        has('apiCalls', tag, ops.includes(`op-${tag}`));
        has('controllers', tag, controllers.includes(`c-${tag}`));
        has('billing days', tag, sources.includes(tag));
        has('billing rows', tag, billed.includes(tag));
        has('calibrations', tag, (await s.calibrations.latest(`e-${tag}`)) !== undefined);
      }
      return out;
    };
    const everyRepo = (tags: string[]) =>
      Object.fromEntries(
        [
          'meta',
          'probes',
          'alerts',
          'apiCalls',
          'controllers',
          'billing days',
          'billing rows',
          'calibrations',
        ].map((r) => [r, tags]),
      );

    it('rolls back a transaction that throws', async () => {
      await expect(
        s.transaction(async () => {
          await s.meta.set('a', '1', 0);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.meta.get('a')).toBeUndefined();
    });

    it('undoes the writes of every repo when it throws, and keeps them all when it returns', async () => {
      await expect(
        s.transaction(async () => {
          await writeAll('undone', 1);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.transaction(() => writeAll('kept', 2).then(() => 'done'))).toBe('done');
      expect(await present(['undone', 'kept'])).toEqual(everyRepo(['kept']));
    });

    it('rolls back a failing nested transaction alone; the outer one goes on and commits', async () => {
      await s.transaction(async () => {
        await writeAll('before', 1);
        await expect(
          s.transaction(async () => {
            await writeAll('inner', 2);
            throw new Error('inner boom');
          }),
        ).rejects.toThrow('inner boom');
        await s.transaction(() => writeAll('nested-ok', 3));
        await writeAll('after', 4);
      });
      expect(await present(['before', 'inner', 'nested-ok', 'after'])).toEqual(
        everyRepo(['before', 'nested-ok', 'after']),
      );
    });

    it('does not roll back a write made outside it while it was open', async () => {
      let proceed!: () => void;
      const gate = new Promise<void>((resolve) => (proceed = resolve));
      let started!: () => void;
      const inside = new Promise<void>((resolve) => (started = resolve));
      const tx = s.transaction(async () => {
        await writeAll('inside', 1);
        started();
        await gate;
        throw new Error('boom');
      });
      await inside;
      // Called from the test body, outside the transaction's async context: SQLite runs it after
      // the transaction ends, PostgreSQL on another connection at once; neither inside it.
      const outside = writeAll('outside', 2);
      proceed();
      await expect(tx).rejects.toThrow('boom');
      await outside;
      expect(await present(['inside', 'outside'])).toEqual(everyRepo(['outside']));
    });
  });
}
