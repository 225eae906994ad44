// The dashboard with a realtime endpoint, in headless Chromium: its row says it is realtime and how
// its always-on was counted, and the components table shows each one's share (adding up to the
// endpoint's instance-hours), its copies and its last probe. Skipped without a browser.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { RealtimeEndpointConfig } from '../../src/config/load.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { META, openStore, type Store } from '../../src/store/index.js';
import { componentCopiesKey } from '../../src/telemetry/realtime.js';
import { addSteps, config, tablePrices } from '../report/helpers.js';
import { findChromium, skipMessage } from './find-chromium.js';

const lookup = findChromium();
if (!lookup.found) console.warn(skipMessage(lookup));
const HOUR = 3600_000;
const NOW = Date.UTC(2026, 2, 10, 12);

interface PageGlobal {
  __sagezero?: { ready: boolean };
}

describe.skipIf(!lookup.found)('dashboard with a realtime endpoint', () => {
  let store: Store;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    store = await openStore(':memory:');
    const clock = new VirtualClock(NOW);
    // 06:00-09:00 one instance; a (1 GPU) holds a copy all along, b (2 GPUs) 07:00-09:00:
    // a 1 h + 2 h x 1/3 = 1.67 h, b 2 h x 2/3 = 1.33 h: the endpoint's 3.00 h.
    await store.instances.insert({
      endpoint: 'chat',
      variant: 'AllTraffic',
      at: NOW - 6 * HOUR,
      count: 1,
      source: 'created',
    });
    await addSteps(store, 'chat', [[NOW - 3 * HOUR, 0]]);
    await addSteps(
      store,
      'chat',
      [
        [NOW - 6 * HOUR, 1],
        [NOW - 3 * HOUR, 0],
      ],
      componentCopiesKey('chat-a'),
    );
    await addSteps(
      store,
      'chat',
      [
        [NOW - 5 * HOUR, 1],
        [NOW - 3 * HOUR, 0],
      ],
      componentCopiesKey('chat-b'),
    );
    await store.meta.set(META.lastPollAt, String(NOW - 60_000), NOW);
    await store.meta.setJson(
      META.endpointStatus('chat'),
      { status: 'InService', instances: 0, desired: 0 },
      NOW,
    );
    await store.probes.save({
      id: 'p',
      endpoint: 'chat',
      component: 'chat-a',
      startedAt: NOW - 6 * HOUR,
      finishedAt: NOW - 6 * HOUR + 300_000,
      instancesAtStart: 0,
      cold: true,
      totalS: 300,
      failedInvocations: 9,
      outcome: 'success',
    });
    const scaling = { preset: 'aws-recommended', minCopies: 0, maxCopies: 2 };
    const cfg = config([], {
      realtimeEndpoints: [
        {
          name: 'chat',
          variantName: 'AllTraffic',
          instanceType: 'ml.g5.12xlarge',
          managedScaling: { minInstances: 0, maxInstances: 2 },
          components: [
            { name: 'a', componentName: 'chat-a', acceleratorsPerCopy: 1, memoryMb: 1024, scaling },
            { name: 'b', componentName: 'chat-b', acceleratorsPerCopy: 2, memoryMb: 1024, scaling },
          ],
        },
      ] as unknown as RealtimeEndpointConfig[],
    });
    server = await startServer(createApp({ store, config: cfg, clock, prices: tablePrices(store, clock) }), {
      host: '127.0.0.1',
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: lookup.found ? lookup.path : '',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('shows the components table and the realtime row, without errors', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).__sagezero?.ready === true, null, {
      timeout: 20_000,
    });
    const row = await page.textContent('#endpoints tbody tr');
    expect(row).toContain('realtime · 2 components');
    expect(row).toContain('1 instance: one copy of each of 2 components');
    const rows = await page.$$eval('#components tr', (trs) =>
      trs.map((tr) =>
        // The project compiles without the DOM library: the one shape used here.
        Array.from(
          (tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children,
          (td) => td.textContent ?? '',
        ),
      ),
    );
    expect(rows.map((r) => r.slice(0, 7))).toEqual([
      [
        'Component',
        'Copies',
        'Instance-h share',
        'Spend share',
        'Copy wakes',
        'p50 / p95',
        'Failed calls per wake',
      ],
      ['chat / a', '0', '1.67', rows[1]![3], '1', '5 min / 5 min', '9'],
      ['chat / b', '0', '1.33', rows[2]![3], '1', '—', '—'],
    ]);
    expect(rows[1]![7]).toMatch(/^success \(cold\)/);
    expect(problems).toEqual([]);
  });
});
