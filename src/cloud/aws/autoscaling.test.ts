// Scaling-activity paging against a loopback server speaking Application Auto Scaling's JSON
// protocol (moto does not implement DescribeScalingActivities, so this is where paging is proven).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoScalingOps } from './autoscaling.js';
import { createContext } from './call.js';
import { createClients } from './clients.js';

const resourceId = 'endpoint/ep/variant/AllTraffic';
const activity = (id: string, startSeconds: number, description: string) => ({
  ActivityId: id,
  ServiceNamespace: 'sagemaker',
  ResourceId: resourceId,
  ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
  Description: description,
  Cause: 'monitor alarm in state ALARM triggered policy wake',
  StartTime: startSeconds,
  StatusCode: 'Successful',
});

/** Newest first, as AWS pages them. */
const PAGES: Record<string, { ScalingActivities: unknown[]; NextToken?: string }> = {
  first: {
    ScalingActivities: [
      activity('a5', 5000, 'Setting desired instance count to 0.'),
      activity('a4', 4000, 'Setting desired instance count to 2.'),
    ],
    NextToken: 'second',
  },
  second: {
    ScalingActivities: [
      activity('a3', 3000, 'Setting desired instance count to 1.'),
      activity('a1', 1000, 'Setting desired instance count to 0.'),
    ],
    NextToken: 'third',
  },
  third: { ScalingActivities: [activity('a0', 500, 'Setting desired instance count to 1.')] },
};

let server: Server;
let endpoint: string;
const requests: { target: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ target: String(req.headers['x-amz-target'] ?? ''), body });
      const page = PAGES[typeof body.NextToken === 'string' ? body.NextToken : 'first'];
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(page));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function ops() {
  const clients = createClients({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
  });
  return autoScalingOps(createContext(clients, 'us-east-1', endpoint, []));
}

describe('listScalingActivities', () => {
  it('pages newest-first and stops at the page that reaches back past `since`', async () => {
    requests.length = 0;
    const activities = await ops().listScalingActivities(resourceId, 2_000_000);
    expect(activities.map((a) => [a.activityId, a.startTime, a.desiredCapacity])).toEqual([
      ['a5', 5_000_000, 0],
      ['a4', 4_000_000, 2],
      ['a3', 3_000_000, 1],
    ]);
    // The third page is never asked for: the second already went back past `since`.
    expect(requests.map((r) => r.body.NextToken)).toEqual([undefined, 'second']);
    expect(requests[0]).toEqual({
      target: 'AnyScaleFrontendService.DescribeScalingActivities',
      body: {
        ServiceNamespace: 'sagemaker',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        ResourceId: resourceId,
      },
    });
  });

  it('reads every page when `since` is older than all of them', async () => {
    requests.length = 0;
    const activities = await ops().listScalingActivities(resourceId, 0);
    expect(activities.map((a) => a.activityId)).toEqual(['a5', 'a4', 'a3', 'a1', 'a0']);
    expect(requests).toHaveLength(3);
  });
});
