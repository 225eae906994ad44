// Telemetry and the cost report against the simulated cloud: the instance time the store
// reconstructs (polls every minute, scaling activities, a backfilled gap) must equal the
// simulator's own billed instance time.
import { afterEach, describe, expect, it } from 'vitest';
import { engineClock } from '../../src/cloud/sim/sim-cloud.js';
import { countSegments, integrate } from '../../src/cost/integrate.js';
import { buildReport } from '../../src/cost/report.js';
import { openStore, type Store } from '../../src/store/index.js';
import { pollOnce, type PollContext } from '../../src/telemetry/poll.js';
import { customPolicy, invoke, MIN, region } from '../sim/helpers.js';
import { config, endpoint, tablePrices } from './helpers.js';

const HOUR = 60 * MIN;
let store: Store | undefined;
afterEach(() => store?.close());

describe('telemetry on the simulated cloud', () => {
  it('reconstructs exactly the instance time the simulator bills, across a daemon outage', async () => {
    const r = await region(customPolicy({ preset: 'aws-recommended' }), {
      bootSeconds: 480,
      serviceSeconds: 20,
    });
    store = await openStore(':memory:');
    const clock = engineClock(r.engine);
    const ctx: PollContext = {
      cloud: r.cloud,
      clock,
      store,
      config: {
        endpoints: [{ name: r.ep.name, variantName: r.ep.variantName }],
      } as unknown as PollContext['config'],
    };
    const start = r.ep.createdAt;
    const t0 = Math.ceil(r.engine.now / MIN) * MIN;
    // Request arrivals (minutes after t0); the daemon is down from 5 h to 7 h, with traffic inside.
    const arrivals = [40, 41, 200, 330, 331, 500].map((m) => t0 + m * MIN);
    const down = [t0 + 5 * HOUR, t0 + 7 * HOUR];
    const end = t0 + 10 * HOUR;
    let gaps = 0;
    for (let t = t0; t <= end; t += MIN) {
      while (arrivals.length > 0 && arrivals[0]! <= t) {
        r.engine.runUntil(arrivals.shift()!);
        await invoke(r);
      }
      r.engine.runUntil(t);
      if (t > down[0]! && t < down[1]!) continue;
      const res = await pollOnce(ctx);
      expect(res.errors).toEqual([]);
      if (res.endpoints[0]?.gap && res.endpoints[0].fromActivities > 0) gaps++;
    }

    const hist = await store.instances.window(r.ep.name, r.ep.variantName, start - 1, end);
    const ours =
      integrate(countSegments(hist.initial ?? 0, hist.transitions, start, end), []).instanceHours * HOUR;
    const truth = r.engine.billedMs(r.ep, start, end);
    // The endpoint woke four times (two bursts before, one inside, one after the outage).
    expect(
      hist.transitions.filter((t, i, a) => t.count > 0 && (i === 0 || a[i - 1]!.count === 0)).length,
    ).toBeGreaterThanOrEqual(4);
    expect(gaps).toBe(1);
    expect(ours).toBe(truth);
    expect(
      (await store.instances.all(r.ep.name, r.ep.variantName)).filter((t) => t.source === 'poll'),
    ).toEqual([]);

    // The report over the same window says the same, in hours.
    const cfg = config([
      endpoint(r.ep.name, { variantName: r.ep.variantName, instanceType: 'ml.g5.12xlarge' }),
    ]);
    const report = await buildReport(
      { store, config: cfg, prices: tablePrices(store, clock), clock },
      { start, end },
    );
    expect(report.endpoints[0]!.instanceHours).toBeCloseTo(truth / HOUR, 6);
    expect(report.endpoints[0]!.spendUsd).toBeCloseTo((truth / HOUR) * 7.09, 4);
    expect(report.gaps).toHaveLength(1);
  });
});
