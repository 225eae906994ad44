import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from './migrations.js';
import { openStore, StoreError } from './store.js';
import Database from 'better-sqlite3';
import { tempDir } from '../../test/support/temp-dir.js';
import { openSqliteStore, type SqliteStore } from './sqlite/store.js';

const opened: SqliteStore[] = [];
function open(file: string): SqliteStore {
  const s = openSqliteStore(file);
  opened.push(s);
  return s;
}
afterEach(async () => {
  while (opened.length) await opened.pop()?.close();
});

const tmp = (): string => tempDir('sagezero-store-');

describe('openStore', () => {
  it('creates the directory, uses WAL and records every migration once', async () => {
    const file = path.join(tmp(), 'nested', 'dir', 'sz.db');
    const s = open(file);
    expect(s.path).toBe(file);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(s.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    const versions = s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    await s.close();
    // Reopening replays nothing and keeps data.
    const again = open(file);
    expect(again.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
  });

  it('names the store path when the directory cannot be created', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'afile'), 'x');
    const bad = path.join(dir, 'afile', 'sz.db');
    await expect(openStore(bad)).rejects.toThrow(StoreError);
    await expect(openStore(bad)).rejects.toThrow(bad);
  });

  it('names the store path when the file is not a database', async () => {
    const file = path.join(tmp(), 'not.db');
    writeFileSync(
      file,
      'this is not sqlite, just some text that is long enough to have a header '.repeat(20),
    );
    await expect(openStore(file)).rejects.toThrow(
      /cannot use store .*not\.db: the file is not a SQLite database/,
    );
  });

  it('refuses a store written by a newer schema', async () => {
    const file = path.join(tmp(), 'new.db');
    const db = new Database(file);
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 0)").run();
    db.close();
    await expect(openStore(file)).rejects.toThrow(/schema version 999, newer than this sagezero knows/);
  });

  it('applies only migrations newer than the store', () => {
    const db = new Database(':memory:');
    const first = migrate(db, [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x)' }]);
    const second = migrate(db, [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x)' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x)' },
    ]);
    expect(first).toEqual([1]);
    expect(second).toEqual([2]);
    db.close();
  });

  it('migrates version-3 telemetry gaps to per-endpoint rows, keeping the old ones for all endpoints', async () => {
    const file = path.join(tmp(), 'v3.db');
    const db = new Database(file);
    expect(
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 3),
      ),
    ).toEqual([1, 2, 3]);
    // Version 3 kept one row per start: the last endpoint to record a gap there overwrote the rest.
    const old = db.prepare(
      'INSERT INTO telemetry_gaps (start_at, end_at, backfilled_transitions) VALUES (?, ?, ?)',
    );
    old.run(1000, 2000, 3);
    old.run(5000, 5600, 0);
    db.close();

    const s = open(file);
    expect(s.db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(
      MIGRATIONS[MIGRATIONS.length - 1]!.version,
    );
    expect(await s.gaps.overlapping(0, 10_000)).toEqual([
      { endpoint: null, start: 1000, end: 2000, backfilledTransitions: 3 },
      { endpoint: null, start: 5000, end: 5600, backfilledTransitions: 0 },
    ]);
    // New gaps name their endpoint, and two endpoints under one start (even an old row's) coexist.
    await s.gaps.record({ endpoint: 'a', start: 5000, end: 5600, backfilledTransitions: 1 });
    await s.gaps.record({ endpoint: 'b', start: 5000, end: 5900, backfilledTransitions: 2 });
    await s.gaps.record({ endpoint: 'b', start: 5000, end: 6000, backfilledTransitions: 4 });
    expect(await s.gaps.overlapping(4000, 10_000)).toEqual([
      { endpoint: null, start: 5000, end: 5600, backfilledTransitions: 0 },
      { endpoint: 'a', start: 5000, end: 5600, backfilledTransitions: 1 },
      { endpoint: 'b', start: 5000, end: 6000, backfilledTransitions: 4 },
    ]);
    expect(
      s.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'telemetry_gaps_v1'").pluck().get(),
    ).toBe(0);
  });

  it('migrates version-5 instance history to accept deletions, keeping every row, id and index', async () => {
    const file = path.join(tmp(), 'v5.db');
    const db = new Database(file);
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 5),
    );
    const old = db.prepare(
      `INSERT INTO instance_transitions (endpoint, variant, at, count, source, activity_id) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    old.run('ep', 'AllTraffic', 1000, 1, 'created', null);
    old.run('ep', 'AllTraffic', 2000, 0, 'activity', 'act-1');
    // Before version 6 a deletion could not be recorded as such.
    expect(() => old.run('ep', 'AllTraffic', 3000, 0, 'deleted', null)).toThrow(/CHECK constraint/);
    db.close();

    const s = open(file);
    expect(await s.instances.all('ep', 'AllTraffic')).toEqual([
      { endpoint: 'ep', variant: 'AllTraffic', at: 1000, count: 1, source: 'created' },
      { endpoint: 'ep', variant: 'AllTraffic', at: 2000, count: 0, source: 'activity', activityId: 'act-1' },
    ]);
    // Activity ids still make backfill idempotent.
    expect(
      await s.instances.insert({
        endpoint: 'ep',
        variant: 'AllTraffic',
        at: 2500,
        count: 2,
        source: 'activity',
        activityId: 'act-1',
      }),
    ).toBe(false);
    await s.instances.insert({
      endpoint: 'ep',
      variant: 'AllTraffic',
      at: 3000,
      count: 0,
      source: 'deleted',
    });
    expect(await s.instances.lives('ep', 'AllTraffic')).toEqual([
      { start: 1000, startSource: 'created', end: 3000 },
    ]);
    const indexes = s.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instance_transitions'")
      .pluck()
      .all();
    expect(indexes).toEqual(
      expect.arrayContaining(['instance_transitions_by_time', 'instance_transitions_deleted']),
    );
    expect(
      s.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'instance_transitions_v6'").pluck().get(),
    ).toBe(0);
  });

  it('keeps committed writes when the writing process is killed', async () => {
    const file = path.join(tmp(), 'crash.db');
    const script = fileURLToPath(new URL('../../test/report/fixtures/store-crash-child.ts', import.meta.url));
    const res = spawnSync(process.execPath, ['--import', 'tsx', script, file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // The child commits, then SIGKILLs itself before close(): no checkpoint, no clean shutdown.
    expect(res.signal).toBe('SIGKILL');
    const s = open(file);
    expect(await s.meta.get('committed')).toBe('yes');
    expect((await s.instances.all('ep', 'AllTraffic')).map((t) => t.count)).toEqual([1, 0]);
    expect(await s.meta.get('uncommitted')).toBeUndefined();
  });
});
