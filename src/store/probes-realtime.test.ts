// Probes of real-time components keep their component, alarm phase and refused invocations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';

let s: Store;
beforeEach(async () => {
  s = await openStore(':memory:');
});
afterEach(() => s.close());

describe('real-time probe rows', () => {
  it('round-trip the component, the alarm phase and the failed invocations; async rows have none', async () => {
    await s.probes.save({
      id: 'rt',
      endpoint: 'chat',
      component: 'chat-llama',
      startedAt: 1_000,
      finishedAt: 71_000,
      instancesAtStart: 0,
      cold: true,
      alarmS: 45,
      queuedS: 50,
      scaleOutS: 5,
      inServiceToOutputS: 15,
      totalS: 70,
      failedInvocations: 6,
      outcome: 'success',
    });
    await s.probes.save({
      id: 'as',
      endpoint: 'chat',
      startedAt: 2_000,
      instancesAtStart: 0,
      cold: true,
      outcome: 'running',
    });
    expect(await s.probes.get('rt')).toMatchObject({
      component: 'chat-llama',
      alarmS: 45,
      failedInvocations: 6,
    });
    const plain = (await s.probes.get('as'))!;
    expect('component' in plain || 'alarmS' in plain || 'failedInvocations' in plain).toBe(false);
    expect(await s.probes.coldBetween('chat', 0, 10_000)).toEqual([
      { startedAt: 1_000, finishedAt: 71_000, outcome: 'success', totalS: 70, component: 'chat-llama' },
      { startedAt: 2_000, finishedAt: undefined, outcome: 'running', totalS: undefined },
    ]);
  });
});
