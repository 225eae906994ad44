// A process killed mid-probe leaves its probe row "running" and its input object in S3. The next
// daemon on the same store marks the probe interrupted and deletes the object.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { FakeCloud } from '../../src/cloud/fake.js';
import { testConfig } from '../support/configs.js';
import { startFakeDaemon } from '../support/fake-daemon.js';

describe('daemon restart after a kill mid-probe', () => {
  it('records the probe as interrupted and deletes its S3 objects', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 1));
    const cloud = new FakeCloud();
    const config = testConfig();
    const input = 's3://sagezero-probes/p/sagezero-probe-1.in';
    await cloud.putObject(input, '{"inputs":"hi"}');
    const { store, daemon, logs } = await startFakeDaemon(cloud, clock, config, (s) =>
      s.probes.save({
        id: 'sagezero-probe-1',
        endpoint: 'llm-async',
        startedAt: clock.now() - 60_000,
        instancesAtStart: 0,
        cold: true,
        outcome: 'running',
        inferenceId: 'sagezero-probe-1',
        inputLocation: input,
      }),
    );
    await clock.advance(1000);
    expect((await store.probes.get('sagezero-probe-1'))?.outcome).toBe('interrupted');
    expect(await cloud.getObject(input)).toBeUndefined();
    expect(logs()).toContain('recorded abandoned probes as interrupted and deleted their S3 objects');
    await daemon.stop();
    await store.close();
  });
});
