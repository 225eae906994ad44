// The daemon's AWS API budget (issue 14), counted, not timed: `serve` on the simulated cloud with ten
// copies of the demo endpoint (the same traffic each, probed every two hours), every controller
// running, over six simulated hours of the traffic window once all are InService. The goal is at most
// 70 calls per endpoint-hour at 10 endpoints. Before issue 14 the same fleet made about 193, of which
// 129 DescribeEndpoint (telemetry described every endpoint twice a minute): a per-minute describe of
// each endpoint alone would be 60 per endpoint-hour.
import { describe, expect, it } from 'vitest';
import { measureApiCalls } from '../../bench/api-calls.js';

describe('the daemon’s AWS calls at 10 endpoints', () => {
  it('stays within 70 calls per endpoint-hour, DescribeEndpoint well under one a minute', async () => {
    const r = await measureApiCalls(10, 6);
    const controller = Object.fromEntries(r.byController);
    expect(r.callsPerEndpointHour).toBeLessThanOrEqual(70);
    expect(r.describeEndpointPerEndpointHour).toBeLessThan(30);
    // The cheap reconcile: one full check (about nine calls) per endpoint-hour, not six.
    expect(controller['reconcile']).toBeLessThanOrEqual(12);
    // Every endpoint was provisioned together (10 at a time): one creation time, not ten.
    expect(r.provisionMinutes).toBeLessThan(30);
  }, 300_000);
});
