// A controller never runs twice at once, whoever starts it: the start-up reconcile, the schedule, an
// election or runNow. Two reconciles at once would both find the endpoint missing and both create it.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import type { Cloud } from '../../src/cloud/types.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore } from '../../src/store/index.js';
import { testConfig } from '../support/configs.js';

/** The fake cloud behind a gate: every call waits until `open()`, so concurrent runs interleave. */
function gated(cloud: FakeCloud): { cloud: Cloud; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const proxy = new Proxy(cloud, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        await gate;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { cloud: proxy, open };
}

describe('controller runs never overlap', () => {
  it('a reconcile asked for while the start-up reconcile runs joins it: one create of each', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const fake = new FakeCloud();
    const { cloud, open } = gated(fake);
    const store = openStore(':memory:');
    const config = testConfig();
    const log = createLogger(
      new Redactor(),
      new Writable({
        write(_c: Buffer, _e, done) {
          done();
        },
      }),
    );
    const daemon = await startDaemon({
      config,
      cloud,
      clock,
      scheduler: new ClockScheduler(clock),
      store,
      log,
      prices: new PriceResolver({ store, clock, pricing: config.pricing }),
      listen: false,
      leaseClock: clock,
    });
    // The start-up reconcile is waiting at the gate; ask for two more.
    const again = [daemon.runNow('reconcile'), daemon.runNow('reconcile')];
    open();
    // Endpoint creation waits for InService in virtual time.
    for (let i = 0; i < 200 && fake.endpoints.get('llm-async')?.status !== 'InService'; i++) {
      await clock.advance(30_000);
    }
    for (let i = 0; i < 100; i++) await clock.advance(30_000);
    await Promise.all(again);
    const count = (op: string) => fake.mutatingCalls().filter((c) => c === op).length;
    expect([count('CreateModel'), count('CreateEndpointConfig'), count('CreateEndpoint')]).toEqual([1, 1, 1]);
    expect(store.controllers.all().find((c) => c.controller === 'reconcile')?.errorCount ?? 0).toBe(0);
    await daemon.stop();
    store.close();
  });
});
