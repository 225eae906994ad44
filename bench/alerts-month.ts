// What the alerts task's month-to-date spend costs late in a month (issue 13): 100 endpoints with a
// synthetic history (test/report/seed.ts: 6 wakes a day, some by cold probes) through day 28, the
// whole-month report every round (what the task did) against the closed days reported once plus
// today so far (src/daemon/alerts-task.ts monthSpendTracker). The demo's rounds run every 5 simulated
// minutes: 288 a simulated day.
//
//   npx tsx bench/alerts-month.ts [--endpoints 100] [--day 28] [--runs 5]
import { parseArgs } from 'node:util';
import { VirtualClock } from '../src/clock.js';
import { buildReport } from '../src/cost/report.js';
import { monthSpendTracker } from '../src/daemon/alerts-task.js';
import { openStore } from '../src/store/index.js';
import { config, endpoint, tablePrices } from '../test/report/helpers.js';
import { seedHistory } from '../test/report/seed.js';

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '100' },
    day: { type: 'string', default: '28' },
    runs: { type: 'string', default: '5' },
  },
});
const DAY = 86_400_000;
const MONTH = Date.UTC(2026, 2, 1);
const n = Number(args.endpoints);
const day = Number(args.day);
const runs = Number(args.runs);
const NOW = MONTH + (day - 1) * DAY + 12 * 3_600_000;
const names = Array.from({ length: n }, (_, i) => `bench-endpoint-${String(i).padStart(3, '0')}`);

const store = await openStore(':memory:');
await seedHistory(store, { endpoints: names, start: MONTH - 3 * DAY, end: NOW, wakesPerDay: 6 });
const clock = new VirtualClock(NOW);
const deps = {
  store,
  clock,
  config: config(names.map((e) => endpoint(e))),
  prices: tablePrices(store, clock),
};

async function time(label: string, f: (at: number) => Promise<number | undefined>): Promise<void> {
  await f(NOW - 5 * 60_000); // warm-up (statements, price table; the tracker's closed days)
  const cpu: number[] = [];
  let value: number | undefined;
  for (let i = 0; i < runs; i++) {
    const at = NOW + i * 5 * 60_000;
    const c0 = process.cpuUsage();
    value = await f(at);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  const median = cpu[cpu.length >> 1]!;
  console.log(
    `${label}: CPU ${median.toFixed(1)} ms a round (median of ${runs}), ${((median * 288) / 1000).toFixed(1)} s a simulated day; month-to-date $${value?.toFixed(2)}`,
  );
}

console.log(`${n} endpoints, day ${day} of the month (${new Date(NOW).toISOString()})`);
await time('whole month every round', async (at) => {
  await clock.advanceTo(at);
  return (await buildReport(deps, { start: MONTH, end: at })).total.spendUsd ?? undefined;
});
const tracker = monthSpendTracker(deps);
await time('closed days once + today', async (at) => {
  await clock.advanceTo(at);
  return (await tracker(at))?.monthToDateUsd;
});
await store.close();
