// The alerts task's month-to-date spend (src/daemon/alerts-task.ts monthSpendTracker): the month's
// whole days before today, reported once, plus today so far must add up to the one month-to-date
// report the budget rules used to read, but for each endpoint's rounding to the cent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { buildReport } from '../../src/cost/report.js';
import { monthSpendTracker } from '../../src/daemon/alerts-task.js';
import { openStore, type Store } from '../../src/store/index.js';
import { config, endpoint, tablePrices } from '../report/helpers.js';
import { seedHistory } from '../report/seed.js';

const DAY = 86_400_000;
const MONTH = Date.UTC(2026, 1, 1);
const names = ['a', 'b', 'c', 'd', 'e'].map((x) => `month-${x}`);
const TYPES = ['ml.g5.xlarge', 'ml.g5.12xlarge', 'ml.g4dn.xlarge'];

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
  // Wakes every few hours from the month before on, through day 12.
  await seedHistory(store, {
    endpoints: names,
    start: MONTH - 5 * DAY,
    end: MONTH + 12 * DAY,
    wakesPerDay: 6,
  });
});
afterEach(() => store.close());

describe('month-to-date spend for the budget rules', () => {
  it('adds the closed days and today to the whole-month report, within half a cent per endpoint and part', async () => {
    const clock = new VirtualClock(MONTH + 9 * DAY + 13 * 3_600_000 + 7 * 60_000);
    const deps = {
      store,
      clock,
      config: config(names.map((n, i) => endpoint(n, { instanceType: TYPES[i % TYPES.length]! }))),
      prices: tablePrices(store, clock),
    };
    const spend = monthSpendTracker(deps);
    // Through two day boundaries, every 5 hours: the closed days are re-reported when a day ends.
    for (let at = clock.now(); at < MONTH + 11 * DAY + 6 * 3_600_000; at += 5 * 3_600_000) {
      await clock.advanceTo(at);
      const whole = await buildReport(deps, { start: MONTH, end: at });
      const s = await spend(at);
      expect(whole.total.spendUsd).toBeGreaterThan(100); // it really spent: the check is not 0 = 0
      // 5 endpoints x 2 parts x 0.005 $ of rounding each, and the sum's own rounding.
      expect(Math.abs(s!.monthToDateUsd - whole.total.spendUsd!)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(s!.probeUsd! - whole.total.probes.spendUsd!)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(s!.month).toBe('2026-02');
    }
  });

  it('on the first day of the month, today is the whole month', async () => {
    const at = MONTH + 5 * 3_600_000;
    const clock = new VirtualClock(at);
    const deps = {
      store,
      clock,
      config: config(names.map((n) => endpoint(n))),
      prices: tablePrices(store, clock),
    };
    const whole = await buildReport(deps, { start: MONTH, end: at });
    expect((await monthSpendTracker(deps)(at))!.monthToDateUsd).toBe(whole.total.spendUsd);
    expect(await monthSpendTracker(deps)(MONTH)).toBeUndefined();
  });
});
