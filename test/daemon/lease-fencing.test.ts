// A leader that was paused past its lease while another process took it over: once it runs again its
// controllers' work is refused (the store write and the AWS call carry the old term), it says once
// that it lost the lease, stands by, and neither acts on the cloud nor records anything further.
// The pause is the lease clock standing still for this daemon (its renewals do not run) while the
// other holder's clock reads past the lease's expiry.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock, type Clock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { verifiedKey } from '../../src/daemon/drift-check.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig } from '../support/configs.js';

const EP = 'llm-async';

/** The lease clock: its time is set by the test, and the lease loop's sleeps end when it ticks. */
class LeaseClock implements Clock {
  private wakers: (() => void)[] = [];
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.wakers.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
  /** Lets the lease loop run one renewal. */
  tick(): void {
    for (const w of this.wakers.splice(0)) w();
  }
}

/** Every row of every table but the lease's, as text: what "records nothing" is checked against. */
function rows(store: SqliteStore): string {
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('leases') ORDER BY name")
    .pluck()
    .all() as string[];
  return JSON.stringify(tables.map((t) => [t, store.db.prepare(`SELECT * FROM "${t}"`).all()]));
}

interface Running {
  d: RunningDaemon;
  store: SqliteStore;
  fake: FakeCloud;
  clock: VirtualClock;
  lease: LeaseClock;
  leaseMs: number;
  logs(): string;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.d.stop();
  await running?.store.close();
  running = undefined;
});

async function start(): Promise<Running> {
  const clock = new VirtualClock(Date.UTC(2026, 4, 1));
  const lease = new LeaseClock(Date.UTC(2026, 4, 1));
  const fake = new FakeCloud();
  const store = openSqliteStore(':memory:');
  const config = testConfig();
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  const d = await startDaemon({
    config,
    cloud: fake,
    clock,
    scheduler: new ClockScheduler(clock),
    store,
    log: createLogger(new Redactor(), sink),
    prices: new PriceResolver({ store, clock, pricing: config.pricing }),
    listen: { host: '127.0.0.1', port: 0 },
    leaseClock: lease,
    holder: 'first',
  });
  running = { d, store, fake, clock, lease, leaseMs: config.daemon.leaseSeconds * 1000, logs: () => text };
  // Provisioned and settled: the endpoint is InService and the first rounds are recorded.
  for (let i = 0; i < 200 && fake.endpoints.get(EP)?.status !== 'InService'; i++) await clock.advance(30_000);
  for (let i = 0; i < 10; i++) await clock.advance(30_000);
  expect(d.isLeader()).toBe(true);
  expect((await store.controllers.get('reconcile'))?.okCount).toBeGreaterThan(0);
  return running;
}

/** Another process takes the lease over once it has expired (the first one was paused). */
async function takeOver(r: Running): Promise<number> {
  r.lease.t += r.leaseMs + 1;
  const got = await r.store.leases.tryAcquire('daemon', 'second', r.lease.now(), r.leaseMs);
  expect(got).toEqual({ held: true, term: 2 });
  return got.term;
}

async function role(r: Running): Promise<string> {
  const res = await fetch(`${r.d.url}/healthz`);
  return ((await res.json()) as { role?: string }).role ?? '';
}

const LOST = 'lost the lease (term 1 → 2); standing by';
const count = (text: string, s: string) => text.split(s).length - 1;

describe('a leader whose lease was taken over while it was paused', () => {
  it('its next fenced call is refused: it stands by, and acts and records nothing further', async () => {
    const r = await start();
    expect(await role(r)).toBe('leader');
    const acted = r.fake.mutatingCalls().length;
    const before = rows(r.store);

    await takeOver(r);
    // Work a reconcile would repair: the endpoint is gone, so it would create it again.
    r.fake.endpoints.delete(EP);
    for (let i = 0; i < 20; i++) await r.clock.advance(30_000);

    expect(count(r.logs(), LOST)).toBe(1);
    expect(r.d.isLeader()).toBe(false);
    expect(await role(r)).toBe('standby');
    expect(r.fake.mutatingCalls().slice(acted)).toEqual([]);
    expect(r.fake.endpoints.has(EP)).toBe(false);
    expect(rows(r.store)).toBe(before);
    // The renewal (the daemon resumed) finds the term moved on, and says nothing more.
    r.lease.tick();
    for (let i = 0; i < 20; i++) await r.clock.advance(30_000);
    expect(count(r.logs(), LOST)).toBe(1);
    expect(r.fake.mutatingCalls().slice(acted)).toEqual([]);
    expect(rows(r.store)).toBe(before);
    expect(await r.store.leases.get('daemon')).toMatchObject({ holder: 'second', term: 2 });
  });

  it('its renewal finds the term moved on before any work does: it stands by at once', async () => {
    const r = await start();
    const acted = r.fake.mutatingCalls().length;
    const before = rows(r.store);
    await takeOver(r);
    r.lease.tick();
    await r.clock.advance(0);
    expect(count(r.logs(), LOST)).toBe(1);
    expect(r.d.isLeader()).toBe(false);

    r.fake.endpoints.delete(EP);
    for (let i = 0; i < 20; i++) await r.clock.advance(30_000);
    expect(r.fake.mutatingCalls().slice(acted)).toEqual([]);
    expect(rows(r.store)).toBe(before);
    expect(count(r.logs(), LOST)).toBe(1);
  });

  it('the lease back (the other released it): it leads at the next term and repairs', async () => {
    const r = await start();
    await takeOver(r);
    r.lease.tick();
    await r.clock.advance(0);
    expect(r.d.isLeader()).toBe(false);
    r.fake.endpoints.delete(EP);
    await r.store.leases.release('daemon', 'second', r.lease.now());
    r.lease.tick();
    for (let i = 0; i < 200 && r.fake.endpoints.get(EP)?.status !== 'InService'; i++)
      await r.clock.advance(30_000);
    expect(r.d.isLeader()).toBe(true);
    expect(await r.store.leases.get('daemon')).toMatchObject({ holder: 'first', term: 3 });
    expect(r.fake.endpoints.get(EP)?.status).toBe('InService');
  });

  it('a run of term 1 resumed after the lease was lost and regained (term 3): refused; the new run acts', async () => {
    const r = await start();
    // Drift to repair: the wake alarm is gone. Not verified, so the next reconcile checks in full.
    const [alarm] = [...r.fake.alarms.keys()];
    expect(alarm).toBeDefined();
    r.fake.alarms.delete(alarm!);
    await r.store.meta.delete(verifiedKey(EP));
    // The slow call: a repair lists the alarms twice, to plan (before it forgets the endpoint's
    // verification, a store write) and again to apply (just before it puts the alarm back). The
    // second listing, and every one after it, waits until the test lets it go.
    const list = r.fake.listAlarms.bind(r.fake);
    const held: (() => void)[] = [];
    let holding = true;
    let listings = 0;
    r.fake.listAlarms = async (prefix) => {
      if (holding && ++listings >= 2) await new Promise<void>((go) => held.push(go));
      return list(prefix);
    };
    // Were an assertion to fail with a run still held, stopping the daemon would wait for it forever.
    const release = (): void => {
      holding = false;
      for (const go of held.splice(0)) go();
    };
    try {
      const stale = r.d.runNow('reconcile');
      for (let i = 0; i < 20 && held.length === 0; i++) await r.clock.advance(0);
      expect(held).toHaveLength(1);
      const acted = r.fake.mutatingCalls().length;
      const before = rows(r.store);
      const recorded = await r.store.controllers.get('reconcile');

      // Lost to another holder (term 2), then back to this process (term 3), while the run waits.
      await takeOver(r);
      r.lease.tick();
      await r.clock.advance(0);
      expect(r.d.isLeader()).toBe(false);
      await r.store.leases.release('daemon', 'second', r.lease.now());
      r.lease.tick();
      await r.clock.advance(0);
      expect(r.d.isLeader()).toBe(true);
      expect(await r.store.leases.get('daemon')).toMatchObject({ holder: 'first', term: 3 });

      // The stale run resumes: putting the alarm back is refused before it reaches the cloud, and so
      // is the record of its round (the store write). The election's run (term 3) waited for it and
      // now waits at its own first listing.
      held.shift()!();
      for (let i = 0; i < 20 && held.length === 0; i++) await r.clock.advance(0);
      expect(held).toHaveLength(1);
      expect(r.fake.mutatingCalls().slice(acted)).toEqual([]);
      expect(r.fake.alarms.has(alarm!)).toBe(false);
      expect(rows(r.store)).toBe(before);
      expect(await r.store.controllers.get('reconcile')).toEqual(recorded);
      await stale;
      // Refused as a run of an earlier term, not logged as a failed repair.
      const lines = r.logs().split('\n');
      expect(lines.filter((l) => l.includes('reconcile could not apply the plan'))).toEqual([]);
      const refusals = lines
        .filter((l) => l.includes('reconcile run of an earlier lease term refused'))
        .map((l) => JSON.parse(l) as { term: number; currentTerm: number });
      expect(refusals).toEqual([expect.objectContaining({ term: 1, currentTerm: 3 })]);

      // The run of term 3 repairs and records.
      release();
      for (let i = 0; i < 20 && !r.fake.alarms.has(alarm!); i++) await r.clock.advance(30_000);
      expect(r.fake.mutatingCalls().slice(acted)).toEqual(['PutMetricAlarm']);
      expect(r.fake.alarms.has(alarm!)).toBe(true);
      expect((await r.store.controllers.get('reconcile'))?.okCount).toBeGreaterThan(recorded?.okCount ?? 0);
      expect(r.d.isLeader()).toBe(true);
    } finally {
      release();
    }
  });
});
