// Stopping the daemon while an endpoint is being created: stop() resolves without waiting for the
// creation (the virtual clock never moves here, so a stop that waited for InService would never
// resolve), the lease is released, and a second daemon on the same store leads at once, finds the
// endpoint Creating, waits for it and finishes it, without creating it again.
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { createSimCloud, type SimCloud } from '../../src/cloud/sim/sim-cloud.js';
import { ApiCallCounter, scalableResourceId } from '../../src/cloud/types.js';
import type { Config } from '../../src/config/load.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { backgroundProvisioning } from '../../src/daemon/reconcile.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore, type Store } from '../../src/store/index.js';
import { advanceUntil, fleetConfig, settle } from '../support/fleet.js';
import { tempDir } from '../support/temp-dir.js';

const EP = 'shutdown-llm';

let store: Store | undefined;
afterEach(() => store?.close());

async function daemon(
  cloud: SimCloud,
  clock: VirtualClock,
  s: Store,
  config: Config,
  holder: string,
): Promise<{ d: RunningDaemon; logs(): string }> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  const d = await startDaemon({
    config,
    cloud,
    clock,
    scheduler: new ClockScheduler(clock),
    store: s,
    log: createLogger(new Redactor(), sink),
    prices: new PriceResolver({ store: s, clock, pricing: config.pricing }),
    listen: false,
    leaseClock: clock,
    holder,
  });
  return { d, logs: () => text };
}

describe('stopping while an endpoint is being created', () => {
  it('stop() resolves before the creation could end, releases the lease, and the next daemon acts at once', async () => {
    const calls = new ApiCallCounter();
    const { cloud, clock } = createSimCloud({ boot: { kind: 'fixed', seconds: 480 } }, calls);
    const config = fleetConfig([EP]);
    store = await openStore(path.join(tempDir('sagezero-shutdown-'), 'store.db'));

    const first = await daemon(cloud, clock, store, config, 'first');
    expect(first.d.isLeader()).toBe(true);
    await settle();
    expect((await cloud.getEndpoint(EP))?.status).toBe('Creating');
    expect(first.logs()).toContain(`"msg":"${EP}: Creating (0s elapsed)"`);

    const at = clock.now();
    let stopped = false;
    const stopping = first.d.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(true);
    await stopping;
    // Not a simulated second passed: the stop did not wait for the 8-minute creation.
    expect(clock.now()).toBe(at);
    expect(backgroundProvisioning(store)?.inFlight()).toEqual([]);
    // Released: the row stays (its term goes on), ending now.
    expect((await store.leases.get('daemon'))?.expiresAt).toBeLessThanOrEqual(clock.now());
    expect(first.logs()).toContain('stopped waiting (shutting down)');
    // SageMaker goes on creating it.
    expect((await cloud.getEndpoint(EP))?.status).toBe('Creating');

    const second = await daemon(cloud, clock, store, config, 'second');
    expect(second.d.isLeader()).toBe(true);
    await settle();
    expect(second.logs()).toContain('found Creating (left by an earlier run): waiting for it');
    await advanceUntil(clock, () => (backgroundProvisioning(store!)?.inFlight().length ?? 0) === 0);
    expect((await cloud.getEndpoint(EP))?.status).toBe('InService');
    expect(await cloud.getScalableTarget(scalableResourceId(EP, 'AllTraffic'))).toBeDefined();
    expect(second.logs()).toContain('"msg":"provisioned"');
    expect(calls.calls.filter((c) => c.operation === 'CreateEndpoint' && c.ok)).toHaveLength(1);
    await second.d.stop();
  });
});
