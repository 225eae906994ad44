// The lease repo's contract with its fencing term, on SQLite and on PostgreSQL, and the fenced store
// and fenced cloud built on it (src/store/fence.ts, src/cloud/fenced.ts). Two holder names on one
// store stand for two processes: on PostgreSQL, work outside a transaction runs on other pooled
// connections, as another replica's would. `now` arguments count on SQLite only (PostgreSQL's clock
// decides), so these tests hand the lease over by release, or wait for a 1 ms lease to lapse.
import Database from 'better-sqlite3';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { FakeCloud } from '../../cloud/fake.js';
import { CLOUD_ACCESS, fencedCloud } from '../../cloud/fenced.js';
import { STORE_ACCESS, fencedStore, type RepoName } from '../fence.js';
import { LeaseFencedError } from '../leases.js';
import { openPgStore } from '../pg/store.js';
import { openSqliteStore } from '../sqlite/store.js';
import type { Store } from '../types.js';

const TTL = 60_000;
const L = 'daemon';
const A = 'host-a:101:serve';
const B = 'host-b:202:serve';

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`leases on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    afterAll(() => b.dispose());

    /**
     * `holder` takes the lease once A's 1 ms lease has lapsed: at once on SQLite (its `now` is past
     * the expiry), after polling on PostgreSQL (1 ms on the server's clock).
     */
    const takeOverLapsed = async (holder: string, now: number) => {
      let got = await s.leases.tryAcquire(L, holder, now, TTL);
      for (let i = 0; i < 200 && !got.held; i++) {
        await new Promise((r) => setTimeout(r, 5));
        got = await s.leases.tryAcquire(L, holder, now, TTL);
      }
      return got;
    };

    /** A store fenced by `term`, as the daemon builds it, counting its checks. */
    const fencedBy = (term: number, now = 1000) => {
      let checks = 0;
      const store = fencedStore(s, () => {
        checks++;
        return s.leases.assertTerm(L, term, now);
      });
      return { store, checks: () => checks };
    };

    it('one holder at a time; the holder keeps its term; release hands over at the next term, never reset', async () => {
      expect(await s.leases.tryAcquire(L, A, 1000, TTL)).toEqual({ held: true, term: 1 });
      expect(await s.leases.tryAcquire(L, A, 2000, TTL)).toEqual({ held: true, term: 1 }); // renewal
      expect(await s.leases.tryAcquire(L, B, 3000, TTL)).toEqual({ held: false, term: 1 });
      await s.leases.release(L, B, 3000); // not B's: no effect
      expect(await s.leases.tryAcquire(L, B, 3000, TTL)).toEqual({ held: false, term: 1 });
      expect(await s.leases.get(L)).toMatchObject({ name: L, holder: A, term: 1 });

      await s.leases.release(L, A, 4000);
      // The row stays, so the term is not lost.
      expect(await s.leases.get(L)).toMatchObject({ holder: A, term: 1 });
      expect(await s.leases.tryAcquire(L, B, 4000, TTL)).toEqual({ held: true, term: 2 });
      expect(await s.leases.tryAcquire(L, A, 4000, TTL)).toEqual({ held: false, term: 2 });
      await s.leases.release(L, A, 4000); // not A's any more: no effect
      expect(await s.leases.get(L)).toMatchObject({ holder: B, term: 2 });
      await s.leases.release(L, B, 5000);
      expect(await s.leases.tryAcquire(L, A, 5000, TTL)).toEqual({ held: true, term: 3 });
    });

    it('expiry hands the lease over at the next term; the old holder can neither renew nor take it back', async () => {
      expect(await s.leases.tryAcquire(L, A, 1000, 1)).toEqual({ held: true, term: 1 });
      // SQLite: 1002 is past the expiry at 1001.
      expect(await takeOverLapsed(B, 1002)).toEqual({ held: true, term: 2 });
      expect(await s.leases.renew(L, A, 1, 1003, TTL)).toBe(false);
      expect(await s.leases.tryAcquire(L, A, 1003, TTL)).toEqual({ held: false, term: 2 });
      expect(await s.leases.renew(L, B, 2, 1003, TTL)).toBe(true);
      expect(await s.leases.get(L)).toMatchObject({ holder: B, term: 2 });
    });

    it('renew extends our own tenure only: not under another term, not for another holder', async () => {
      const { term } = await s.leases.tryAcquire(L, A, 1000, TTL);
      const before = (await s.leases.get(L))!;
      expect(await s.leases.renew(L, A, term, 2000, TTL)).toBe(true);
      const after = (await s.leases.get(L))!;
      expect(after.acquiredAt).toBe(before.acquiredAt);
      expect(after.expiresAt).toBeGreaterThanOrEqual(before.expiresAt);
      if (b.name === 'sqlite') expect(after.expiresAt).toBe(2000 + TTL);
      expect(await s.leases.renew(L, A, term + 1, 2000, TTL)).toBe(false);
      expect(await s.leases.renew(L, B, term, 2000, TTL)).toBe(false);
      expect(await s.leases.renew('no-such-lease', A, 1, 2000, TTL)).toBe(false);
    });

    it('assertTerm passes the current term and refuses an old term, a lapsed lease and a missing one', async () => {
      await s.leases.tryAcquire(L, A, 1000, TTL);
      await s.leases.assertTerm(L, 1, 2000);
      await s.leases.release(L, A, 2000);
      await s.leases.tryAcquire(L, B, 2000, 1);
      await expect(s.leases.assertTerm(L, 1, 2000)).rejects.toThrow(
        new LeaseFencedError(
          `lease "${L}" is at term 2 (held by ${B}); a write under term 1 is refused`,
          1,
          2,
        ),
      );
      // B's 1 ms lease lapses (SQLite: at 2001).
      let lapsed: unknown;
      for (let i = 0; i < 200 && lapsed === undefined; i++) {
        lapsed = await s.leases.assertTerm(L, 2, 2001).then(
          () => new Promise((r) => setTimeout(() => r(undefined), 5)),
          (e: unknown) => e,
        );
      }
      expect(lapsed).toEqual(
        new LeaseFencedError(`lease "${L}" term 2 has lapsed; renew it before writing`, 2, 2),
      );
      // A lapse nobody took over is renewable, with the same term.
      expect(await s.leases.renew(L, B, 2, 2001, TTL)).toBe(true);
      await s.leases.assertTerm(L, 2, 2001);
      await expect(s.leases.assertTerm('no-such-lease', 1, 2001)).rejects.toThrow(
        /lease "no-such-lease" does not exist; a write under term 1 is refused/,
      );
    });

    it('rejects a ttl that is not a positive whole number of ms', async () => {
      await expect(s.leases.tryAcquire(L, A, 1000, 0)).rejects.toThrow(
        /ttlMs must be a positive whole number.*got 0/,
      );
      await expect(s.leases.renew(L, A, 1, 1000, 1.5)).rejects.toThrow(/got 1.5/);
    });

    it('a fenced store writes under the current term; after a takeover its writes are refused and leave nothing, its reads still work', async () => {
      const { term } = await s.leases.tryAcquire(L, A, 1000, TTL);
      const a = fencedBy(term).store;
      await a.meta.set('before', 'old leader', 1000);
      await a.probes.save({
        id: 'p1',
        endpoint: 'e',
        startedAt: 1000,
        instancesAtStart: 0,
        cold: true,
        outcome: 'running',
      });

      await s.leases.release(L, A, 2000);
      const taken = await s.leases.tryAcquire(L, B, 2000, TTL);
      expect(taken).toEqual({ held: true, term: term + 1 });

      const refused = `lease "${L}" is at term ${taken.term} (held by ${B}); a write under term ${term} is refused`;
      await expect(a.meta.set('after', 'stale', 2000)).rejects.toThrow(
        new LeaseFencedError(refused, term, taken.term),
      );
      await expect(
        a.probes.save({
          id: 'p2',
          endpoint: 'e',
          startedAt: 2000,
          instancesAtStart: 0,
          cold: true,
          outcome: 'running',
        }),
      ).rejects.toBeInstanceOf(LeaseFencedError);
      await expect(a.controllers.ok('reconcile', 2000)).rejects.toBeInstanceOf(LeaseFencedError);
      let ran = false;
      await expect(
        a.transaction(async () => {
          ran = true;
          await s.meta.set('in-tx', 'stale', 2000);
        }),
      ).rejects.toBeInstanceOf(LeaseFencedError);
      expect(ran).toBe(false);
      expect(await s.meta.get('after')).toBeUndefined();
      expect(await s.meta.get('in-tx')).toBeUndefined();
      expect(await s.probes.get('p2')).toBeUndefined();
      expect(await s.controllers.get('reconcile')).toBeUndefined();

      // Reads pass through, unfenced.
      expect(await a.meta.get('before')).toBe('old leader');
      expect((await a.probes.get('p1'))?.outcome).toBe('running');
      expect(await a.leases.get(L)).toMatchObject({ holder: B, term: taken.term });

      // The new term writes.
      await fencedBy(taken.term).store.meta.set('after', 'new leader', 2000);
      expect(await s.meta.get('after')).toBe('new leader');
    });

    it('a fenced transaction checks the term once, before its first statement, and rolls back whole on failure', async () => {
      const { term } = await s.leases.tryAcquire(L, A, 1000, TTL);
      const f = fencedBy(term);
      await f.store.transaction(async () => {
        await f.store.meta.set('a', '1', 1000);
        await f.store.meta.set('b', '2', 1000);
        await f.store.transaction(() => f.store.meta.set('c', '3', 1000));
      });
      expect(f.checks()).toBe(1);
      expect([await s.meta.get('a'), await s.meta.get('b'), await s.meta.get('c')]).toEqual(['1', '2', '3']);

      await expect(
        f.store.transaction(async () => {
          await f.store.meta.set('d', '4', 1000);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.meta.get('d')).toBeUndefined();
      // A write after the transaction ended checks again.
      await f.store.meta.set('e', '5', 1000);
      expect(f.checks()).toBe(3);
    });

    it('every repo method of the backend is classified read or write', () => {
      for (const [name, repo] of Object.entries(s)) {
        // Not repos: the group commit, and the SQLite store's own connection.
        if (typeof repo !== 'object' || repo === null || name === 'groupCommit' || name === 'db') continue;
        expect(Object.keys(STORE_ACCESS), `repo ${name}`).toContain(name);
        const table = STORE_ACCESS[name as RepoName] as Record<string, string>;
        for (const method of methodsOf(repo))
          expect(table[method], `${name}.${method}`).toMatch(/^(read|write)$/);
      }
    });

    it('a fenced cloud refuses acting calls after a takeover before they reach the cloud; reads pass', async () => {
      const fake = new FakeCloud();
      const { term } = await s.leases.tryAcquire(L, A, 1000, TTL);
      const cloud = fencedCloud(fake, () => s.leases.assertTerm(L, term, 1000));
      const model = {
        name: 'm',
        image: 'img',
        environment: {},
        executionRoleArn: 'arn:aws:iam::1:role/r',
        tags: {},
      };
      await cloud.createModel(model);
      expect(fake.calls).toEqual(['CreateModel']);

      await s.leases.release(L, A, 2000);
      await s.leases.tryAcquire(L, B, 2000, TTL);
      await expect(cloud.deleteModel('m')).rejects.toBeInstanceOf(LeaseFencedError);
      await expect(cloud.putObject('s3://b/k', 'x')).rejects.toBeInstanceOf(LeaseFencedError);
      await expect(
        cloud.invokeEndpointAsync({ endpointName: 'e', inputLocation: 's3://b/k' }),
      ).rejects.toBeInstanceOf(LeaseFencedError);
      await expect(cloud.setDesiredInstanceCount('e', 'AllTraffic', 0)).rejects.toBeInstanceOf(
        LeaseFencedError,
      );
      expect(fake.calls).toEqual(['CreateModel']);
      expect(fake.models.has('m')).toBe(true);

      expect((await cloud.getModel('m'))?.name).toBe('m');
      expect(await cloud.listModels('')).toEqual(['m']);
      expect(fake.calls).toEqual(['CreateModel', 'DescribeModel', 'ListModels']);
      // What the implementation has beyond the port is still there.
      expect(cloud).toBeInstanceOf(FakeCloud);
      expect(cloud.callCount('CreateModel')).toBe(1);
    });
  });
}

/** Two stores on one database, as two processes (replicas) have; `blocked` asks a third connection. */
interface Pair {
  a: Store;
  b: Store;
  /** Whether a takeover would have to wait now (SQLite: the write lock; PostgreSQL: the lease row). */
  takeoverBlocked(): Promise<boolean>;
  close(): Promise<void>;
}

const pg = testPostgres();
const pairs: { name: string; skip: string; open(): Promise<Pair> }[] = [
  {
    name: 'sqlite (one file, two connections)',
    skip: '',
    open() {
      const file = path.join(tempDir('sagezero-lease-'), 's.db');
      const a = openSqliteStore(file);
      const b = openSqliteStore(file);
      return Promise.resolve({
        a,
        b,
        takeoverBlocked() {
          const probe = new Database(file);
          try {
            probe.pragma('busy_timeout = 0');
            probe.exec('BEGIN IMMEDIATE');
            probe.exec('ROLLBACK');
            return Promise.resolve(false);
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
            return Promise.resolve(true);
          } finally {
            probe.close();
          }
        },
        close: async () => void (await Promise.all([a.close(), b.close()])),
      });
    },
  },
  {
    name: `postgres (two pools)${skipNote(pg)}`,
    skip: pg.skipReason,
    async open() {
      const url = await freshDatabase(pg.url);
      const a = await openPgStore(url);
      const b = await openPgStore(url);
      return {
        a,
        b,
        async takeoverBlocked() {
          const c = new PgClient({ connectionString: url });
          await c.connect();
          try {
            await c.query('BEGIN');
            // Every takeover path (tryAcquire, renew, release) updates this row.
            await c.query('SELECT 1 FROM leases WHERE name = $1 FOR UPDATE NOWAIT', [L]);
            return false;
          } catch (e) {
            if (!/could not obtain lock/.test((e as Error).message)) throw e;
            return true;
          } finally {
            await c.end();
          }
        },
        close: async () => void (await Promise.all([a.close(), b.close()])),
      };
    },
  },
];

for (const kind of pairs) {
  describe.skipIf(kind.skip !== '')(`leases across two connections: ${kind.name}`, () => {
    let p: Pair;
    beforeEach(async () => {
      p = await kind.open();
    });
    afterEach(() => p.close());

    it('one holder at a time; release hands over to the other connection at the next term', async () => {
      expect(await p.a.leases.tryAcquire(L, A, 1000, TTL)).toEqual({ held: true, term: 1 });
      expect(await p.b.leases.tryAcquire(L, B, 2000, TTL)).toEqual({ held: false, term: 1 });
      await p.a.leases.release(L, A, 3000);
      expect(await p.b.leases.tryAcquire(L, B, 3000, TTL)).toEqual({ held: true, term: 2 });
      expect(await p.a.leases.tryAcquire(L, A, 3001, TTL)).toEqual({ held: false, term: 2 });
      await expect(p.a.leases.assertTerm(L, 1, 3001)).rejects.toBeInstanceOf(LeaseFencedError);
    });

    it.skipIf(!kind.name.startsWith('sqlite'))(
      "SQLite: expiry on the callers' clock hands over; renewal pushes it back",
      async () => {
        const { a, b } = p;
        expect(await a.leases.tryAcquire(L, 'A', 1000, 30_000)).toEqual({ held: true, term: 1 });
        expect((await b.leases.tryAcquire(L, 'B', 2000, 30_000)).held).toBe(false);
        expect(await a.leases.tryAcquire(L, 'A', 20_000, 30_000)).toEqual({ held: true, term: 1 }); // renewal
        expect((await b.leases.tryAcquire(L, 'B', 40_000, 30_000)).held).toBe(false); // renewed until 50 000
        expect(await b.leases.tryAcquire(L, 'B', 50_001, 30_000)).toEqual({ held: true, term: 2 }); // expired
        expect((await a.leases.tryAcquire(L, 'A', 50_002, 30_000)).held).toBe(false);
        await b.leases.release(L, 'A', 50_002); // not A's to release any more: no effect
        expect((await a.leases.get(L))?.holder).toBe('B');
        await b.leases.release(L, 'B', 50_003);
        expect(await a.leases.tryAcquire(L, 'A', 50_003, 30_000)).toEqual({ held: true, term: 3 });
      },
    );

    it.skipIf(!kind.name.startsWith('sqlite'))(
      'SQLite group commit: the term is checked once per shared transaction, which keeps a takeover out until it commits',
      async () => {
        const { term } = await p.a.leases.tryAcquire(L, A, 1000, TTL);
        let checks = 0;
        const fenced = fencedStore(p.a, async () => {
          checks++;
          await p.a.leases.assertTerm(L, term, 1000);
        });
        const group = p.a.groupCommit!;
        await group.open();
        await fenced.meta.set('one', '1', 1000);
        await fenced.meta.set('two', '2', 1000);
        await fenced.metrics.upsert([{ endpoint: 'e', metric: 'm', minute: 0, value: 1 }]);
        expect(checks).toBe(1);
        expect(await p.takeoverBlocked()).toBe(true);
        await group.commit();
        expect(await p.takeoverBlocked()).toBe(false);
        // A new shared transaction checks again; so does a write outside any.
        await group.open();
        await fenced.meta.set('three', '3', 1000);
        await group.commit();
        await fenced.meta.set('four', '4', 1000);
        expect(checks).toBe(3);
        // After a takeover, the next group's first write is refused and leaves nothing.
        await p.a.leases.release(L, A, 2000);
        expect((await p.b.leases.tryAcquire(L, B, 2000, TTL)).held).toBe(true);
        await group.open();
        await expect(fenced.meta.set('late', 'x', 2000)).rejects.toBeInstanceOf(LeaseFencedError);
        await group.commit();
        expect(await p.b.meta.get('late')).toBeUndefined();
        expect(await p.b.meta.get('two')).toBe('2');
      },
    );

    it('a fenced transaction in flight keeps any takeover out until it commits, and then lands whole', async () => {
      const { term } = await p.a.leases.tryAcquire(L, A, 1000, TTL);
      const fenced = fencedStore(p.a, () => p.a.leases.assertTerm(L, term, 1000));
      expect(await p.takeoverBlocked()).toBe(false);
      let inside!: () => void;
      const entered = new Promise<void>((r) => (inside = r));
      let finish!: () => void;
      const gate = new Promise<void>((r) => (finish = r));
      // Blocked from the term check on, before the transaction writes anything: no takeover can
      // slip in between the check and the writes.
      const tx = fenced.transaction(async () => {
        inside();
        await gate;
        await fenced.meta.set('inflight', 'before takeover', 1000);
      });
      await entered;
      try {
        expect(await p.takeoverBlocked()).toBe(true);
      } finally {
        finish();
      }
      await tx;
      expect(await p.takeoverBlocked()).toBe(false);
      await p.a.leases.release(L, A, 2000);
      expect(await p.b.leases.tryAcquire(L, B, 2000, TTL)).toEqual({ held: true, term: term + 1 });
      expect(await p.b.meta.get('inflight')).toBe('before takeover');
      await expect(fenced.meta.set('late', 'x', 2000)).rejects.toBeInstanceOf(LeaseFencedError);
      expect(await p.b.meta.get('late')).toBeUndefined();
    });
  });
}

describe('the fenced cloud classifies every method of the port', () => {
  it('acts: the verbs that change AWS state or invoke an endpoint; reads: the rest', () => {
    for (const [method, access] of Object.entries(CLOUD_ACCESS)) {
      const acts =
        /^(create|delete|update|put|register|deregister|setDesiredInstanceCount|invoke|tagResource)/.test(
          method,
        );
      expect(access, method).toBe(acts ? 'act' : 'read');
    }
    // The table names the port's methods (the type makes it name every one of them).
    const fake = methodsOf(new FakeCloud());
    expect(Object.keys(CLOUD_ACCESS).filter((m) => !fake.includes(m))).toEqual([]);
  });
});

/** The functions an object answers to, its own and its classes'. */
function methodsOf(o: object): string[] {
  const out = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && typeof (o as Record<string, unknown>)[k] === 'function') out.add(k);
    }
  }
  return [...out];
}
