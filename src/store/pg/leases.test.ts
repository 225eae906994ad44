// Two pools stand for two replicas on two machines sharing one PostgreSQL.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase, skipNote, testPostgres } from '../../../test/support/pg-db.js';
import { openPgPool } from './connect.js';
import { LeaseFencedError, pgLeases, type PgLeases } from './leases.js';
import { migratePg } from './migrate.js';

const server = testPostgres();
const TTL = 60_000;
const A = 'host-a:101:serve';
const B = 'host-b:202:serve';

describe.skipIf(!server.url)(`PostgreSQL leases with fencing${skipNote(server)}`, () => {
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  let a: PgLeases;
  let b: PgLeases;
  const lease = () => `lease-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const url = await freshDatabase(server.url);
    poolA = await openPgPool(url);
    poolB = await openPgPool(url);
    await migratePg(poolA);
    a = pgLeases(poolA);
    b = pgLeases(poolB);
  });
  afterAll(async () => {
    await Promise.all([poolA?.end(), poolB?.end()]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The database clock passes the lease's expiry (moved back by an hour rather than waited for). */
  const lapse = (name: string) =>
    poolA.query('UPDATE leases SET expires_at = expires_at - 3600000 WHERE name = $1', [name]);
  const metaValue = async (key: string) =>
    (await poolA.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value;
  const writeMeta = (key: string, value: string) => (c: pg.PoolClient) =>
    c.query('INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, 0)', [key, value]);

  it('a new lease is held at term 1; its holder keeps the term; another is refused while it lasts', async () => {
    const name = lease();
    expect(await a.tryAcquire(name, A, TTL)).toEqual({ held: true, term: 1 });
    expect(await a.tryAcquire(name, A, TTL)).toEqual({ held: true, term: 1 });
    expect(await b.tryAcquire(name, B, TTL)).toEqual({ held: false, term: 1 });
    expect((await b.get(name))?.holder).toBe(A);
  });

  it('expiry is judged on the database clock, not the host clock', async () => {
    const name = lease();
    await a.tryAcquire(name, A, TTL);
    // B's host clock runs a day ahead of the lease's expiry: it must not matter.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 86_400_000);
    expect(await b.tryAcquire(name, B, TTL)).toEqual({ held: false, term: 1 });
    vi.useRealTimers();
    const l = await a.get(name);
    // The stored times are the server's: expiry is acquisition plus the ttl.
    expect(l && l.expiresAt - l.acquiredAt).toBe(TTL);
  });

  it('takeover after the lease really expires increments the term', async () => {
    const name = lease();
    expect(await a.tryAcquire(name, A, 1)).toEqual({ held: true, term: 1 });
    let got = await b.tryAcquire(name, B, TTL);
    // 1 ms on the server's clock; poll rather than assume how long that takes to pass.
    for (let i = 0; i < 200 && !got.held; i++) {
      await new Promise((r) => setTimeout(r, 5));
      got = await b.tryAcquire(name, B, TTL);
    }
    expect(got).toEqual({ held: true, term: 2 });
    expect(await a.get(name)).toMatchObject({ holder: B, term: 2 });
  });

  it('after a takeover the old holder can neither renew, nor write, nor take the lease back', async () => {
    const name = lease();
    const old = await a.tryAcquire(name, A, TTL);
    expect(await a.renew(name, A, old.term, TTL)).toBe(true);
    await lapse(name);
    const now = await b.tryAcquire(name, B, TTL);
    expect(now).toEqual({ held: true, term: old.term + 1 });

    expect(await a.renew(name, A, old.term, TTL)).toBe(false);
    await expect(a.fencedWrite(name, old.term, writeMeta(`${name}-a`, 'old leader'))).rejects.toThrow(
      new LeaseFencedError(
        `lease "${name}" is at term ${now.term} (held by ${B}); a write under term ${old.term} is refused`,
        old.term,
        now.term,
      ),
    );
    expect(await metaValue(`${name}-a`)).toBeUndefined();
    expect(await a.tryAcquire(name, A, TTL)).toEqual({ held: false, term: now.term });

    await b.fencedWrite(name, now.term, writeMeta(`${name}-b`, 'new leader'));
    expect(await metaValue(`${name}-b`)).toBe('new leader');
  });

  it('a lapsed lease that nobody took: fenced writes wait for a renew, which keeps the term', async () => {
    const name = lease();
    const { term } = await a.tryAcquire(name, A, TTL);
    await lapse(name);
    await expect(a.fencedWrite(name, term, writeMeta(`${name}-1`, 'x'))).rejects.toThrow(
      /has lapsed; renew it/,
    );
    expect(await a.renew(name, A, term, TTL)).toBe(true);
    await a.fencedWrite(name, term, writeMeta(`${name}-2`, 'y'));
    expect(await metaValue(`${name}-1`)).toBeUndefined();
    expect(await metaValue(`${name}-2`)).toBe('y');
  });

  it('release lets a standby in at once with the next term; the term never resets', async () => {
    const name = lease();
    expect((await a.tryAcquire(name, A, TTL)).term).toBe(1);
    await a.release(name, A);
    expect(await b.tryAcquire(name, B, TTL)).toEqual({ held: true, term: 2 });
    await a.release(name, A); // not A's any more: no effect
    expect(await a.tryAcquire(name, A, TTL)).toEqual({ held: false, term: 2 });
    await b.release(name, B);
    expect(await a.tryAcquire(name, A, TTL)).toEqual({ held: true, term: 3 });
  });

  it('a leader frozen inside a fenced write: the server ends it, the standby takes over, the write never lands', async () => {
    const name = lease();
    const frozenA = pgLeases(poolA, { fencedIdleTimeoutMs: 200 });
    const { term } = await frozenA.tryAcquire(name, A, TTL);
    let thaw!: () => void;
    const thawed = new Promise<void>((r) => (thaw = r));
    const write = frozenA.fencedWrite(name, term, async (c) => {
      await writeMeta(`${name}-frozen`, 'stale')(c);
      await thawed; // SIGSTOP, as far as the server can tell: no traffic inside an open transaction
      await c.query('SELECT 1');
    });
    const outcome = write.then(
      () => 'committed',
      () => 'failed',
    );
    // The lease row is locked by the frozen write; these wait until the server ends that session.
    await lapse(name);
    expect(await b.tryAcquire(name, B, TTL)).toEqual({ held: true, term: term + 1 });
    thaw();
    expect(await outcome).toBe('failed');
    expect(await metaValue(`${name}-frozen`)).toBeUndefined();
  });

  it('a fenced write in flight holds the lease row, so no takeover can slip in before its commit', async () => {
    const name = lease();
    const { term } = await a.tryAcquire(name, A, TTL);
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const write = a.fencedWrite(name, term, async (c) => {
      await writeMeta(`${name}-inflight`, 'before takeover')(c);
      inside();
      await gate;
    });
    await entered;
    // Every takeover path (tryAcquire, renew, release, an expiry's update) needs this row lock.
    const probe = await poolB.connect();
    try {
      await probe.query('BEGIN');
      await expect(
        probe.query('SELECT 1 FROM leases WHERE name = $1 FOR UPDATE NOWAIT', [name]),
      ).rejects.toThrow(/could not obtain lock/);
      await probe.query('ROLLBACK');
    } finally {
      probe.release();
      finish();
    }
    await write;
    await lapse(name);
    expect(await b.tryAcquire(name, B, TTL)).toEqual({ held: true, term: term + 1 });
    expect(await metaValue(`${name}-inflight`)).toBe('before takeover');
  });

  it('racing acquirers on two replicas: exactly one holds, for a new lease and for a takeover', async () => {
    for (let round = 0; round < 15; round++) {
      const name = lease();
      const race = (tag: string) =>
        Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).tryAcquire(name, `${tag}-${i}`, TTL)),
        );
      const first = await race('first');
      expect(first.filter((r) => r.held)).toHaveLength(1);
      expect(first.map((r) => r.term)).toEqual(Array(6).fill(1));
      await lapse(name);
      // New contenders: the lapsed holder winning again would rightly keep term 1.
      const second = await race('second');
      expect(second.filter((r) => r.held)).toHaveLength(1);
      expect(second.find((r) => r.held)?.term).toBe(2);
    }
  });

  it('rejects a ttl that is not a positive whole number of ms', async () => {
    await expect(a.tryAcquire(lease(), A, 0)).rejects.toThrow(/ttlMs must be a positive whole number.*got 0/);
    await expect(a.renew(lease(), A, 1, 1.5)).rejects.toThrow(/got 1.5/);
  });
});
