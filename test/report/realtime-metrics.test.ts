// /metrics for a realtime endpoint: its instances like any endpoint's, its components' copies, and
// their month-to-date shares of its instance-hours, which add up to the endpoint's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { RealtimeEndpointConfig } from '../../src/config/load.js';
import { createApp } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import { componentCopiesKey } from '../../src/telemetry/realtime.js';
import { addSteps, config, tablePrices } from './helpers.js';

const HOUR = 3600_000;
const MONTH = Date.UTC(2026, 2, 1);

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

function realtimeConfig(): ReturnType<typeof config> {
  return config([], {
    realtimeEndpoints: [
      {
        name: 'rt',
        variantName: 'AllTraffic',
        instanceType: 'ml.g5.12xlarge',
        pricePerHourUsd: 10,
        managedScaling: { minInstances: 0, maxInstances: 2 },
        components: [
          { name: 'a', componentName: 'rt-a', acceleratorsPerCopy: 1, memoryMb: 1024 },
          { name: 'b', componentName: 'rt-b', acceleratorsPerCopy: 2, memoryMb: 1024 },
        ],
      },
    ] as unknown as RealtimeEndpointConfig[],
  });
}

describe('/api/v1/report?endpoint= on a realtime endpoint', () => {
  it('scopes the report to it, and names the endpoints it knows otherwise', async () => {
    const clock = new VirtualClock(MONTH + 5 * HOUR);
    const app = createApp({ store, config: realtimeConfig(), clock, prices: tablePrices(store, clock) });
    const ok = await app.request('/api/v1/report?endpoint=rt&since=1d');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { endpoints: { name: string; kind?: string }[] };
    expect(body.endpoints.map((e) => [e.name, e.kind])).toEqual([['rt', 'realtime']]);
    expect((await app.request('/api/v1/report?endpoint=nope&since=1d')).status).toBe(400);
  });
});

describe('/metrics, realtime endpoints', () => {
  it('exposes instances, copies and month-to-date component shares', async () => {
    // From 01:00 to 04:00 one instance; a (1 GPU) holds a copy 01:00-04:00, b (2 GPUs) 02:00-04:00.
    // a: 1 h alone + 2 h x 1/3 = 1.666667 h; b: 2 h x 2/3 = 1.333333 h; together the endpoint's 3 h.
    await addSteps(store, 'rt', [
      [MONTH + HOUR, 1],
      [MONTH + 4 * HOUR, 0],
      [MONTH + 5 * HOUR, 1],
    ]);
    await addSteps(
      store,
      'rt',
      [
        [MONTH + HOUR, 1],
        [MONTH + 4 * HOUR, 0],
      ],
      componentCopiesKey('rt-a'),
    );
    await addSteps(
      store,
      'rt',
      [
        [MONTH + 2 * HOUR, 1],
        [MONTH + 4 * HOUR, 0],
        [MONTH + 5 * HOUR, 2],
      ],
      componentCopiesKey('rt-b'),
    );
    const clock = new VirtualClock(MONTH + 5 * HOUR);
    const cfg = config([], {
      realtimeEndpoints: [
        {
          name: 'rt',
          variantName: 'AllTraffic',
          instanceType: 'ml.g5.12xlarge',
          pricePerHourUsd: 10,
          managedScaling: { minInstances: 0, maxInstances: 2 },
          components: [
            { name: 'a', componentName: 'rt-a', acceleratorsPerCopy: 1, memoryMb: 1024 },
            { name: 'b', componentName: 'rt-b', acceleratorsPerCopy: 2, memoryMb: 1024 },
          ],
        },
      ] as unknown as RealtimeEndpointConfig[],
    });
    const text = await createMetrics({
      store,
      config: cfg,
      clock,
      prices: tablePrices(store, clock),
    }).render();
    expect(text).toContain('sagezero_endpoint_instances{endpoint="rt",variant="AllTraffic"} 1');
    expect(text).toContain('sagezero_component_copies{endpoint="rt",component="b"} 2');
    expect(text).toContain('sagezero_component_copies{endpoint="rt",component="a"} 0');
    expect(text).toContain(
      'sagezero_component_month_to_date_instance_hours{endpoint="rt",component="a"} 1.666667',
    );
    expect(text).toContain(
      'sagezero_component_month_to_date_instance_hours{endpoint="rt",component="b"} 1.333333',
    );
    expect(text).toContain(
      'sagezero_component_month_to_date_spend_usd{endpoint="rt",component="a"} 16.666667',
    );
    expect(text).toContain('sagezero_month_to_date_spend_usd{endpoint="rt"} 30');
  });
});
