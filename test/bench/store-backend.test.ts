// The serve benchmarks on either store (issue 17): the daemon's AWS calls must not depend on the
// store, and the benchmark's virtual clock must wait for PostgreSQL's round trips (before it did, one
// endpoint over six simulated hours counted 5.5 calls per endpoint-hour on PostgreSQL against 143 on
// SQLite: the clock ran hours ahead of controllers still waiting on their first query).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { measureApiCalls } from '../../bench/api-calls.js';
import { countInFlight } from '../../bench/in-flight.js';
import { BenchUsageError, parseBackend, postgresBackend } from '../../bench/store-backend.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { skipNote, testPostgres } from '../support/pg-db.js';

describe('countInFlight', () => {
  it('counts a store call until its promise settles, and settled() waits for it', async () => {
    const raw = openSqliteStore(':memory:');
    const { store, inFlight, settled } = countInFlight(raw);
    let release!: () => void;
    const slow = store.transaction(() => new Promise<void>((r) => (release = r)));
    expect(inFlight()).toBe(1);
    const done = settled();
    let waited = false;
    void done.then(() => (waited = true));
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(waited).toBe(false);
    release();
    await slow;
    await done;
    expect(inFlight()).toBe(0);
    await store.meta.set('k', 'v', 1);
    expect(await store.meta.get('k')).toBe('v');
    expect(store.groupCommit).toBe(raw.groupCommit);
    await raw.close();
  });
});

describe('parseBackend', () => {
  it('names the flag of a bad value', () => {
    expect(parseBackend(undefined, undefined)).toBe('sqlite');
    expect(() => parseBackend('mysql', undefined)).toThrow(/^--backend: expected sqlite or postgres/);
    expect(() => parseBackend('sqlite', 'postgres://h/db')).toThrow(
      /^--store-url: only with --backend postgres/,
    );
    expect(() => parseBackend('postgres', '/tmp/x.db')).toThrow(BenchUsageError);
    const bad = (() => {
      try {
        parseBackend('postgres', 'postgres://u:hunter2@h');
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(bad).toMatch(/^--store-url: .*names no database/);
    expect(bad).not.toContain('hunter2');
  });
});

const pgServer = testPostgres();

describe.skipIf(!pgServer.url)(`the daemon's AWS calls on SQLite and PostgreSQL${skipNote(pgServer)}`, () => {
  it('are the same, operation by operation', async () => {
    const backend = await postgresBackend(pgServer.url);
    const pgRow = await measureApiCalls(1, 3, backend);
    const sqliteRow = await measureApiCalls(1, 3);
    // Not trivially equal: telemetry alone asks GetMetricData once a minute, 60 per endpoint-hour.
    expect(sqliteRow.callsPerEndpointHour).toBeGreaterThan(50);
    expect(pgRow.provisionMinutes).toBe(sqliteRow.provisionMinutes);
    expect(pgRow.byOperation).toEqual(sqliteRow.byOperation);
    expect(pgRow.byController).toEqual(sqliteRow.byController);
  }, 300_000);
});
