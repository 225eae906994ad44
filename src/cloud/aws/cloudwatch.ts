// CloudWatch: sagezero's own alarms (never the ones Application Auto Scaling owns) and metric data.
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  type MetricAlarm,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmSpec, AlarmState, MetricDataQuery, MetricSeries, Tags } from '../types.js';
import { allPages, attempt, type AwsContext } from './call.js';
import {
  MAX_ALARMS_PER_DELETE,
  MAX_QUERIES_PER_CALL,
  chunk,
  fromMetricAlarm,
  mergeMetricResults,
  toPutMetricAlarmInput,
  toSdkMetricDataQuery,
} from './cloudwatch-mappers.js';
import { fromTagList, toTagList } from './tags.js';
import { mapLimited } from '../../map-limited.js';

const SERVICE = 'cloudwatch';
/** Tag reads run a few at a time: one per alarm, and CloudWatch throttles bursts of them. */
const TAG_READ_CONCURRENCY = 4;

export function cloudWatchOps(ctx: AwsContext) {
  const cw = ctx.clients.cloudwatch;

  async function tagsOf(alarm: MetricAlarm): Promise<Tags> {
    const arn = alarm.AlarmArn;
    if (!arn) return {};
    const out = await attempt(ctx, SERVICE, 'ListTagsForResource', `alarm "${alarm.AlarmName}"`, () =>
      cw.send(new ListTagsForResourceCommand({ ResourceARN: arn })),
    );
    return fromTagList(out.Tags);
  }

  async function describe(
    names: { prefix?: string; exact?: string[] },
    resource: string,
  ): Promise<MetricAlarm[]> {
    return attempt(ctx, SERVICE, 'DescribeAlarms', resource, () =>
      allPages(
        (NextToken) =>
          cw.send(
            new DescribeAlarmsCommand({
              AlarmNamePrefix: names.prefix || undefined,
              AlarmNames: names.exact,
              AlarmTypes: ['MetricAlarm'],
              MaxRecords: 100,
              NextToken,
            }),
          ),
        (p) => p.MetricAlarms,
        (p) => p.NextToken,
      ),
    );
  }

  return {
    async listAlarms(prefix: string): Promise<AlarmState[]> {
      const alarms = await describe({ prefix }, `alarms starting with "${prefix}"`);
      // Emulators may ignore the prefix filter; the port promises only matching names.
      const matching = alarms.filter((a) => (a.AlarmName ?? '').startsWith(prefix));
      return mapLimited(matching, TAG_READ_CONCURRENCY, async (a) => fromMetricAlarm(a, await tagsOf(a)));
    },

    async putAlarm(spec: AlarmSpec): Promise<void> {
      const resource = `alarm "${spec.name}"`;
      await attempt(ctx, SERVICE, 'PutMetricAlarm', resource, async () =>
        cw.send(new PutMetricAlarmCommand(toPutMetricAlarmInput(spec))),
      );
      // PutMetricAlarm applies Tags only when it creates the alarm and ignores them on an update, so
      // they are (re)applied explicitly, to the ARN CloudWatch reports.
      const tags = toTagList(spec.tags);
      if (!tags) return;
      const [alarm] = await describe({ exact: [spec.name] }, resource);
      const arn = alarm?.AlarmArn;
      if (!arn) return;
      await attempt(ctx, SERVICE, 'TagResource', resource, () =>
        cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags })),
      );
    },

    async deleteAlarms(names: string[]): Promise<void> {
      for (const batch of chunk(names, MAX_ALARMS_PER_DELETE)) {
        await attempt(ctx, SERVICE, 'DeleteAlarms', `alarms ${batch.map((n) => `"${n}"`).join(', ')}`, () =>
          cw.send(new DeleteAlarmsCommand({ AlarmNames: batch })),
        );
      }
    },

    async getMetricData(queries: MetricDataQuery[], start: number, end: number): Promise<MetricSeries[]> {
      const wire = queries.map(toSdkMetricDataQuery);
      const results: MetricDataResult[] = [];
      for (const batch of chunk(wire, MAX_QUERIES_PER_CALL)) {
        const resource = `${batch.length} metric queries (${queries[0]?.metricName ?? ''}...)`;
        const pages = await attempt(ctx, SERVICE, 'GetMetricData', resource, () =>
          allPages(
            (NextToken) =>
              cw.send(
                new GetMetricDataCommand({
                  MetricDataQueries: batch,
                  StartTime: new Date(start),
                  EndTime: new Date(end),
                  ScanBy: 'TimestampAscending',
                  NextToken,
                }),
              ),
            (p) => p.MetricDataResults,
            (p) => p.NextToken,
          ),
        );
        results.push(...pages);
      }
      return mergeMetricResults(queries, results);
    },
  };
}
