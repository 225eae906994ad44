// Serves the hand-made AWS history of test/fixtures/aws-history/ (not recorded from an account; see its
// README) to the real SDK clients, as the three APIs would have answered at the test clock's "now":
// - SageMaker DescribeEndpoint / ListTags and Application Auto Scaling DescribeScalingActivities on
//   the loopback AWS JSON 1.1 server (test/support/aws-json-server.ts);
// - CloudWatch through moto: each minute's datapoint is put into moto (PutMetricData, the minute's
//   timestamp) once the fixture's publication lag has passed, and the poll's GetMetricData is moto's
//   own answer (its period aggregation, statistics, time range and paging).
// The fixture holds the answers as they read after the window (every activity Successful, the endpoint
// at rest); earlier views are derived from the activities with the rules below, stated so a reader
// can check them against the AWS documentation cited in the fixture README.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { ROOT } from '../support/cli.js';
import { AwsJsonError, startAwsJsonServer, type AwsJsonServer } from '../support/aws-json-server.js';

const DIR = path.join(ROOT, 'test/fixtures/aws-history');

interface FixtureActivity {
  ActivityId: string;
  ResourceId: string;
  Description: string;
  StartTime: string;
  EndTime?: string;
  StatusCode: string;
  StatusMessage?: string;
  [k: string]: unknown;
}

interface FixtureQuery {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
  };
}

interface FixtureResult {
  Id: string;
  Timestamps: string[];
  Values: number[];
}

function read<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as T;
}

/** AWS JSON 1.1 sends timestamps as epoch seconds (fractions allowed). */
const epochSeconds = (iso: string): number => Date.parse(iso) / 1000;

export interface AwsHistory {
  /** The loopback SageMaker + Application Auto Scaling endpoint. */
  url: string;
  server: AwsJsonServer;
  /** Puts into moto every datapoint published by `now`; returns how many it put. */
  publishMetrics(now: number): Promise<number>;
  close(): Promise<void>;
}

export async function startAwsHistory(opts: {
  now: () => number;
  motoEndpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  publicationLagSeconds: number;
}): Promise<AwsHistory> {
  const endpoint = read<Record<string, unknown> & { EndpointName: string; CreationTime: string }>(
    'describe-endpoint.json',
  );
  const activities = read<{ ScalingActivities: FixtureActivity[] }>(
    'describe-scaling-activities.json',
  ).ScalingActivities;
  const metrics = read<{ MetricDataQueries: FixtureQuery[]; MetricDataResults: FixtureResult[] }>(
    'get-metric-data.json',
  );
  const countOf = (a: FixtureActivity): number => {
    const m = /Setting desired instance count to (\d+)\./.exec(a.Description);
    if (!m) throw new Error(`fixture activity ${a.ActivityId}: no count in "${a.Description}"`);
    return Number(m[1]);
  };
  const started = (t: number): FixtureActivity[] => activities.filter((a) => Date.parse(a.StartTime) <= t);

  // An activity in progress has no EndTime and no outcome yet.
  const asOf = (a: FixtureActivity, t: number): Record<string, unknown> => {
    const done = a.EndTime !== undefined && Date.parse(a.EndTime) <= t;
    const { EndTime, StatusMessage, ...rest } = a;
    return {
      ...rest,
      StartTime: epochSeconds(a.StartTime),
      ...(done
        ? { EndTime: epochSeconds(EndTime as string), StatusCode: a.StatusCode, StatusMessage }
        : { StatusCode: 'InProgress' }),
    };
  };

  // DesiredInstanceCount moves when an activity starts and CurrentInstanceCount when it ends (a variant
  // is Updating in between: ProductionVariantSummary, "if ... the endpoint status is Updating, you get
  // different desired and current values"). Before the first activity the variant is at the counts
  // the fixture's DescribeEndpoint ends with.
  const describeAt = (t: number): Record<string, unknown> => {
    const final = (endpoint.ProductionVariants as Record<string, unknown>[])[0] as Record<string, unknown>;
    const seen = started(t); // newest first
    const newestStarted = seen[0];
    const newestEnded = seen.find((a) => a.EndTime !== undefined && Date.parse(a.EndTime) <= t);
    const desired = newestStarted ? countOf(newestStarted) : (final.DesiredInstanceCount as number);
    const current = newestEnded ? countOf(newestEnded) : (final.CurrentInstanceCount as number);
    const updating = newestStarted !== undefined && newestStarted !== newestEnded;
    const modified = Math.max(
      Date.parse(endpoint.CreationTime),
      ...seen.map((a) => Date.parse(a.StartTime)),
      ...(newestEnded?.EndTime ? [Date.parse(newestEnded.EndTime)] : []),
    );
    const variant: Record<string, unknown> = {
      ...final,
      DesiredInstanceCount: desired,
      CurrentInstanceCount: current,
    };
    const images = final.DeployedImages as Record<string, unknown>[] | undefined;
    if (images)
      variant.DeployedImages = images.map((i) => ({
        ...i,
        ResolutionTime: epochSeconds(i.ResolutionTime as string),
      }));
    return {
      ...endpoint,
      ProductionVariants: [variant],
      EndpointStatus: updating ? 'Updating' : 'InService',
      CreationTime: epochSeconds(endpoint.CreationTime),
      LastModifiedTime: modified / 1000,
    };
  };

  const PAGE = 50; // DescribeScalingActivities' default and largest MaxResults
  const server = await startAwsJsonServer((req) => {
    const now = opts.now();
    switch (req.target) {
      case 'SageMaker.DescribeEndpoint':
        if (req.body.EndpointName !== endpoint.EndpointName)
          throw new AwsJsonError(
            'ValidationException',
            `Could not find endpoint "${String(req.body.EndpointName)}".`,
          );
        return describeAt(now);
      case 'SageMaker.ListTags':
        return { Tags: [] };
      case 'AnyScaleFrontendService.DescribeScalingActivities': {
        if (req.body.ServiceNamespace !== 'sagemaker')
          throw new AwsJsonError('ValidationException', 'ServiceNamespace must be sagemaker here');
        const id = req.body.ResourceId;
        const list = started(now).filter((a) => id === undefined || a.ResourceId === id);
        const from = Number(req.body.NextToken ?? 0);
        const size = Math.min(PAGE, Number(req.body.MaxResults ?? PAGE));
        const page = list.slice(from, from + size).map((a) => asOf(a, now));
        return from + size < list.length
          ? { ScalingActivities: page, NextToken: String(from + size) }
          : { ScalingActivities: page };
      }
      default:
        throw new Error(`the AWS history fixture does not answer ${req.target}`);
    }
  });

  const cw = new CloudWatchClient({
    region: opts.region,
    endpoint: opts.motoEndpoint,
    credentials: opts.credentials,
  });
  const pending: { publishAt: number; namespace: string; datum: MetricDatum }[] = [];
  for (const r of metrics.MetricDataResults) {
    const q = metrics.MetricDataQueries.find((x) => x.Id === r.Id);
    if (!q) throw new Error(`fixture result ${r.Id} has no query`);
    const m = q.MetricStat.Metric;
    r.Timestamps.forEach((ts, i) => {
      const minute = Date.parse(ts);
      pending.push({
        publishAt: minute + 60_000 + opts.publicationLagSeconds * 1000,
        namespace: m.Namespace,
        datum: {
          MetricName: m.MetricName,
          Dimensions: m.Dimensions,
          Timestamp: new Date(minute),
          Value: r.Values[i],
        },
      });
    });
  }
  pending.sort((a, b) => a.publishAt - b.publishAt);
  let next = 0;

  return {
    url: server.url,
    server,
    async publishMetrics(now: number): Promise<number> {
      const due: (typeof pending)[number][] = [];
      while (next < pending.length && (pending[next] as (typeof pending)[number]).publishAt <= now)
        due.push(pending[next++] as (typeof pending)[number]);
      // PutMetricData takes up to 1,000 datums of one namespace per call.
      for (let i = 0; i < due.length; i += 1000) {
        const batch = due.slice(i, i + 1000);
        await cw.send(
          new PutMetricDataCommand({ Namespace: batch[0]!.namespace, MetricData: batch.map((d) => d.datum) }),
        );
      }
      return due.length;
    },
    async close() {
      cw.destroy();
      await server.close();
    },
  };
}
