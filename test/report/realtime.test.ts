// The report of a real-time endpoint with two inference components, against figures computed by hand
// (in the comments): the endpoint's instance-hours are the bill, the components' shares and the
// unattributed part sum to them, the always-on baseline is one copy of each component placed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { formatComponents, formatReport } from '../../src/cli/commands/report.js';
import { alwaysOnFloor, roundToSum } from '../../src/cost/realtime-share.js';
import { buildReport, type ReportDeps } from '../../src/cost/report.js';
import { parseWindow } from '../../src/cost/window.js';
import { openStore, type Store } from '../../src/store/index.js';
import { componentCopiesKey } from '../../src/telemetry/realtime.js';
import { addSteps, tablePrices } from './helpers.js';

const MIN = 60_000;
const HOUR = 3600_000;
const DAY0 = Date.UTC(2026, 2, 10);
const at = (h: number, m = 0): number => DAY0 + h * HOUR + m * MIN;
const isoAt = (h: number, m = 0): string => new Date(at(h, m)).toISOString();

const A = { name: 'a', componentName: 'rt-a', acceleratorsPerCopy: 1, memoryMb: 8_000 };
const B = { name: 'b', componentName: 'rt-b', acceleratorsPerCopy: 2, memoryMb: 16_000 };
const cfg: ReportDeps['config'] = {
  project: 'test',
  region: 'us-east-1',
  cloud: 'sim',
  endpoints: [],
  realtimeEndpoints: [
    {
      name: 'rt',
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.12xlarge', // 4 GPUs
      pricePerHourUsd: 10,
      managedScaling: { minInstances: 0, maxInstances: 4 },
      components: [A, B],
    },
  ],
};

let store: Store;
let clock: VirtualClock;
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(DAY0 + 2 * 24 * HOUR);
});
afterEach(() => store.close());

describe('report of a realtime endpoint', () => {
  it('shares the instance-hours among components by the accelerators their copies hold, summing to the bill', async () => {
    // Created yesterday 10:00 with 1 instance, released at 11:00 (before the window: no copy recorded
    // then, so nothing to attribute, and it is clipped away anyway). Window 00:00-10:00:
    //   00:30 instances 0 -> 1 (no copy recorded yet: unattributed until 01:00)
    //   01:00 a 0 -> 1 copy          [01:00, 02:00) a alone             a 1 h
    //   02:00 b 0 -> 1 copy          [02:00, 03:00) a 1x1 : b 1x2       a 1/3 h, b 2/3 h
    //   03:00 a -> 0                 [03:00, 04:00) b alone             b 1 h
    //   04:00 b -> 0                 [04:00, 04:20) no copy; b held it last (idle release) b 1/3 h
    //   04:20 instances -> 0
    //   06:00 instances -> 2, b -> 2 [06:00, 07:00) b alone, 2 instances b 2 h
    //   07:00 instances -> 0, b -> 0
    // Instance-hours: 0.5 + 3 1/3 + 2 = 5.833333; a 1 1/3 = 1.333333, b 4, unattributed 0.5.
    // At $10/h: 58.333333 = a 13.333333 + b 40 + unattributed 5.
    await store.instances.insert({
      endpoint: 'rt',
      variant: 'AllTraffic',
      at: at(-14),
      count: 1,
      source: 'created',
    });
    await addSteps(store, 'rt', [
      [at(-13), 0],
      [at(0, 30), 1],
      [at(4, 20), 0],
      [at(6), 2],
      [at(7), 0],
    ]);
    await addSteps(
      store,
      'rt',
      [
        [at(1), 1],
        [at(3), 0],
      ],
      componentCopiesKey('rt-a'),
    );
    await addSteps(
      store,
      'rt',
      [
        [at(2), 1],
        [at(4), 0],
        [at(6), 2],
        [at(7), 0],
      ],
      componentCopiesKey('rt-b'),
    );
    // A cold probe of a at 00:25, answered after 300 s and 7 refused invocations.
    await store.probes.save({
      id: 'p1',
      endpoint: 'rt',
      component: 'rt-a',
      startedAt: at(0, 25),
      finishedAt: at(0, 30),
      instancesAtStart: 0,
      cold: true,
      totalS: 300,
      failedInvocations: 7,
      outcome: 'success',
    });

    const w = parseWindow({ start: isoAt(0), end: isoAt(10) }, clock.now());
    const r = await buildReport({ store, config: cfg, prices: tablePrices(store, clock), clock }, w);
    const rt = r.endpoints[0]!;
    expect(rt.kind).toBe('realtime');
    expect(rt.instanceHours).toBe(5.833333);
    expect(rt.spendUsd).toBe(58.333333);
    const [a, b] = rt.realtime!.components;
    expect(a).toMatchObject({
      name: 'a',
      componentName: 'rt-a',
      instanceHoursShare: 1.333333,
      spendShareUsd: 13.333333,
    });
    expect(b).toMatchObject({ name: 'b', instanceHoursShare: 4, spendShareUsd: 40 });
    expect(rt.realtime).toMatchObject({
      sharedBy: 'accelerators',
      unattributedInstanceHours: 0.5,
      unattributedSpendUsd: 5,
    });
    expect(
      a!.instanceHoursShare + b!.instanceHoursShare + rt.realtime!.unattributedInstanceHours,
    ).toBeCloseTo(rt.instanceHours, 9);

    // Always-on: one copy of a (1 GPU) and of b (2 GPUs) fit on one 4-GPU instance: 1 x 10 h = $100.
    expect(rt.baselineInstances).toBe(1);
    expect(rt.baseline).toEqual({ instanceHours: 10, spendUsd: 100 });
    expect(rt.savingsUsd).toBe(41.666667);
    expect(rt.realtime!.baselineBasis).toBe(
      '1 instance: one copy of each of 2 components (3 accelerators, 4 per ml.g5.12xlarge) placed all the time',
    );

    // Wakes of the endpoint: 00:30 and 06:00. Copy wakes: a at 01:00; b at 02:00 and 06:00.
    expect(rt.coldStarts.count).toBe(2);
    expect(rt.coldStarts.timeToFirstResultSeconds).toMatchObject({ p50: 300, samples: 1, measured: 1 });
    expect(a!.coldStarts).toEqual({
      count: 1,
      probes: 1,
      timeToFirstResultSeconds: { p50: 300, p95: 300, samples: 1, measured: 1, estimated: 0 },
      failedInvocationsPerWake: 7,
    });
    expect(b!.coldStarts).toMatchObject({ count: 2, probes: 0, timeToFirstResultSeconds: null });
    expect(r.total.instanceHours).toBe(5.833333);

    // The CLI prints the shares under the endpoint table, and the baseline's basis in the notes.
    expect(formatComponents(r).slice(1)).toEqual([
      'Components (shares of their endpoint, by the accelerators or memory their copies held):',
      'COMPONENT          INST-H   SPEND  COPY WAKES    P50/P95  FAILED/WAKE',
      'rt/a               1.33    $13.33           1  5.0m/5.0m          7.0',
      'rt/b               4.00    $40.00           2          -            -',
      'rt (unattributed)  0.50     $5.00',
    ]);
    expect(formatReport(r)).toContain(`rt always-on basis: ${rt.realtime!.baselineBasis}`);
  });
});

describe('alwaysOnFloor', () => {
  it('packs one copy of each component first-fit by accelerators, and never below minInstances', () => {
    // 3 + 2 GPUs cannot share a 4-GPU instance: 2 instances.
    const two = [
      { name: 'x', acceleratorsPerCopy: 3, memoryMb: 1 },
      { name: 'y', acceleratorsPerCopy: 2, memoryMb: 1 },
    ];
    expect(alwaysOnFloor('ml.g5.12xlarge', two, 0).instances).toBe(2);
    // 2 + 1 + 1 on 4 GPUs: one instance; minInstances 3 raises it to 3.
    const three = [
      { name: 'x', acceleratorsPerCopy: 2, memoryMb: 1 },
      { name: 'y', acceleratorsPerCopy: 1, memoryMb: 1 },
      { name: 'z', acceleratorsPerCopy: 1, memoryMb: 1 },
    ];
    expect(alwaysOnFloor('ml.g5.12xlarge', three, 0).instances).toBe(1);
    expect(alwaysOnFloor('ml.g5.12xlarge', three, 3)).toMatchObject({ instances: 3 });
    expect(alwaysOnFloor('ml.g5.12xlarge', three, 0, 5).basis).toBe('baselineInstances 5 (from the config)');
  });
});

describe('roundToSum', () => {
  it('rounds parts so that they add up to the rounded total', () => {
    // Thirds of 1: each rounds down to 0.333333, which would sum to 0.999999.
    expect(roundToSum([1 / 3, 1 / 3, 1 / 3], 1)).toEqual([0.333334, 0.333333, 0.333333]);
  });
});
