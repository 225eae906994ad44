import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/configs.js';
import { FakeCloud } from '../cloud/fake.js';
import type { Config } from '../config/load.js';
import { explicitModel } from '../provision/desired.js';
import { buildPlan } from '../provision/plan.js';
import { openStore, type Store } from '../store/index.js';
import { endpointBoot, measuredTooShort, wakeCooldownWarning } from './boot.js';

const T = Date.UTC(2025, 0, 6);
const MIN = 60_000;

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

/** Cold probes whose scale-out phase (scale-out began -> InService) took these many seconds. */
async function coldProbes(endpoint: string, seconds: number[]): Promise<void> {
  for (const [i, s] of seconds.entries()) {
    const startedAt = T + i * 60 * MIN;
    await store.probes.save({
      id: `${endpoint}-p${i}`,
      endpoint,
      startedAt,
      finishedAt: startedAt + (s + 150) * 1000,
      instancesAtStart: 0,
      cold: true,
      queuedS: 120,
      scaleOutS: s,
      inServiceToOutputS: 30,
      totalS: s + 150,
      outcome: 'success',
    });
  }
}

const endpointOf = (c: Config) => c.endpoints[0]!;

describe('endpointBoot', () => {
  it('is the prior without a store or a measurement', async () => {
    const e = endpointOf(testConfig('tune: { coldStartPriorSeconds: 600 }'));
    expect(await endpointBoot(e)).toMatchObject({ source: 'prior', priorSeconds: 600, samples: 0 });
    expect(await endpointBoot(e, store)).toMatchObject({ source: 'prior', samples: 0 });
  });

  it("counts cold probes and scale-outs from zero of this endpoint's variant", async () => {
    const e = endpointOf(testConfig());
    await coldProbes('llm-async', [800, 820]);
    await coldProbes('other', [100]);
    await store.instances.insert({
      endpoint: 'llm-async',
      variant: 'AllTraffic',
      at: T - MIN,
      count: 0,
      source: 'poll',
    });
    await store.activities.upsert({
      activityId: 'a1',
      endpoint: 'llm-async',
      variant: 'AllTraffic',
      // Between the probes (the first ends at T + 950 s, the second starts at T + 60 min): a wake no
      // probe watched, so a third cold start rather than the first probe's own.
      startTime: T + 30 * MIN,
      endTime: T + 30 * MIN + 840_000,
      status: 'Successful',
      description: 'Setting desired instance count to 1.',
      cause: 'monitor alarm sagezero-llm-async-wake in state ALARM',
      desiredCount: 1,
    });
    expect(await endpointBoot(e, store)).toMatchObject({
      source: 'measured',
      samples: 3,
      probes: 2,
      scaleOuts: 1,
      medianSeconds: expect.closeTo(820, 6) as number,
    });
    // The tuner's window (35 days) before `now`: 35 days after the first probe's start it is the
    // first thing to leave; a day earlier all three are in it.
    const day = 86_400_000;
    expect((await endpointBoot(e, store, T + 34 * day)).samples).toBe(3);
    expect(await endpointBoot(e, store, T + 35 * day + 1)).toMatchObject({ samples: 2, probes: 1 });
    // Nothing measured yet at `now` before the history.
    expect((await endpointBoot(e, store, T - MIN)).source).toBe('prior');
  });
});

describe('measuredTooShort', () => {
  it('is a one-sided binomial test of "at most 10% of boots outlast the cooldown" at 5%', () => {
    // P(X >= k | n, 0.1): 0.1 (1 of 1), 0.01 (2 of 2), 0.0702 (3 of 10), 0.0128 (4 of 10)
    expect(measuredTooShort(0, 5)).toBe(false);
    expect(measuredTooShort(1, 1)).toBe(false);
    expect(measuredTooShort(2, 2)).toBe(true);
    expect(measuredTooShort(3, 10)).toBe(false);
    expect(measuredTooShort(4, 10)).toBe(true);
  });
});

describe('wakeCooldownWarning', () => {
  it('says nothing when the derived cooldown covers the boot', async () => {
    const e = endpointOf(testConfig());
    // prior 480 s: p90 581.7 s + 120 s = 701.7 s <= 720 s
    expect(await wakeCooldownWarning(e, await endpointBoot(e))).toBeUndefined();
    // measured boots around 400 s
    await coldProbes('llm-async', [380, 400, 420]);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
  });

  it('says nothing without a wake policy or when the endpoint never sits at zero', async () => {
    await coldProbes('llm-async', [2000, 2100, 2200]);
    for (const yaml of ['scaling: { preset: blog }', 'scaling: { minCapacity: 1 }']) {
      const e = endpointOf(testConfig(yaml));
      expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
    }
  });

  it('names the endpoint, the key and both numbers for measured cold starts', async () => {
    const e = endpointOf(testConfig());
    await coldProbes('llm-async', [780, 800, 820, 840, 860]);
    // median 820 s; the spread of the logs (0.039) is raised to the 0.05 floor, so
    // p90 = 820 * e^(1.2816 * 0.05) = 874.3 s; 874.3 + 60 + 60 = 994.3 -> 1020 s;
    // the prior whose p90 (x 1.21196) covers 874.3 s: ceil(721.4) = 722
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBe(
      "llm-async: scaling.scaleOutCooldownSeconds (the wake policy's cooldown) is 720 s, shorter than the " +
        'measured boot p90 of 874 s (5 cold starts: 5 cold probes in the store, 5 of them longer than the 600 s ' +
        'it covers; median 820 s) plus the 120 s ' +
        'the wake alarm needs to see the new instance. HasBacklogWithoutCapacity stays 1 while the first ' +
        'instance boots, so the wake policy fires again and launches a second instance. Set ' +
        'scaling.scaleOutCooldownSeconds: 1020, or leave it unset (derived from tune.coldStartPriorSeconds: ' +
        '480 s -> 720 s now) and set tune.coldStartPriorSeconds: 722.',
    );
  });

  it('judges by the prior until three cold starts are measured', async () => {
    const e = endpointOf(testConfig());
    // One boot of 592 s (the demo's first, a 1.4 sigma draw of 480 s): alone its p90 would be
    // 592 * 1.21196 = 717.5 s, + 120 s = 837.5 s > 720 s. The prior's 701.7 s is covered: no warning.
    await coldProbes('llm-async', [592]);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
  });

  it("warns on measured boots only when they show the cooldown short: the demo's first three do not", async () => {
    const e = endpointOf(testConfig());
    // The demo's first three scale-outs from zero (seed 7's 2nd, 4th and 6th boot draws). Median 567 s,
    // the logs' spread 0.029 raised to the 0.05 floor: p90 = 567 * e^(1.2816 * 0.05) = 604 s, + 120 s =
    // 724 s > 720 s. But none of them outlasted the 720 - 120 = 600 s the cooldown covers.
    await coldProbes('llm-async', [592, 563, 567]);
    expect((await endpointBoot(e, store)).p90Seconds).toBeGreaterThan(600);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
    // A fourth of 610 s: 1 of 4 longer, P(X >= 1 | 4, 0.1) = 1 - 0.9^4 = 0.34, no evidence yet.
    await store.close();
    store = await openStore(':memory:');
    await coldProbes('llm-async', [592, 563, 567, 610]);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
    // Two of five longer: P(X >= 2 | 5, 0.1) = 1 - 0.9^5 - 5 * 0.1 * 0.9^4 = 0.081, still not.
    await store.close();
    store = await openStore(':memory:');
    await coldProbes('llm-async', [592, 563, 567, 610, 620]);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
    // Two of three longer: P(X >= 2 | 3, 0.1) = 3 * 0.01 * 0.9 + 0.001 = 0.028 < 0.05.
    await store.close();
    store = await openStore(':memory:');
    await coldProbes('llm-async', [563, 610, 620]);
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toContain(
      '3 cold starts: 3 cold probes in the store, 2 of them longer than the 600 s it covers',
    );
  });

  it('two cold starts both longer than the cooldown covers are evidence enough (P = 0.01)', async () => {
    const e = endpointOf(testConfig());
    await coldProbes('llm-async', [900, 950]);
    // median sqrt(900 * 950) = 924.7 s, sigma 0.15 (two samples): p90 = 924.7 * 1.21196 = 1120.6 s, + 120 -> 1260 s
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toContain(
      'measured boot p90 of 1121 s (2 cold starts: 2 cold probes in the store, 2 of them longer than the 600 s it covers',
    );
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toContain(
      'scaling.scaleOutCooldownSeconds: 1260',
    );
  });

  it('checks a configured cooldown against the prior when nothing was measured', async () => {
    const e = endpointOf(testConfig('scaling: { scaleOutCooldownSeconds: 300 }'));
    const w = await wakeCooldownWarning(e, await endpointBoot(e, store));
    expect(w).toContain("llm-async: scaling.scaleOutCooldownSeconds (the wake policy's cooldown) is 300 s");
    expect(w).toContain(
      'the boot p90 of 582 s assumed from tune.coldStartPriorSeconds (480 s; no cold start measured yet)',
    );
    // 581.7 + 120 = 701.7 -> 720; unset, the derived 720 s already covers it
    expect(w).toContain(
      'Set scaling.scaleOutCooldownSeconds: 720, or leave it unset (derived from tune.coldStartPriorSeconds: 480 s -> 720 s).',
    );
  });

  it('a cooldown that covers the measured boot silences it', async () => {
    await coldProbes('llm-async', [780, 800, 820, 840, 860]);
    const e = endpointOf(testConfig('scaling: { scaleOutCooldownSeconds: 1020 }'));
    expect(await wakeCooldownWarning(e, await endpointBoot(e, store))).toBeUndefined();
    // or a prior that makes the derived one cover it: 722 * 1.21196 = 875.0; + 120 -> 1020
    const p = endpointOf(testConfig('tune: { coldStartPriorSeconds: 722 }'));
    expect(p.scaling.scaleOutCooldownSeconds).toBe(1020);
    expect(await wakeCooldownWarning(p, await endpointBoot(p, store))).toBeUndefined();
  });
});

describe('plan warnings', () => {
  const resolver = async (e: Config['endpoints'][number]) => explicitModel(e)!;

  it('carry the measured boot from the store the caller passes, and the prior otherwise', async () => {
    const config = testConfig();
    await coldProbes('llm-async', [780, 800, 820, 840, 860]);
    const cloud = new FakeCloud();
    const measured = await buildPlan(cloud, config, resolver, undefined, {
      boot: (e) => endpointBoot(e, store),
    });
    expect(measured.warnings).toEqual([
      expect.stringContaining('llm-async: scaling.scaleOutCooldownSeconds') as string,
    ]);
    expect(measured.warnings[0]).toContain('measured boot p90 of 874 s');
    expect((await buildPlan(cloud, config, resolver)).warnings).toEqual([]);
  });
});
