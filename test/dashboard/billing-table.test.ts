// The dashboard's "Estimate vs bill" table (pricing.billing: cost-explorer) in headless Chromium,
// from a bill already in the store: one row per day and endpoint, and the unattributed cost.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { Config } from '../../src/config/load.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { openStore, type Store } from '../../src/store/index.js';
import { addSteps, config, endpoint, tablePrices } from '../report/helpers.js';
import { findChromium } from './find-chromium.js';

const browserLookup = findChromium();
const NOW = Date.parse('2026-03-03T06:00:00Z');

interface PageGlobal {
  __sagezero?: { ready: boolean };
  document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
}

describe.skipIf(!browserLookup.found)('dashboard billing table', () => {
  let store: Store;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    store = await openStore(':memory:');
    const clock = new VirtualClock(NOW);
    // 10 h at $7 on 03-01 ($70), idle on 03-02.
    await addSteps(store, 'llm', [
      [Date.parse('2026-03-01T00:00:00Z'), 1],
      [Date.parse('2026-03-01T10:00:00Z'), 0],
    ]);
    await store.billing.saveDay(
      { day: '2026-03-01', source: 'cost-explorer', fetchedAt: NOW, estimated: true, final: true },
      [
        {
          day: '2026-03-01',
          usageType: 'USE1-AsyncInf:ml.g5.12xlarge',
          tag: 'llm',
          costUsd: 71.4,
          usageQuantity: 10.2,
          unit: 'Hrs',
        },
        {
          day: '2026-03-01',
          usageType: 'USE1-Host:VolumeUsage.gp2',
          tag: '',
          costUsd: 0.42,
          usageQuantity: 30,
          unit: 'GB-Mo',
        },
      ],
    );
    const cfg = config([endpoint('llm', { instanceType: 'ml.g5.12xlarge', pricePerHourUsd: 7 })], {
      pricing: {
        source: 'table',
        cacheTtlHours: 24,
        billing: 'cost-explorer',
        billingAlert: { percent: 10, minUsd: 1, days: 3 },
      },
    } as Partial<Config>);
    server = await startServer(createApp({ store, config: cfg, clock, prices: tablePrices(store, clock) }), {
      host: '127.0.0.1',
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: browserLookup.found ? browserLookup.path : '',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  it('lists estimated, billed, difference and finality per day, then the unattributed cost', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).__sagezero?.ready === true, null, {
      timeout: 20_000,
    });
    const rows = await page.evaluate(() =>
      Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('#billing tr')).map(
        (r) => r.textContent,
      ),
    );
    // A day with no bill in the store: estimated, but neither billed nor compared.
    expect(rows).toContain('2026-03-01llm$70.00$71.40$1.40 (2%)finaltag');
    expect(rows).toContain('2026-03-02llm$0.00——not fetchednone');
    expect(rows).toContain('2026-03-01(unattributed)—$0.42—USE1-Host:VolumeUsage.gp2');
    expect(problems).toEqual([]);
  });
});
