// Async transactions on one synchronous connection: what runs during a transaction's awaits must
// not join it, and a failure must undo exactly its own writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../types.js';
import { openSqliteStore } from './store.js';

let s: Store;
beforeEach(() => {
  s = openSqliteStore(':memory:');
});
afterEach(async () => {
  await s.close();
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const keys = async (): Promise<string[]> => (await s.meta.list('k.')).map((e) => e.key);

describe('SQLite store transactions', () => {
  it('runs two concurrent transactions one after the other; the failing one undoes only its own writes', async () => {
    const order: string[] = [];
    const good = s.transaction(async () => {
      order.push('good begins');
      await s.meta.set('k.good1', '1', 1);
      await tick(); // the other transaction and the plain write are started during this
      await s.meta.set('k.good2', '1', 1);
      order.push('good ends');
    });
    const bad = s.transaction(async () => {
      order.push('bad begins');
      await s.meta.set('k.bad1', '1', 1);
      await tick();
      throw new Error('boom');
    });
    const plain = s.meta.set('k.plain', '1', 1);
    await expect(bad).rejects.toThrow('boom');
    await good;
    await plain;
    // Without the lock, the second BEGIN fails ("cannot start a transaction within a transaction")
    // or, as a savepoint, the two interleave and the rollback takes the other's writes with it.
    expect(order).toEqual(['good begins', 'good ends', 'bad begins']);
    expect(await keys()).toEqual(['k.good1', 'k.good2', 'k.plain']);
  });

  it('keeps a write made outside a transaction while it is open out of its rollback', async () => {
    let started!: () => void;
    const open = new Promise<void>((resolve) => (started = resolve));
    const tx = s.transaction(async () => {
      await s.meta.set('k.inside', '1', 1);
      started();
      await tick();
      await tick();
      throw new Error('rolled back');
    });
    await open;
    // Issued while the transaction is open: waits for it, then commits on its own.
    await s.meta.set('k.outside', '1', 1);
    await expect(tx).rejects.toThrow('rolled back');
    expect(await keys()).toEqual(['k.outside']);
  });

  it('nests as savepoints: an inner failure the outer catches undoes only the inner writes', async () => {
    await s.transaction(async () => {
      await s.meta.set('k.outer', '1', 1);
      await expect(
        s.transaction(async () => {
          await s.meta.set('k.inner', '1', 1);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await s.transaction(async () => s.meta.set('k.inner2', '1', 1));
    });
    expect(await keys()).toEqual(['k.inner2', 'k.outer']);
  });

  it('returns the callback value and rolls everything back when the outer transaction fails', async () => {
    expect(await s.transaction(async () => (await s.meta.set('k.a', '1', 1), 42))).toBe(42);
    await expect(
      s.transaction(async () => {
        await s.meta.set('k.b', '1', 1);
        await s.transaction(async () => s.meta.set('k.c', '1', 1));
        throw new Error('outer');
      }),
    ).rejects.toThrow('outer');
    expect(await keys()).toEqual(['k.a']);
  });

  it('group commit: a transaction inside it that fails undoes only itself; commit keeps the rest', async () => {
    await s.groupCommit!.open();
    await s.meta.set('k.batched', '1', 1);
    await expect(
      s.transaction(async () => {
        await s.meta.set('k.failed', '1', 1);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await s.transaction(async () => s.meta.set('k.tx', '1', 1));
    await s.groupCommit!.commit();
    expect(await keys()).toEqual(['k.batched', 'k.tx']);
  });
});
