// The provider's wiring for real-time endpoints, against a loopback server speaking the JSON protocols
// (SageMaker, Application Auto Scaling): answers moto cannot give, a region's refusal of scale to zero
// and DescribeScalingActivities (which moto lacks).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEndpointConfigSpec } from '../types.js';
import { createAwsCloud } from './index.js';

let server: Server;
let endpoint: string;
const requests: { target: string; body: Record<string, unknown> }[] = [];

const activity = (id: string, resourceId: string, dimension: string, description: string) => ({
  ActivityId: id,
  ServiceNamespace: 'sagemaker',
  ResourceId: resourceId,
  ScalableDimension: dimension,
  Description: description,
  Cause: 'monitor alarm in state ALARM triggered policy wake',
  StartTime: 5000,
  StatusCode: 'Successful',
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ target, body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'SageMaker.CreateEndpointConfig') {
        // The shape of SageMaker's validation errors; the wording stands in for the refusal a user
        // reported in eu-west-3 (issue 15), which names the field.
        res.writeHead(400);
        res.end(
          JSON.stringify({
            __type: 'ValidationException',
            message: 'MinInstanceCount 0 is not supported for ManagedInstanceScaling in this region.',
          }),
        );
        return;
      }
      res.writeHead(200);
      res.end(
        JSON.stringify({
          ScalingActivities: [
            activity(
              'ic',
              'inference-component/chat-llm',
              'sagemaker:inference-component:DesiredCopyCount',
              'Setting desired copy count to 1.',
            ),
            activity(
              'v',
              'endpoint/ep/variant/AllTraffic',
              'sagemaker:variant:DesiredInstanceCount',
              'Setting desired instance count to 0.',
            ),
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const cloud = (region: string) =>
  createAwsCloud({
    region,
    endpoint,
    credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
  });

describe('real-time wiring', () => {
  it('says plainly which region refused scale to zero when CreateEndpointConfig is refused', async () => {
    const spec: RealtimeEndpointConfigSpec = {
      kind: 'realtime',
      name: 'chat-3f9a0c1d2e',
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.2xlarge',
      initialInstanceCount: 1,
      executionRoleArn: 'arn:aws:iam::123456789012:role/sm',
      managedScaling: { minInstanceCount: 0, maxInstanceCount: 2 },
      tags: {},
    };
    const err = await cloud('eu-west-3')
      .createEndpointConfig(spec)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'CloudError',
      code: 'ScaleToZeroNotSupportedInRegion',
      retryable: false,
      operation: 'CreateEndpointConfig',
    });
    expect((err as Error).message).toContain(
      'region eu-west-3 refused scale to zero for real-time endpoints',
    );
    expect((err as Error).message).toContain('MinInstanceCount 0 is not supported');
  });

  it('reads every scaling activity of the namespace, variants and inference components alike', async () => {
    requests.length = 0;
    const activities = await cloud('us-east-1').listAllScalingActivities(0);
    expect(activities.map((a) => [a.resourceId, a.desiredCapacity])).toEqual([
      ['inference-component/chat-llm', 1],
      ['endpoint/ep/variant/AllTraffic', 0],
    ]);
    // No ScalableDimension: AWS takes one only with a ResourceId, and one would hide the other kind.
    expect(requests).toEqual([
      {
        target: 'AnyScaleFrontendService.DescribeScalingActivities',
        body: { ServiceNamespace: 'sagemaker' },
      },
    ]);
  });

  it("asks for one component's activities on the copy-count dimension", async () => {
    requests.length = 0;
    await cloud('us-east-1').listScalingActivities('inference-component/chat-llm', 0);
    expect(requests[0]?.body).toEqual({
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      ResourceId: 'inference-component/chat-llm',
    });
  });
});
