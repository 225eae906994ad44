// `sagezero audit` against moto: two endpoints created outside sagezero with the AWS SDK directly (an
// always-on async endpoint and a classic real-time one), their CloudWatch history written with
// PutMetricData, and the audit run through its command (flags, JSON output) on the real AWS provider.
// Every call the audit makes goes through an ApiCallCounter: none may change anything.
import { randomUUID } from 'node:crypto';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  type ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import { Command } from 'commander';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { priceOf } from '../../src/audit/cost.js';
import { formatAudit } from '../../src/audit/format.js';
import type { AuditReport } from '../../src/audit/types.js';
import { registerAudit } from '../../src/cli/commands/audit.js';
import type { Output } from '../../src/cli/output.js';
import { createAwsCloud } from '../../src/cloud/aws/index.js';
import { ApiCallCounter, isMutatingOperation } from '../../src/cloud/types.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
// A region no other test file uses, so the audit lists only this file's endpoints.
const region = 'ap-southeast-2';
const run = randomUUID().slice(0, 8);
const ASYNC = `audit-async-${run}`;
const REALTIME = `audit-rt-${run}`;
const role = 'arn:aws:iam::123456789012:role/SageMakerExecution';
const image = '763104351884.dkr.ecr.ap-southeast-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0';
const MIN = 60_000;
const H = 3_600_000;

const sagemaker = new SageMakerClient({ region, endpoint, credentials });
const cloudwatch = new CloudWatchClient({ region, endpoint, credentials });
const counter = new ApiCallCounter();

let createdAt = 0;
let firstMinute = 0;
let now = 0;
let report: AuditReport;
const stderr: string[] = [];

async function createEndpoint(
  name: string,
  instanceType: ProductionVariantInstanceType,
  async: boolean,
): Promise<void> {
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: `${name}-model`,
      PrimaryContainer: { Image: image, ModelDataUrl: `s3://audit-models-${run}/${name}/model.tar.gz` },
      ExecutionRoleArn: role,
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${name}-config`,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: `${name}-model`,
          InstanceType: instanceType,
          InitialInstanceCount: 1,
        },
      ],
      ...(async
        ? { AsyncInferenceConfig: { OutputConfig: { S3OutputPath: `s3://audit-out-${run}/${name}/` } } }
        : {}),
    }),
  );
  await sagemaker.send(
    new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }),
  );
}

/** One datapoint 5 s into minute `m` after the endpoint's first whole minute (moto buckets by minute). */
function datum(name: string, metric: string, m: number, value: number, perVariant: boolean): MetricDatum {
  return {
    MetricName: metric,
    Dimensions: [
      { Name: 'EndpointName', Value: name },
      ...(perVariant ? [{ Name: 'VariantName', Value: 'AllTraffic' }] : []),
    ],
    Timestamp: new Date(firstMinute + m * MIN + 5_000),
    Value: value,
  };
}

async function put(data: MetricDatum[]): Promise<void> {
  for (let i = 0; i < data.length; i += 20)
    await cloudwatch.send(
      new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData: data.slice(i, i + 20) }),
    );
}

beforeAll(async () => {
  await createEndpoint(ASYNC, 'ml.g4dn.xlarge', true);
  await createEndpoint(REALTIME, 'ml.c5.xlarge', false);
  const described = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ASYNC }));
  createdAt = described.CreationTime?.getTime() ?? NaN;
  firstMinute = Math.ceil(createdAt / MIN) * MIN;
  // Three hours of history after creation (moto takes timestamps as given): the audit's clock is set
  // to then, so the endpoints have a life to audit.
  now = firstMinute + 3 * H + 20_000;
  const data: MetricDatum[] = [];
  for (let m = 0; m < 180; m++) {
    // An async endpoint publishes its backlog every minute; it stays empty (served as it arrives).
    data.push(datum(ASYNC, 'ApproximateBacklogSize', m, 0, false));
    // 10 busy minutes: 2 requests each, 8 s of processing.
    if (m >= 30 && m < 40) {
      data.push(datum(ASYNC, 'InvocationsProcessed', m, 2, true));
      data.push(datum(ASYNC, 'TotalProcessingTime', m, 8_000, true));
    }
    // 30 busy minutes of real-time traffic: 1 request a minute, 2 s of model latency.
    if (m >= 60 && m < 90) {
      data.push(datum(REALTIME, 'Invocations', m, 1, true));
      data.push(datum(REALTIME, 'ModelLatency', m, 2_000_000, true));
    }
  }
  await put(data);

  const cloud = createAwsCloud({ region, endpoint, credentials, observer: counter });
  const stdout: string[] = [];
  const out: Output = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false };
  const program = new Command('sagezero').exitOverride();
  registerAudit(program, out, {
    cloud: () => cloud,
    clock: { now: () => now, sleep: async () => undefined },
  });
  await program.parseAsync(['audit', '--region', region, '--since', '3h', '--json'], { from: 'user' });
  report = JSON.parse(stdout.join('\n')) as AuditReport;
  if (process.env.SAGEZERO_PRINT_AUDIT) {
    // The README's example output comes from here.
    process.stdout.write(`${formatAudit(report).join('\n')}\n`);
  }
});

describe('sagezero audit on moto', () => {
  it('lists both endpoints, neither managed by sagezero, with their kind and instances', () => {
    const rows = report.endpoints.filter((e) => e.name === ASYNC || e.name === REALTIME);
    expect(
      rows.map((e) => [e.name, e.kind, e.instanceType, e.instanceCount, e.managedBySagezero]).sort(),
    ).toEqual(
      [
        [ASYNC, 'async', 'ml.g4dn.xlarge', 1, false],
        [REALTIME, 'realtime', 'ml.c5.xlarge', 1, false],
      ].sort(),
    );
    for (const r of rows) expect(r.scaling).toMatchObject({ target: false, reachesZero: false });
  });

  it('measures idle share from the seeded metrics', () => {
    // The window is the 180 whole minutes from the first one after creation to `now`, rounded down.
    const a = report.endpoints.find((e) => e.name === ASYNC);
    const r = report.endpoints.find((e) => e.name === REALTIME);
    expect(a?.traffic).toMatchObject({ minutes: 180, idleMinutes: 170, requests: 20, serviceSeconds: 8 });
    expect(r?.traffic).toMatchObject({ minutes: 180, idleMinutes: 150, requests: 30, serviceSeconds: 2 });
  });

  it('costs the window and recommends a cheaper policy for each', () => {
    for (const name of [ASYNC, REALTIME]) {
      const e = report.endpoints.find((x) => x.name === name);
      if (!e) throw new Error(`${name} not listed`);
      const price = priceOf(region, e.instanceType).usdPerHour as number;
      // Created just before the 3 h window began (at `firstMinute`): one instance the whole window.
      expect(e.window.start).toBe(new Date(firstMinute).toISOString());
      const hours = 3;
      expect(e.current.instanceHours).toBeCloseTo(hours, 9);
      expect(e.current.costUsd).toBeCloseTo(hours * price, 9);
      expect(e.recommended?.policy).toMatch(/instances/);
      expect(e.recommended?.meetsObjective).toBe(true);
      expect(e.recommended?.costUsd).toBeLessThan(e.current.costUsd as number);
      expect(e.leftOnTableUsd).toBeCloseTo(
        (e.current.costUsd as number) - (e.recommended?.costUsd as number),
        9,
      );
    }
    // The g4dn costs 3.6 times the c5 ($0.7364 vs $0.204 an hour) and idles more: it leaves more on the table and comes first.
    expect(report.endpoints.map((e) => e.name).filter((n) => n === ASYNC || n === REALTIME)).toEqual([
      ASYNC,
      REALTIME,
    ]);
  });

  it('makes no mutating call: every call it made is a read', () => {
    expect(counter.mutating()).toEqual([]);
    const ops = new Set(counter.calls.map((c) => c.operation));
    for (const op of ops) expect(isMutatingOperation(op)).toBe(false);
    expect(ops).toContain('GetMetricData');
    expect(ops).toContain('ListEndpoints');
  });

  it('reports progress on stderr, not on stdout', () => {
    expect(stderr).toContain('reading CloudWatch metrics: GetMetricData call 1 of 1');
  });
});
