// A failed controller run is counted once: the store row (what /metrics and the "controller failing"
// alert read) must match the runs the daemon made. Telemetry used to be counted twice (by the poll
// and by the daemon), paging after half the configured failures.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { CloudError } from '../../src/cloud/types.js';
import { testConfig } from '../support/configs.js';
import { startFakeDaemon } from '../support/fake-daemon.js';

describe('controller run counts', () => {
  it('counts each failed telemetry poll once in the store', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const cloud = new FakeCloud();
    // DescribeEndpoint fails: every reconcile and every poll fails.
    cloud.failAlways('DescribeEndpoint', new CloudError('injected', 'ServiceUnavailable', true));
    const { store, daemon } = await startFakeDaemon(cloud, clock, testConfig());
    await clock.advance(1000);
    await daemon.runNow('telemetry');
    await daemon.runNow('telemetry');
    const runs = daemon.controllers.all().find((c) => c.name === 'telemetry');
    const row = (await store.controllers.all()).find((c) => c.controller === 'telemetry');
    expect(runs?.failures).toBeGreaterThanOrEqual(2);
    expect(row?.errorCount).toBe(runs?.failures);
    expect(row?.consecutiveErrors).toBe(runs?.consecutiveFailures);
    await daemon.stop();
    await store.close();
  });
});
