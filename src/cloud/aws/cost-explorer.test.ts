// The real SDK Cost Explorer client against a loopback server replaying GetCostAndUsage answers from
// test/fixtures/cost-explorer/.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startCostExplorerServer,
  type CostExplorerServer,
} from '../../../test/support/cost-explorer-server.js';
import { ApiCallCounter } from '../types.js';
import { createCostExplorerBilling, tagValue } from './cost-explorer.js';

let server: CostExplorerServer;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

beforeAll(async () => {
  server = await startCostExplorerServer();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const billing = (observer?: ApiCallCounter) =>
  createCostExplorerBilling({
    region: 'us-east-1',
    endpoint: server.url,
    credentials,
    maxAttempts: 1,
    ...(observer ? { observer } : {}),
  });

describe('createCostExplorerBilling (loopback GetCostAndUsage)', () => {
  it('asks for daily SageMaker cost and usage in the region, grouped by usage type and endpoint tag', async () => {
    server.answer = () => 'march-01-03.json';
    const got = await billing().fetchDaily('2026-03-01', '2026-03-04');
    const req = server.requests[0]!;
    expect(req.target).toBe('AWSInsightsIndexService.GetCostAndUsage');
    expect(req.body).toEqual({
      TimePeriod: { Start: '2026-03-01', End: '2026-03-04' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost', 'UsageQuantity'],
      Filter: {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['Amazon SageMaker'] } },
          { Dimensions: { Key: 'REGION', Values: ['us-east-1'] } },
        ],
      },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
        { Type: 'TAG', Key: 'sagezero:endpoint' },
      ],
    });
    expect(got.days).toEqual([
      { day: '2026-03-01', estimated: true },
      { day: '2026-03-02', estimated: true },
      { day: '2026-03-03', estimated: true },
    ]);
    expect(got.rows.filter((r) => r.day === '2026-03-01')).toEqual([
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
        usageType: 'USE1-AsyncInf:ml.g5.xlarge',
        tag: '',
        costUsd: 36,
        usageQuantity: 24,
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
    ]);
  });

  it('follows NextPageToken and merges a day split across pages; every page is a counted request', async () => {
    server.answer = (r) =>
      r.body.NextPageToken ? 'february-closed-page2.json' : 'february-closed-page1.json';
    const counter = new ApiCallCounter();
    const got = await billing(counter).fetchDaily('2026-02-26', '2026-03-01');
    expect(server.requests.map((r) => r.body.NextPageToken)).toEqual([
      undefined,
      'AQAAAHsiUGFnZSI6Mn0EXAMPLE',
    ]);
    // The second page repeats the first page's time period with the rest of its groups.
    expect(server.requests[1]!.body.TimePeriod).toEqual({ Start: '2026-02-26', End: '2026-03-01' });
    expect(got.days).toEqual([
      { day: '2026-02-26', estimated: false },
      { day: '2026-02-27', estimated: false },
      { day: '2026-02-28', estimated: false },
    ]);
    expect(got.rows.filter((r) => r.day === '2026-02-27').map((r) => [r.usageType, r.costUsd])).toEqual([
      ['USE1-AsyncInf:ml.g5.xlarge', 35.25],
      ['USE1-Host:VolumeUsage.gp2', 0.42],
    ]);
    expect(counter.calls.map((c) => `${c.service}:${c.operation}:${c.mutating}`)).toEqual([
      'ce:GetCostAndUsage:false',
      'ce:GetCostAndUsage:false',
    ]);
  });

  it('names the operation and the error code when Cost Explorer refuses', async () => {
    server.answer = () => {
      throw new Error('Start date is after end date');
    };
    await expect(billing().fetchDaily('2026-03-04', '2026-03-01')).rejects.toThrow(
      /Cost Explorer GetCostAndUsage \(2026-03-04 to 2026-03-01\) failed: ValidationException: Start date is after end date/,
    );
  });

  it('reads the tag value out of a tag group key', () => {
    expect(tagValue('sagezero:endpoint$llm')).toBe('llm');
    expect(tagValue('sagezero:endpoint$')).toBe('');
    expect(tagValue('sagezero:endpoint$a$b')).toBe('a$b');
  });
});
