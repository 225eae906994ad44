// A process killed mid-probe leaves its probe row "running" and its input object in S3. The next
// daemon on the same store marks the probe interrupted and deletes the object.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { PriceResolver } from '../../src/cost/prices.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import { ClockScheduler } from '../../src/daemon/scheduler.js';
import { Redactor } from '../../src/secrets.js';
import { openStore } from '../../src/store/index.js';
import { testConfig } from '../support/configs.js';

describe('daemon restart after a kill mid-probe', () => {
  it('records the probe as interrupted and deletes its S3 objects', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const cloud = new FakeCloud();
    const store = openStore(':memory:');
    const config = testConfig();
    const input = 's3://sagezero-probes/p/sagezero-probe-1.in';
    await cloud.putObject(input, '{"inputs":"hi"}');
    store.probes.save({
      id: 'sagezero-probe-1',
      endpoint: 'llm-async',
      startedAt: clock.now() - 60_000,
      instancesAtStart: 0,
      cold: true,
      outcome: 'running',
      inferenceId: 'sagezero-probe-1',
      inputLocation: input,
    });
    let logs = '';
    const log = createLogger(
      new Redactor(),
      new Writable({
        write(c: Buffer, _e, done) {
          logs += c.toString();
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
    await clock.advance(1000);
    expect(store.probes.get('sagezero-probe-1')?.outcome).toBe('interrupted');
    expect(await cloud.getObject(input)).toBeUndefined();
    expect(logs).toContain('deleted the S3 objects of interrupted probes');
    await daemon.stop();
    store.close();
  });
});
