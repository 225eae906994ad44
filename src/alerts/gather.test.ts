import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { evaluateRules } from './evaluate.js';
import { DEFAULT_ALERTS_CONFIG } from './config.js';
import { gatherAlertInputs, type AlertEndpoint } from './gather.js';
import { backlogWithoutCapacity } from './rules/backlog.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12, 0, 30);
const NOW_MINUTE = Math.floor(NOW / MIN) * MIN;
const endpoints: AlertEndpoint[] = [{ name: 'llm', wake: { periodSeconds: 60, evaluationPeriods: 2 } }];

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
  await store.activities.upsert({
    activityId: 'f1',
    endpoint: 'llm',
    variant: 'AllTraffic',
    startTime: NOW - 90 * MIN,
    endTime: NOW - 90 * MIN,
    status: 'Failed',
    description: 'Setting desired instance count to 1.',
    cause: 'InsufficientInstanceCapacity',
    desiredCount: 1,
  });
});
afterEach(() => store.close());

/** HasBacklogWithoutCapacity for the last `minutes` minutes: 1 where `waiting(age)` (age in minutes). */
async function backlog(minutes: number, waiting: (age: number) => boolean): Promise<void> {
  const points = Array.from({ length: minutes }, (_, age) => ({
    endpoint: 'llm',
    metric: 'HasBacklogWithoutCapacity',
    minute: NOW_MINUTE - age * MIN,
    value: waiting(age) ? 1 : 0,
  }));
  await store.metrics.upsert(points);
}

const gather = () => gatherAlertInputs({ store, endpoints, now: NOW, config: DEFAULT_ALERTS_CONFIG });

describe('gatherAlertInputs: the backlog rule', () => {
  it('reads the day of minutes and the activities only when the freshest minutes show a backlog', async () => {
    // Two hours waiting with no capacity (since NOW - 119 min): over the wake policy's allowance.
    await backlog(24 * 60, (age) => age < 120);
    const input = (await gather()).endpoints[0]!;
    expect(input.backlog).toHaveLength(24 * 60);
    expect(input.activities).toHaveLength(1);
    const c = evaluateRules(await gather(), DEFAULT_ALERTS_CONFIG).conditions.find(
      (x) => x.rule === 'backlog-without-capacity',
    );
    expect(c?.facts.map((f) => f.value)).toContain(
      'Setting desired instance count to 1. InsufficientInstanceCapacity',
    );
  });

  it('with no backlog in the freshest minutes, the same verdict from those minutes alone', async () => {
    // A long backlog that ended 6 minutes ago: nothing to say now.
    await backlog(24 * 60, (age) => age >= 6 && age < 300);
    const input = (await gather()).endpoints[0]!;
    expect(input.backlog!.length).toBeLessThanOrEqual(6);
    expect(input.activities).toEqual([]);
    const full = await store.metrics.series('llm', 'HasBacklogWithoutCapacity', NOW - 24 * 60 * MIN, NOW);
    const rule = (series: readonly { minute: number; value: number }[]) =>
      backlogWithoutCapacity({
        endpoint: 'llm',
        series,
        wake: endpoints[0]!.wake,
        bootSeconds: 600,
        graceMinutes: 10,
        now: NOW,
      });
    expect(rule(full)).toBeUndefined();
    expect(rule(input.backlog!)).toBeUndefined();
  });
});
