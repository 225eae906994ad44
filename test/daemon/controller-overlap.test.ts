// A controller never runs twice at once, whoever starts it: the start-up reconcile, the schedule, an
// election or runNow. Two reconciles at once would both find the endpoint missing and both create it.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import type { Cloud } from '../../src/cloud/types.js';
import { testConfig } from '../support/configs.js';
import { startFakeDaemon } from '../support/fake-daemon.js';

/** The fake cloud behind a gate: calls (all, or only `only`) wait until `open()`. */
function gated(cloud: FakeCloud, only?: string): { cloud: Cloud; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const proxy = new Proxy(cloud, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || (only !== undefined && prop !== only)) return v;
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
    const { store, daemon } = await startFakeDaemon(cloud, clock, testConfig());
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
    expect((await store.controllers.all()).find((c) => c.controller === 'reconcile')?.errorCount ?? 0).toBe(
      0,
    );
    await daemon.stop();
    await store.close();
  });

  it('probes wait for the first reconcile: none runs against an endpoint start-up is still creating', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1, 10, 0, 30));
    const fake = new FakeCloud();
    // Only the create is held: a probe that ran now would find no endpoint and fail.
    const { cloud, open } = gated(fake, 'createModel');
    const { store, daemon, logs } = await startFakeDaemon(
      cloud,
      clock,
      testConfig(
        'probe:\n  schedule: "* * * * *"\n  payload: { inputs: "hi" }\n  bucket: s3://sagezero-probes/p/',
      ),
    );
    // Two probe times pass while the start-up reconcile is held at the gate.
    await clock.advance(150_000);
    expect(await store.probes.between('llm-async', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    // Skipped while the first reconcile runs, and while the endpoint it started is being created.
    expect(logs()).toMatch(
      /probe skipped: (the first reconcile has not finished|the endpoint is being provisioned)/,
    );
    open();
    for (let i = 0; i < 100 && !(await store.probes.latest('llm-async')); i++) await clock.advance(30_000);
    // Once provisioned, the schedule probes the endpoint.
    expect(fake.calls).toContain('InvokeEndpointAsync');
    expect(await store.probes.latest('llm-async')).toBeDefined();
    await daemon.stop();
    await store.close();
  });
});
