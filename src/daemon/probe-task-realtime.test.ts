// The daemon's probe of a realtime component: recorded under this process with its component, and
// a failed probe thrown so the controller's failure count and the alerts see it.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingSkippingClock } from '../../test/probe/scripted-cloud.js';
import { COMPONENT, ENDPOINT, WakingComponentCloud } from '../../test/probe/waking-component.js';
import type { ComponentConfig, Config, RealtimeEndpointConfig } from '../config/load.js';
import { probeConfigSchema } from '../probe/config.js';
import { Redactor } from '../secrets.js';
import { openStore, type Store } from '../store/index.js';
import { createLogger } from './logger.js';
import { realtimeProbeTask } from './probe-task.js';

const T0 = Date.UTC(2026, 0, 5, 6);
const component = { name: 'llama', componentName: COMPONENT } as ComponentConfig;
const endpoint = {
  name: ENDPOINT,
  variantName: 'AllTraffic',
  components: [component],
} as unknown as RealtimeEndpointConfig;
const probe = probeConfigSchema.parse({ payload: { inputs: 'ping' }, timeoutSeconds: 60 });

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

function task(
  cloud: WakingComponentCloud,
  clock: RecordingSkippingClock,
): ReturnType<typeof realtimeProbeTask> {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  return realtimeProbeTask(
    {
      cloud,
      clock,
      store,
      config: { file: '/tmp/x.yaml' } as Config,
      log: createLogger(new Redactor(), sink),
      holder: 'host:1:test',
      ready: () => true,
    },
    endpoint,
    component,
    probe,
  );
}

describe('realtimeProbeTask', () => {
  it('records a cold probe of the component with its refused invocations', async () => {
    const clock = new RecordingSkippingClock(T0);
    const cloud = new WakingComponentCloud(clock, {
      initialCopies: 0,
      alarmAfterMs: 10_000,
      copyScheduledAfterMs: 20_000,
      instanceAfterMs: 25_000,
      copyReadyAfterMs: 30_000,
    });
    await task(cloud, clock)(new AbortController().signal);
    const row = (await store.probes.latest(ENDPOINT))!;
    expect(row).toMatchObject({
      component: COMPONENT,
      holder: 'host:1:test',
      cold: true,
      outcome: 'success',
    });
    expect(row.failedInvocations).toBeGreaterThan(0);
  });

  it('throws when the component never answers, naming endpoint and component', async () => {
    const clock = new RecordingSkippingClock(T0);
    const cloud = new WakingComponentCloud(clock, {
      initialCopies: 0,
      alarmAfterMs: 0,
      copyScheduledAfterMs: 0,
      instanceAfterMs: 0,
      copyReadyAfterMs: 0,
      never: true,
    });
    await expect(task(cloud, clock)(new AbortController().signal)).rejects.toThrow(
      `probe of ${ENDPOINT}/llama ended timeout: no answer after 60 s`,
    );
    expect((await store.probes.latest(ENDPOINT))?.outcome).toBe('timeout');
  });
});
