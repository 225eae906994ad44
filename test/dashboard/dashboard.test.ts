// The dashboard in headless Chromium (Debian's chromium, or any Chromium/Chrome found by
// find-chromium.ts, driven by playwright-core): charts render with data, text from AWS stays text, no
// console errors. Screenshot: test-artifacts/dashboard.png. Without a browser the suite is skipped
// with a line on stderr saying where it looked and what to install.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { META, openStore, type Store } from '../../src/store/index.js';
import { config, endpoint, tablePrices } from '../report/helpers.js';
import { seedHistory } from '../report/seed.js';
import { findChromium, skipMessage } from './find-chromium.js';

const browserLookup = findChromium();
const CHROMIUM = browserLookup.found ? browserLookup.path : '';
// vitest's summary only counts skips ("1 skipped"); the reason has to be printed to be seen.
if (!browserLookup.found) console.warn(skipMessage(browserLookup));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const DAY = 86_400_000;
const TOKEN = 'dashboard-token-0123456789';
const XSS = '<img src=x onerror="window.__pwned=1"> container exited';

// The project compiles without the DOM library: the few browser shapes the page callbacks touch.
interface CanvasLike {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}
interface PageGlobal {
  __sagezero?: { ready: boolean; charts: ChartInfo[] };
  __pwned?: number;
  document: { querySelectorAll(selector: string): ArrayLike<unknown> };
}

interface ChartInfo {
  id: string;
  series: number;
  points: number;
}

describe.skipIf(!browserLookup.found)(
  browserLookup.found
    ? `dashboard in headless Chromium (${CHROMIUM})`
    : `dashboard in headless Chromium (skipped: ${browserLookup.reason})`,
  () => {
    let store: Store;
    let browser: Browser;
    let open: RunningServer;
    let locked: RunningServer;

    beforeAll(async () => {
      store = await openStore(':memory:');
      const clock = new VirtualClock(NOW);
      const names = ['llama-8b-async', 'falcon-40b-async', 'whisper-async'];
      await seedHistory(store, {
        endpoints: names,
        start: NOW - 8 * DAY,
        end: NOW - 600_000,
        wakesPerDay: 5,
      });
      // Created 3 h ago with 1 instance ever since: always on for its whole life, nothing saved.
      await store.instances.insert({
        endpoint: 'young-async',
        variant: 'AllTraffic',
        at: NOW - 3 * 3600_000,
        count: 1,
        source: 'created',
      });
      await store.meta.set(META.lastPollAt, String(NOW - 60_000), NOW);
      for (const n of names)
        await store.meta.setJson(
          META.endpointStatus(n),
          { status: 'InService', instances: 0, desired: 0, observedAt: NOW - 60_000 },
          NOW,
        );
      await store.probes.save({
        id: 'bad',
        endpoint: 'whisper-async',
        startedAt: NOW - 300_000,
        finishedAt: NOW - 200_000,
        instancesAtStart: 0,
        cold: true,
        outcome: 'model_error',
        errorMessage: XSS,
      });
      const cfg = config([
        endpoint('llama-8b-async', { instanceType: 'ml.g5.2xlarge' }),
        endpoint('falcon-40b-async', { instanceType: 'ml.g5.12xlarge' }),
        endpoint('whisper-async', { instanceType: 'ml.g4dn.xlarge', pricePerHourUsd: 0.7364 }),
        endpoint('young-async', { instanceType: 'ml.g5.12xlarge' }),
      ]);
      const prices = tablePrices(store, clock);
      open = await startServer(createApp({ store, config: cfg, clock, prices }), {
        host: '127.0.0.1',
        port: 0,
      });
      locked = await startServer(createApp({ store, config: cfg, clock, prices, authToken: TOKEN }), {
        host: '127.0.0.1',
        port: 0,
      });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
      await open?.close();
      await locked?.close();
      await store?.close();
    });

    async function load(url: string): Promise<{ page: Page; problems: string[]; external: string[] }> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const external: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(new URL(url).origin)) external.push(r.url());
      });
      await page.goto(url);
      return { page, problems, external };
    }

    it('draws the three charts and the endpoint table from the API, without errors', async () => {
      const { page, problems, external } = await load(open.url);
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobal).__sagezero?.ready === true,
        null,
        { timeout: 20_000 },
      );

      const charts = await page.evaluate(() =>
        (globalThis as unknown as PageGlobal).__sagezero!.charts.map((c) => ({
          id: c.id,
          series: c.series,
          points: c.points,
        })),
      );
      expect(charts).toEqual([
        { id: 'chart-instances', series: 4, points: 7 * 24 } /* hourly buckets, NOW on the hour */,
        { id: 'chart-spend', series: 2, points: 7 * 24 } /* hourly buckets, NOW on the hour */,
        { id: 'chart-coldstarts', series: 1, points: 11 },
      ]);
      // Each chart's canvas has ink on it, not just an empty frame: count coloured pixels.
      const inked = await page.evaluate(() =>
        Array.from(
          (globalThis as unknown as PageGlobal).document.querySelectorAll(
            '.chart canvas',
          ) as ArrayLike<CanvasLike>,
        ).map((cv) => {
          const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) {
            const [r, g, b, a] = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!];
            if (a > 0 && !(r === g && g === b)) n++; // series are coloured; grid and text are grey
          }
          return n;
        }),
      );
      expect(inked).toHaveLength(3);
      for (const n of inked) expect(n).toBeGreaterThan(200);

      const rows = await page.$$eval('#endpoints tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
      expect(rows.filter((r) => r.includes('-async'))).toHaveLength(4);
      expect(await page.textContent('#cards')).toMatch(/Saved\$[\d,]+\.\d\d \(\d+(\.\d)?%\)/);
      // The young endpoint's always-on covers its 3 h of life: 3 h x $7.09 = $21.27, said so, and
      // nothing saved; the card says each endpoint counts over its own life.
      const young = rows.find((r) => r.includes('young-async'))!;
      expect(young).toMatch(/\$21\.27since .+ \(created\)/);
      expect(young).toContain('$0.00 (0%)');
      expect(await page.textContent('#cards')).toContain('Always-on$');
      expect(await page.textContent('#cards')).toContain("over each endpoint's life (see the table)");
      const baselines = await page.$$eval('#endpoints td.baseline', (tds) => tds.map((td) => td.textContent));
      expect(baselines.filter((t) => t!.includes('since'))).toHaveLength(1);

      // AWS text stays text: shown literally, no element created from it, no script run.
      const err = await page.textContent('#endpoints td.err');
      expect(err).toBe(XSS);
      expect(await page.$$eval('#endpoints img', (imgs) => imgs.length)).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobal).__pwned)).toBeUndefined();

      expect(problems).toEqual([]);
      expect(external).toEqual([]);
      mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, 'test-artifacts', 'dashboard.png'), fullPage: true });
      await page.close();
    });

    it('asks for the token when /api needs one, then loads', async () => {
      const { page, problems } = await load(locked.url);
      await page.waitForSelector('#auth:not([hidden])', { timeout: 20_000 });
      await page.fill('#token', TOKEN);
      await page.click('#auth button');
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobal).__sagezero?.ready === true,
        null,
        { timeout: 20_000 },
      );
      expect(await page.$$eval('#endpoints tbody tr', (trs) => trs.length)).toBeGreaterThanOrEqual(3);
      // The two 401s before the token was given are the only console noise allowed.
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
      await page.close();
    });
  },
);
