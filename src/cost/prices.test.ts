// Price resolution with the real Pricing API client against a loopback GetProducts server that
// answers with RECONSTRUCTED price list items (test/report/pricing-server.ts).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { createPricingApi } from '../cloud/aws/pricing.js';
import { openStore, type Store } from '../store/index.js';
import {
  reconstructedPriceItem,
  startPricingServer,
  type PricingServer,
} from '../../test/report/pricing-server.js';
import { freePort } from '../../test/support/moto.js';
import { bundledPriceTable, parsePriceTable } from './price-table.js';
import { PriceResolver } from './prices.js';

const HOUR = 3600_000;
let server: PricingServer;
let store: Store;
let clock: VirtualClock;

beforeAll(async () => {
  server = await startPricingServer();
});
afterAll(async () => server.close());
beforeEach(async () => {
  store = await openStore(':memory:');
  clock = new VirtualClock(Date.UTC(2026, 2, 1));
  server.requests.length = 0;
  delete server.failWith;
  server.pages = [
    [
      reconstructedPriceItem({
        instanceType: 'ml.g5.xlarge',
        usd: '1.5000000000',
        usageType: 'USE1-AsyncInf:ml.g5.xlarge',
      }),
    ],
  ];
});
afterEach(() => store.close());

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const resolver = (endpoint: string, source: 'api' | 'table' = 'api') =>
  new PriceResolver({
    store,
    clock,
    pricing: { source, cacheTtlHours: 24 },
    api: () =>
      Promise.resolve(
        createPricingApi({ endpoint, credentials: creds, maxAttempts: 1, requestTimeoutMs: 2000 }),
      ),
  });

describe('PriceResolver', () => {
  it('fetches from the API, serves from the cache within the TTL, and refetches after it', async () => {
    const r = resolver(server.url);
    expect(await r.resolve('us-east-1', 'ml.g5.xlarge')).toMatchObject({
      usdPerHour: 1.5,
      source: 'api',
      detail: 'USE1-AsyncInf:ml.g5.xlarge',
    });
    await clock.advance(23 * HOUR);
    expect(await r.resolve('us-east-1', 'ml.g5.xlarge')).toMatchObject({ usdPerHour: 1.5, source: 'cache' });
    expect(server.requests).toHaveLength(1);

    server.pages = [
      [
        reconstructedPriceItem({
          instanceType: 'ml.g5.xlarge',
          usd: '1.2',
          usageType: 'USE1-AsyncInf:ml.g5.xlarge',
        }),
      ],
    ];
    await clock.advance(2 * HOUR);
    const t0 = clock.now();
    expect(await r.resolve('us-east-1', 'ml.g5.xlarge')).toMatchObject({ usdPerHour: 1.2, source: 'api' });
    expect(server.requests).toHaveLength(2);
    // The price change applies from the time it was seen; the first price also covers the past.
    const { segments } = await r.timeline('us-east-1', 'ml.g5.xlarge');
    expect(segments).toEqual([
      { from: -Infinity, usdPerHour: 1.5, source: 'api' },
      { from: t0, usdPerHour: 1.2, source: 'api' },
    ]);
  });

  it('falls back to the bundled table when the API is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const r = resolver(`http://127.0.0.1:${port}`);
    const p = await r.resolve('us-east-1', 'ml.g5.12xlarge');
    expect(p?.source).toBe('table');
    expect(p?.usdPerHour).toBe(7.09); // prices.tsv: us-east-1 ml.g5.12xlarge
    expect(p?.detail).toMatch(/Pricing API unavailable/);
    expect(p?.detail).toMatch(/foundation-model-benchmarking-tool/);
    const again = await r.resolve('us-east-1', 'ml.g5.12xlarge');
    expect(again?.source).toBe('table');
  });

  it('after a failed call, uses the fallback without asking again until the retry delay passes', async () => {
    server.failWith = 500;
    const r = resolver(server.url);
    expect((await r.resolve('us-east-1', 'ml.g5.xlarge'))?.source).toBe('table');
    await clock.advance(5 * 60_000);
    expect((await r.resolve('us-east-1', 'ml.g5.xlarge'))?.source).toBe('table');
    expect(server.requests).toHaveLength(1);
    delete server.failWith;
    await clock.advance(6 * 60_000);
    expect((await r.resolve('us-east-1', 'ml.g5.xlarge'))?.source).toBe('api');
    expect(server.requests).toHaveLength(2);
  });

  it('prefers a stale cached API price to the table when the API is down', async () => {
    await store.prices.insert({
      region: 'us-east-1',
      instanceType: 'ml.g5.xlarge',
      usdPerHour: 1.33,
      source: 'api',
      detail: 'USE1-AsyncInf:ml.g5.xlarge',
      fetchedAt: clock.now() - 100 * HOUR,
    });
    const port = await freePort();
    const p = await resolver(`http://127.0.0.1:${port}`).resolve('us-east-1', 'ml.g5.xlarge');
    expect(p).toMatchObject({ usdPerHour: 1.33, source: 'cache' });
    expect(p?.detail).toMatch(/stale/);
  });

  it('uses the table when the API lists no price for the type', async () => {
    server.pages = [[]];
    const p = await resolver(server.url).resolve('us-east-1', 'ml.g4dn.xlarge');
    expect(p).toMatchObject({ usdPerHour: 0.7364, source: 'table' });
    expect(p?.detail).toMatch(/lists no hourly price/);
  });

  it('honours an override and pricing.source: table without calling the API', async () => {
    const r = resolver(server.url, 'table');
    expect(await r.resolve('us-east-1', 'ml.g5.xlarge', 2.5)).toMatchObject({
      usdPerHour: 2.5,
      source: 'override',
    });
    expect(await r.resolve('eu-west-1', 'ml.g5.12xlarge')).toMatchObject({
      usdPerHour: 7.91,
      source: 'table',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('estimates from us-east-1 for a region the table lacks, and knows nothing of unknown types', async () => {
    const r = resolver(server.url, 'table');
    const p = await r.resolve('ap-southeast-2', 'ml.g5.xlarge');
    expect(p).toMatchObject({ usdPerHour: 1.4084, source: 'table' });
    expect(p?.detail).toMatch(/no ap-southeast-2 price; us-east-1 price used as an estimate/);
    expect(await r.resolve('us-east-1', 'ml.zz9.huge')).toBeUndefined();
  });
});

describe('price table', () => {
  it('loads the bundled table with its sources', () => {
    const t = bundledPriceTable();
    expect(t.entries().length).toBeGreaterThan(15);
    expect(t.lookup('us-east-1', 'ml.p5.48xlarge')?.source).toMatch(/CAUTION pre-June-2025/);
  });

  it('names the line of a bad row', () => {
    expect(() =>
      parsePriceTable('region\tinstance_type\tusd_per_hour\tsource\nus-east-1\tml.x\tabc\ts\n', 't.tsv'),
    ).toThrow('t.tsv:2: expected region, instance_type, usd_per_hour, source');
  });
});
