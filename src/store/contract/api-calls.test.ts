// The AWS API call counters' contract, on SQLite and on PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendTitle, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../types.js';

const M = 60_000;

for (const b of storeBackends()) {
  describe.skipIf(b.skipReason !== '')(`api calls on ${backendTitle(b)}`, () => {
    let s: Store;
    beforeEach(async () => {
      s = await b.open();
    });
    afterEach(() => s.close());
    const errorMinutes = async (since: number) =>
      (await s.apiCalls.callMinutes(since)).filter((m) => m.failed).map((m) => m.minute);
    afterAll(() => b.dispose());

    it('counts api calls in totals and per minute', async () => {
      await s.apiCalls.record({ service: 'sagemaker', operation: 'DescribeEndpoint', ok: true }, 60_000);
      await s.apiCalls.record({ service: 'sagemaker', operation: 'DescribeEndpoint', ok: true }, 61_000);
      await s.apiCalls.record(
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, errorCode: 'Throttling' },
        180_000,
      );
      expect(await s.apiCalls.totals()).toEqual([
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, count: 1 },
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: true, count: 2 },
      ]);
      expect(await s.apiCalls.callMinutes(0)).toEqual([
        { minute: 60_000, failed: false },
        { minute: 180_000, failed: true },
      ]);
      await s.apiCalls.prune(120_000);
      expect(await s.apiCalls.since(0)).toEqual([
        { service: 'sagemaker', operation: 'DescribeEndpoint', ok: false, count: 1 },
      ]);
      expect((await s.apiCalls.totals()).reduce((n, t) => n + t.count, 0)).toBe(3);
    });

    it('counts the attempts the SDK retried, by error code, beside the call outcomes', async () => {
      await s.apiCalls.record(
        {
          service: 'cloudwatch',
          operation: 'GetMetricData',
          ok: true,
          retriedErrors: ['Throttling', 'InternalFailure', 'Throttling'],
        },
        60_000,
      );
      await s.apiCalls.record(
        {
          service: 'cloudwatch',
          operation: 'GetMetricData',
          ok: false,
          errorCode: 'Throttling',
          retriedErrors: ['Throttling'],
        },
        120_000,
      );
      expect(await s.apiCalls.retryTotals()).toEqual([
        { service: 'cloudwatch', operation: 'GetMetricData', errorCode: 'InternalFailure', count: 1 },
        { service: 'cloudwatch', operation: 'GetMetricData', errorCode: 'Throttling', count: 3 },
      ]);
      // Retried attempts are not call failures: the call that succeeded stays ok.
      expect(await s.apiCalls.totals()).toEqual([
        { service: 'cloudwatch', operation: 'GetMetricData', ok: false, count: 1 },
        { service: 'cloudwatch', operation: 'GetMetricData', ok: true, count: 1 },
      ]);
      // The call that succeeded after retries leaves its minute clean.
      expect(await s.apiCalls.callMinutes(0)).toEqual([
        { minute: 60_000, failed: false },
        { minute: 120_000, failed: true },
      ]);
    });

    it('marks a minute failed when any of its calls failed', async () => {
      await s.apiCalls.record({ service: 'sagemaker', operation: 'A', ok: true }, M);
      await s.apiCalls.record({ service: 'sagemaker', operation: 'B', ok: false }, M + 30_000);
      await s.apiCalls.record({ service: 'sagemaker', operation: 'A', ok: true }, M + 59_000);
      await s.apiCalls.record({ service: 'sagemaker', operation: 'A', ok: true }, 2 * M);
      expect(await s.apiCalls.callMinutes(0)).toEqual([
        { minute: M, failed: true },
        { minute: 2 * M, failed: false },
      ]);
    });

    it('reads from the start of the minute holding `since`, and prunes only minutes before `before`', async () => {
      const call = (operation: string, ok: boolean) => ({ service: 'sagemaker', operation, ok });
      await s.apiCalls.record(call('A', false), 2 * M - 1);
      await s.apiCalls.record(call('A', false), 2 * M + 5);
      await s.apiCalls.record(call('B', false), 2 * M + 7);
      await s.apiCalls.record(call('A', true), 4 * M);
      await s.apiCalls.record(call('A', false), 5 * M + 59_999);
      // since(2m + 30 s) counts the whole of minute 2, as the per-minute rows cannot split it.
      expect(await s.apiCalls.since(2 * M + 30_000)).toEqual([
        { service: 'sagemaker', operation: 'A', ok: false, count: 2 },
        { service: 'sagemaker', operation: 'A', ok: true, count: 1 },
        { service: 'sagemaker', operation: 'B', ok: false, count: 1 },
      ]);
      expect(await errorMinutes(2 * M + 30_000)).toEqual([2 * M, 5 * M]);
      expect(await errorMinutes(0)).toEqual([M, 2 * M, 5 * M]);
      expect((await s.apiCalls.callMinutes(0)).map((m) => m.minute)).toEqual([M, 2 * M, 4 * M, 5 * M]);
      await s.apiCalls.prune(2 * M);
      expect(await errorMinutes(0)).toEqual([2 * M, 5 * M]);
      // Totals outlive the per-minute rows.
      expect((await s.apiCalls.totals()).reduce((n, t) => n + t.count, 0)).toBe(5);
      expect(await s.apiCalls.since(6 * M)).toEqual([]);
    });

    it('compares fractional and infinite times with minutes as numbers', async () => {
      await s.apiCalls.record({ service: 's', operation: 'o', ok: false }, M);
      await s.apiCalls.record({ service: 's', operation: 'o', ok: false }, 2 * M);
      expect(await errorMinutes(-Infinity)).toEqual([M, 2 * M]);
      expect((await s.apiCalls.since(-Infinity)).map((t) => t.count)).toEqual([2]);
      // Minute 1 is before 1m + 0.5 ms; minute 2 is not.
      await s.apiCalls.prune(M + 0.5);
      expect(await errorMinutes(0)).toEqual([2 * M]);
      await s.apiCalls.prune(Infinity);
      expect(await errorMinutes(-Infinity)).toEqual([]);
    });

    it('orders totals by service, operation and outcome, in byte order', async () => {
      for (const [service, operation] of [
        ['sagemaker', 'describe'],
        ['sagemaker', 'Describe'],
        ['autoscaling', 'X'],
        ['S3', 'GetObject'],
      ]) {
        await s.apiCalls.record({ service: service!, operation: operation!, ok: true }, 0);
      }
      expect((await s.apiCalls.totals()).map((t) => `${t.service}.${t.operation}`)).toEqual([
        'S3.GetObject',
        'autoscaling.X',
        'sagemaker.Describe',
        'sagemaker.describe',
      ]);
    });

    it('loses no count when many calls are recorded at once', async () => {
      const n = 40;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          s.apiCalls.record(
            {
              service: 'sagemaker',
              operation: 'InvokeEndpointAsync',
              ok: i % 4 !== 0,
              retriedErrors: ['Throttling'],
            },
            M + i,
          ),
        ),
      );
      // One in four (i = 0, 4, ..., 36) failed: 10 of 40.
      expect(await s.apiCalls.totals()).toEqual([
        { service: 'sagemaker', operation: 'InvokeEndpointAsync', ok: false, count: 10 },
        { service: 'sagemaker', operation: 'InvokeEndpointAsync', ok: true, count: 30 },
      ]);
      expect(await s.apiCalls.since(0)).toEqual(await s.apiCalls.totals());
      expect(await s.apiCalls.retryTotals()).toEqual([
        { service: 'sagemaker', operation: 'InvokeEndpointAsync', errorCode: 'Throttling', count: n },
      ]);
    });
  });
}
