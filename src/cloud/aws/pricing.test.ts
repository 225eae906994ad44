// The real SDK Pricing client against a loopback GetProducts server answering with price list items
// RECONSTRUCTED from public evidence (see test/report/pricing-server.ts), not verbatim AWS data.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  reconstructedPriceItem,
  startPricingServer,
  type PricingServer,
} from '../../../test/report/pricing-server.js';
import { createPricingApi, PriceListFormatError, selectHourlyPrice } from './pricing.js';

let server: PricingServer;
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

beforeAll(async () => {
  server = await startPricingServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.pages = [[]];
  delete server.failWith;
});

const api = () => createPricingApi({ endpoint: server.url, credentials: creds, maxAttempts: 1 });

describe('createPricingApi (loopback GetProducts)', () => {
  it('prefers the async inference price and sends the documented filters to us-east-1', async () => {
    server.pages = [
      [
        reconstructedPriceItem({
          instanceType: 'ml.g5.xlarge',
          usd: '1.4084000000',
          usageType: 'USE1-Host:ml.g5.xlarge',
        }),
        reconstructedPriceItem({
          instanceType: 'ml.g5.xlarge',
          usd: '1.4100000000',
          usageType: 'USE1-AsyncInf:ml.g5.xlarge',
        }),
      ],
    ];
    const quote = await api().getHourlyPrice('us-east-1', 'ml.g5.xlarge');
    expect(quote).toMatchObject({ usdPerHour: 1.41, usageType: 'USE1-AsyncInf:ml.g5.xlarge', kind: 'async' });
    const req = server.requests[0]!;
    expect(req.target).toBe('AWSPriceListService.GetProducts');
    expect(req.contentType).toBe('application/x-amz-json-1.1');
    expect(req.authorization).toContain('/us-east-1/pricing/aws4_request');
    expect(req.body.ServiceCode).toBe('AmazonSageMaker');
    expect(req.body.Filters).toEqual([
      { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
      { Type: 'TERM_MATCH', Field: 'instanceName', Value: 'ml.g5.xlarge' },
      { Type: 'TERM_MATCH', Field: 'component', Value: 'Hosting' },
    ]);
  });

  it('falls back to the real-time hosting price, ignoring non-hourly dimensions', async () => {
    server.pages = [
      [
        reconstructedPriceItem({
          instanceType: 'ml.g6.xlarge',
          region: 'eu-west-3',
          usd: '1.4302000000',
          usageType: 'EUW3-Host:ml.g6.xlarge',
          extraDimensions: {
            storage: { unit: 'GB-Mo', beginRange: '0', pricePerUnit: { USD: '0.1400000000' } },
          },
        }),
      ],
    ];
    const quote = await api().getHourlyPrice('eu-west-3', 'ml.g6.xlarge');
    expect(quote).toMatchObject({
      usdPerHour: 1.4302,
      usageType: 'EUW3-Host:ml.g6.xlarge',
      kind: 'realtime',
    });
  });

  it('follows NextToken across pages', async () => {
    server.pages = [
      [
        reconstructedPriceItem({
          instanceType: 'ml.g5.12xlarge',
          usd: '7.09',
          usageType: 'USE1-Host:ml.g5.12xlarge',
        }),
      ],
      [
        reconstructedPriceItem({
          instanceType: 'ml.g5.12xlarge',
          usd: '7.10',
          usageType: 'USE1-AsyncInf:ml.g5.12xlarge',
        }),
      ],
    ];
    const quote = await api().getHourlyPrice('us-east-1', 'ml.g5.12xlarge');
    expect(server.requests.map((r) => r.body.NextToken)).toEqual([undefined, '1']);
    expect(quote?.usdPerHour).toBe(7.1);
  });

  it('returns undefined when nothing is listed', async () => {
    expect(await api().getHourlyPrice('us-east-1', 'ml.zz.xlarge')).toBeUndefined();
  });

  it('reports a malformed price list clearly', async () => {
    server.pages = [['{"product": not json']];
    await expect(api().getHourlyPrice('us-east-1', 'ml.g5.xlarge')).rejects.toThrow(
      /unusable price list: PriceList\[0\] is not valid JSON/,
    );
  });

  it('surfaces a server error', async () => {
    server.failWith = 500;
    await expect(api().getHourlyPrice('us-east-1', 'ml.g5.xlarge')).rejects.toThrow();
  });
});

describe('selectHourlyPrice', () => {
  const good = reconstructedPriceItem({
    instanceType: 'ml.g5.xlarge',
    usd: '1.4084000000',
    usageType: 'USE1-Host:ml.g5.xlarge',
  });

  it('skips a broken item when another one gives a price', () => {
    expect(selectHourlyPrice(['nope', good], 'ml.g5.xlarge')?.usdPerHour).toBe(1.4084);
  });

  it('rejects a price that is not a number', () => {
    const bad = good.replace('"1.4084000000"', '"N/A"');
    expect(() => selectHourlyPrice([bad], 'ml.g5.xlarge')).toThrow(PriceListFormatError);
    expect(() => selectHourlyPrice([bad], 'ml.g5.xlarge')).toThrow(
      /USE1-Host:ml.g5.xlarge has a price that is not a number: "N\/A"/,
    );
  });

  it('ignores products of another instance type and non-instance usage types', () => {
    const other = reconstructedPriceItem({
      instanceType: 'ml.g5.2xlarge',
      usd: '1.515',
      usageType: 'USE1-Host:ml.g5.2xlarge',
    });
    const volume = reconstructedPriceItem({
      instanceType: 'ml.g5.xlarge',
      usd: '0.14',
      usageType: 'USE1-Host:VolumeUsage.gp2',
    });
    expect(selectHourlyPrice([other, volume], 'ml.g5.xlarge')).toBeUndefined();
  });

  it('accepts already-parsed documents and String objects', () => {
    expect(selectHourlyPrice([JSON.parse(good)], 'ml.g5.xlarge')?.usdPerHour).toBe(1.4084);
    expect(selectHourlyPrice([new String(good)], 'ml.g5.xlarge')?.usdPerHour).toBe(1.4084);
  });
});
