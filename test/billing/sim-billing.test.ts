// End to end on cloud: sim: the daemon's billing controller reads the simulated region's own bill
// (its instance records, src/cloud/sim/billing.ts) and the report sets it beside the estimate that
// telemetry built. The region starts at 2026-03-10T07:45, so 03-11 is its first whole day; the 6-hourly
// controller reads it at 03-12T00:00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PriceResolver } from '../../src/cost/prices.js';
import { buildReport } from '../../src/cost/report.js';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';

const DAY = '2026-03-11';
const from = Date.parse(`${DAY}T00:00:00Z`);
const to = from + 86_400_000;

let run: SimDaemonRun;
beforeAll(async () => {
  run = await runSimDaemon({
    project: 'bill',
    endpoint: 'llm',
    tuneMode: 'recommend',
    extraYaml: 'pricing:\n  source: table\n  billing: cost-explorer\n',
    // To 03-12T01:45: past the 00:00 billing run.
    hours: 42,
  });
}, 300_000);
afterAll(async () => run?.stop());

describe('billing on the simulated cloud', () => {
  it('bills each whole day once, final at once, from the region records; the estimate matches it', async () => {
    const { store, sim, config } = run;
    // 03-10 began before the region existed: never billed. 03-11 read once, final (no billing lag).
    expect(await store.billing.days('2026-03-01', '2026-03-13')).toEqual([
      {
        day: DAY,
        source: 'sim',
        fetchedAt: Date.parse('2026-03-12T00:00:00Z'),
        estimated: false,
        final: true,
      },
    ]);
    const rep = await buildReport(
      {
        store,
        config,
        prices: new PriceResolver({ store, clock: sim.clock, pricing: config.pricing }),
        clock: sim.clock,
      },
      { start: from, end: to },
    );
    const b = rep.billing!;
    expect(b.source).toBe('sim');
    expect(b.requests).toBe(1);
    const [day] = b.days;
    // The bill is the region's ground truth: its instance time over the day (the probes' wakes).
    const ep = sim.engine.endpoints.get('llm')!;
    const truthHours = sim.engine.billedMs(ep, from, to) / 3_600_000;
    expect(truthHours).toBeGreaterThan(1);
    expect(day).toMatchObject({ day: DAY, endpoint: 'llm', final: true, attribution: 'tag' });
    expect(day!.billedInstanceHours).toBeCloseTo(truthHours, 5);
    // Exactly the estimate: telemetry times each change by its scaling activity (a scale-out from
    // its start, a scale-in from its end), and the region launches and terminates the instances at
    // those very times. A change only a poll noticed (no activity) would be up to a poll late.
    expect(day!.estimatedInstanceHours).toBeCloseTo(day!.billedInstanceHours!, 5);
    expect(day!.differenceUsd).toBeCloseTo(0, 5);
    expect(b.persistent).toEqual([]);
  });
});
