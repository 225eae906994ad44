// The report's telemetry gaps: one per endpoint, a warning per stretch with the sum over its
// endpoints, and the total over all of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/store.js';
import { config, endpoint, tablePrices } from '../../test/report/helpers.js';
import { buildReport } from './report.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 10, 10);
const iso = (t: number): string => new Date(t).toISOString();

let store: SqliteStore;
let clock: VirtualClock;
beforeEach(() => {
  store = openSqliteStore(':memory:');
  clock = new VirtualClock(T0 + 24 * 60 * MIN);
});
afterEach(() => store.close());

const gapWarnings = (warnings: string[]): string[] =>
  warnings.filter((w) => !w.includes('instance history recorded'));

const report = (names: string[], start = T0 - 60 * MIN, end = T0 + 120 * MIN) =>
  buildReport(
    { store, config: config(names.map((n) => endpoint(n))), prices: tablePrices(store, clock), clock },
    { start, end },
  );

describe('report gaps', () => {
  it('warns once per stretch, naming its endpoints, and totals every endpoint', async () => {
    // A poll after a 30-minute silence reached 'a' and 'b' and died; 'c' was silent one minute more.
    await store.gaps.record({ endpoint: 'a', start: T0, end: T0 + 30 * MIN, backfilledTransitions: 2 });
    await store.gaps.record({ endpoint: 'b', start: T0, end: T0 + 30 * MIN, backfilledTransitions: 0 });
    await store.gaps.record({ endpoint: 'c', start: T0, end: T0 + 31 * MIN, backfilledTransitions: 4 });
    // Not in the config: not in the report.
    await store.gaps.record({ endpoint: 'gone', start: T0, end: T0 + 31 * MIN, backfilledTransitions: 9 });
    const r = await report(['a', 'b', 'c']);
    expect(r.gaps.map((g) => [g.endpoint, g.end, g.backfilledTransitions])).toEqual([
      ['a', iso(T0 + 30 * MIN), 2],
      ['b', iso(T0 + 30 * MIN), 0],
      ['c', iso(T0 + 31 * MIN), 4],
    ]);
    expect(r.backfilledTransitions).toBe(6);
    expect(gapWarnings(r.warnings)).toEqual([
      `no telemetry from ${iso(T0)} to ${iso(T0 + 30 * MIN)} for a, b; instance history there comes from ` +
        'scaling activities (2 transitions recovered: a 2)',
      `no telemetry from ${iso(T0)} to ${iso(T0 + 31 * MIN)} for c; instance history there comes from ` +
        'scaling activities (4 transitions recovered)',
      '6 transitions recovered from scaling activities over 2 telemetry gaps',
    ]);
  });

  it('clips gaps to the window and shows a gap from before per-endpoint gaps as all endpoints', async () => {
    // What migration 4 leaves of a version-3 row: no endpoint.
    store.db
      .prepare(
        'INSERT INTO telemetry_gaps (endpoint, start_at, end_at, backfilled_transitions) VALUES (NULL, ?, ?, ?)',
      )
      .run(T0 - 90 * MIN, T0 - 30 * MIN, 1);
    await store.gaps.record({
      endpoint: 'a',
      start: T0 + 100 * MIN,
      end: T0 + 150 * MIN,
      backfilledTransitions: 3,
    });
    const r = await report(['a']);
    expect(r.gaps).toEqual([
      { endpoint: null, start: iso(T0 - 60 * MIN), end: iso(T0 - 30 * MIN), backfilledTransitions: 1 },
      { endpoint: 'a', start: iso(T0 + 100 * MIN), end: iso(T0 + 120 * MIN), backfilledTransitions: 3 },
    ]);
    expect(r.backfilledTransitions).toBe(4);
    expect(gapWarnings(r.warnings)[0]).toMatch(
      /before gaps were kept per endpoint: all endpoints, one endpoint's count/,
    );
    const none = await report(['a'], T0 + 150 * MIN, T0 + 180 * MIN);
    expect([none.gaps, none.backfilledTransitions]).toEqual([[], 0]);
  });
});
