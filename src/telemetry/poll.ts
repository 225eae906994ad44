// The telemetry controller's one step: read instance counts and async metrics for every configured
// endpoint into the store, and after a gap (first start, daemon down) rebuild the missing instance
// history from Application Auto Scaling's scaling activities, which reach back six weeks.
//
// With a PollMemory (the daemon keeps one), a poll costs a fixed handful of calls however many
// endpoints there are: one ListEndpoints and one DescribeScalingActivities for the whole sagemaker
// namespace say which endpoints changed, and only those are described (poll-memory.ts).
import type { Clock } from '../clock.js';
import {
  CloudError,
  componentResourceId,
  scalableResourceId,
  type Cloud,
  type EndpointState,
  type ScalingActivity,
} from '../cloud/types.js';
import type { Config } from '../config/load.js';
import { META, type Store } from '../store/index.js';
import { PollMemory, type ChangeHints } from './poll-memory.js';
import { planMetricQueries, toMetricPoints } from './queries.js';
import { pollComponentCopies, type RealtimePollEndpoint } from './realtime.js';

export const DEFAULT_POLL_INTERVAL_MS = 60_000;
/** How far back DescribeScalingActivities reaches. */
export const ACTIVITY_HORIZON_MS = 42 * 24 * 3600_000;
/** One-minute metrics are kept this long (CloudWatch keeps them 15 days; the report needs a month). */
export const METRIC_RETENTION_MS = 35 * 24 * 3600_000;
const API_MINUTE_RETENTION_MS = 7 * 24 * 3600_000;
export const PRUNE_EVERY_MS = 24 * 3600_000;
/** Scale-outs of large models take minutes: look this far before the last poll for activities in flight. */
const ACTIVITY_SLACK_MS = 2 * 3600_000;
/**
 * Re-read this much of what was already read: CloudWatch revises the last few datapoints, and a
 * minute's datapoint can appear minutes after the minute ended ("published with a 1-5 minute
 * latency", grafana/alloy#6518; several minutes of alarm lag reported for SageMaker, see
 * src/cloud/sim/engine.ts, metricDelaySeconds). A datapoint later than this is never read (the
 * minute stays a hole in the store). GetMetricData is priced per metric asked, not per datapoint,
 * and the store leaves an unchanged minute alone, so the margin costs nothing: 15 minutes, three
 * times the latency reported.
 */
export const METRIC_OVERLAP_MS = 15 * 60_000;
/** After a gap, GetMetricData reads at most this far back (the simulated CloudWatch keeps at least this). */
export const METRIC_MAX_LOOKBACK_MS = 3 * 3600_000;

export interface PollContext {
  cloud: Cloud;
  clock: Clock;
  store: Store;
  config: Pick<Config, 'endpoints'> & {
    /** `kind: realtime` endpoints: their variant's instances and their components' copies. */
    realtimeEndpoints?: readonly RealtimePollEndpoint[];
  };
  /** The schedule's interval; a silence longer than two of them is a gap. */
  intervalMs?: number;
  /**
   * Record this poll in the `telemetry` controller's row (default true). The daemon passes false:
   * it records every controller run itself, and counting a failed poll twice would page at half the
   * configured `controllerFailures`.
   */
  recordRun?: boolean;
  /** What earlier polls of this process saw; without it every endpoint is described each poll. */
  memory?: PollMemory;
}

export interface EndpointPoll {
  endpoint: string;
  variant: string;
  instances: number;
  status: EndpointState['status'] | 'Missing';
  /** The endpoint as last described (this poll or, with a PollMemory, an earlier one); undefined: missing. */
  state?: EndpointState;
  /** Whether this poll called DescribeEndpoint for it. */
  described: boolean;
  /** The billed instance count the store held before this poll (undefined: none yet). */
  previous?: number;
  changed: boolean;
  /** Transitions added from scaling activities (backfill or refinement). */
  fromActivities: number;
  gap?: { start: number; end: number };
  error?: string;
}

export interface PollResult {
  at: number;
  endpoints: EndpointPoll[];
  metricPoints: number;
  errors: string[];
}

const lastObservedKey = (endpoint: string): string => `telemetry.lastObservedAt.${endpoint}`;
const METRICS_END_KEY = 'telemetry.metricsReadUntil';
const PRUNE_KEY = 'telemetry.lastPruneAt';

export async function pollOnce(ctx: PollContext): Promise<PollResult> {
  const now = ctx.clock.now();
  const interval = ctx.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const errors: string[] = [];
  const endpoints: EndpointPoll[] = [];

  let hints: ChangeHints | undefined;
  const realtime = ctx.config.realtimeEndpoints ?? [];
  if (ctx.memory && ctx.config.endpoints.length + realtime.length > 0) {
    try {
      hints = await ctx.memory.read(ctx.cloud, now);
    } catch (err) {
      // Without the namespace-wide view this poll describes every endpoint, as without a memory.
      errors.push(`change detection: ${errorMessage(err)}`);
    }
  }

  for (const e of ctx.config.endpoints) {
    try {
      endpoints.push(await pollEndpoint(ctx, e.name, e.variantName, now, interval, hints));
    } catch (err) {
      const msg = `${e.name}: ${errorMessage(err)}`;
      errors.push(msg);
      endpoints.push({
        endpoint: e.name,
        variant: e.variantName,
        instances: -1,
        status: 'Missing',
        described: false,
        changed: false,
        fromActivities: 0,
        error: msg,
      });
    }
  }

  for (const e of realtime) {
    try {
      const components = e.components.map((c) => componentResourceId(c.componentName));
      const poll = await pollEndpoint(ctx, e.name, e.variantName, now, interval, hints, components);
      endpoints.push(poll);
      // Copies move only with their own scaling activities, which make the endpoint described.
      if (poll.described) await pollComponentCopies(ctx.cloud, ctx.store, e, now);
    } catch (err) {
      const msg = `${e.name}: ${errorMessage(err)}`;
      errors.push(msg);
      endpoints.push({
        endpoint: e.name,
        variant: e.variantName,
        instances: -1,
        status: 'Missing',
        described: false,
        changed: false,
        fromActivities: 0,
        error: msg,
      });
    }
  }

  let metricPoints = 0;
  try {
    metricPoints = await pollMetrics(ctx, now);
  } catch (err) {
    errors.push(`metrics: ${errorMessage(err)}`);
  }

  await ctx.store.transaction(async () => {
    const record = ctx.recordRun ?? true;
    if (errors.length === 0) {
      await ctx.store.meta.set(META.lastPollAt, String(now), now);
      if (record) await ctx.store.controllers.ok('telemetry', now);
    } else if (record) {
      await ctx.store.controllers.error('telemetry', now, errors.join('; '));
    }
    const lastPrune = (await ctx.store.meta.getNumber(PRUNE_KEY)) ?? 0;
    // Daily: the DELETE by minute scans the whole metric table (35 days of every endpoint's minutes,
    // no index on the minute alone); hourly it grew to a tenth of a simulated fleet's CPU, and a day
    // more of retention costs nothing.
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      await ctx.store.metrics.prune(now - METRIC_RETENTION_MS);
      await ctx.store.apiCalls.prune(now - API_MINUTE_RETENTION_MS);
      await ctx.store.meta.set(PRUNE_KEY, String(now), now);
    }
  });
  return { at: now, endpoints, metricPoints, errors };
}

async function pollEndpoint(
  ctx: PollContext,
  name: string,
  variant: string,
  now: number,
  interval: number,
  hints: ChangeHints | undefined,
  /** Resources whose scaling activities move this endpoint besides its variant (components). */
  alsoWatch: readonly string[] = [],
): Promise<EndpointPoll> {
  const { cloud, store } = ctx;
  const lastObserved = await store.meta.getNumber(lastObservedKey(name));
  const gap = lastObserved === undefined || now - lastObserved > 2 * interval;
  const resourceId = scalableResourceId(name, variant);
  const watched = alsoWatch.length > 0 ? [resourceId, ...alsoWatch] : resourceId;

  const known = gap || !hints ? undefined : hints.unchanged(name, watched, now);
  const described = known === undefined;
  const state = known ? known.state : await cloud.getEndpoint(name);
  if (described && hints) hints.described(name, watched, state, now);
  const v = state?.variants.find((x) => x.variantName === variant) ?? state?.variants[0];
  // Billed instances: booting ones (desired above current) bill, and so do draining ones (current
  // above desired), so the larger of the two is what costs money.
  const observed = state && v ? Math.max(v.currentInstanceCount, v.desiredInstanceCount) : 0;
  const prev = await store.instances.latest(name, variant);
  const changed = prev === undefined || prev.count !== observed;

  let activities: ScalingActivity[] = [];
  if (state && hints && !gap) {
    // The namespace-wide read already holds this endpoint's recent activities; they are news only
    // when they made this poll describe the endpoint (a new activity, or a status that moved).
    if (described) activities = hints.activities(resourceId);
  } else if (state && (gap || changed)) {
    const since =
      lastObserved === undefined
        ? now - ACTIVITY_HORIZON_MS
        : Math.max(now - ACTIVITY_HORIZON_MS, lastObserved - ACTIVITY_SLACK_MS);
    activities = await cloud.listScalingActivities(resourceId, since);
  }
  // The endpoint's first instances come from its creation, not from a scaling activity. So do those
  // of an endpoint re-created after a recorded deletion (a new life).
  const newLife =
    prev === undefined || (prev.source === 'deleted' && state !== undefined && state.createdAt > prev.at);
  let initialCount: number | undefined;
  if (state && newLife && state.createdAt > now - ACTIVITY_HORIZON_MS && state.createdAt <= now) {
    initialCount = (await cloud.getEndpointConfig(state.configName))?.initialInstanceCount;
  }

  let fromActivities = 0;
  await store.transaction(async () => {
    let last = prev;
    if (state && initialCount !== undefined) {
      await store.instances.insert({
        endpoint: name,
        variant,
        at: state.createdAt,
        count: initialCount,
        source: 'created',
      });
      last = await store.instances.latest(name, variant);
    }
    for (const a of activities) {
      const rec = {
        activityId: a.activityId,
        endpoint: name,
        variant,
        startTime: a.startTime,
        status: a.statusCode,
        description: a.description,
        cause: a.cause,
      };
      await store.activities.upsert({
        ...rec,
        ...(a.endTime !== undefined ? { endTime: a.endTime } : {}),
        ...(a.desiredCapacity !== undefined ? { desiredCount: a.desiredCapacity } : {}),
      });
    }
    // Activities time the changes more exactly than the poll that noticed them. A scale-out counts
    // from its start (instances bill from launch, through their boot), a scale-in from its end (when
    // the instances were gone). Only history newer than what the store holds is added, so an older
    // activity never contradicts a transition already recorded.
    let running = last?.count;
    let lastAt = last?.at ?? -Infinity;
    const changes = activities
      .filter(
        (a): a is ScalingActivity & { desiredCapacity: number } =>
          a.desiredCapacity !== undefined && (a.statusCode === 'Successful' || a.statusCode === 'InProgress'),
      )
      .sort((a, b) => a.startTime - b.startTime);
    for (const a of changes) {
      if (a.desiredCapacity === running) continue;
      const up = running === undefined || a.desiredCapacity > running;
      if (!up && a.statusCode !== 'Successful') continue;
      const at = up ? a.startTime : (a.endTime ?? a.startTime);
      if (at <= lastAt || at > now) continue;
      const t = {
        endpoint: name,
        variant,
        at,
        count: a.desiredCapacity,
        source: 'activity' as const,
        activityId: a.activityId,
      };
      if (await store.instances.insert(t)) {
        fromActivities++;
        running = a.desiredCapacity;
        lastAt = at;
      }
    }
    if (!state) {
      // DescribeEndpoint says the endpoint does not exist: its life ends here (timed by this poll,
      // so up to one interval late), once. An endpoint never seen to exist records nothing: it has
      // no life yet, and the report's always-on baseline must not start for it.
      if (prev !== undefined && prev.source !== 'deleted') {
        await store.instances.insert({ endpoint: name, variant, at: now, count: 0, source: 'deleted' });
      }
    } else if (running !== observed) {
      await store.instances.insert({ endpoint: name, variant, at: now, count: observed, source: 'poll' });
    }
    await store.meta.set(lastObservedKey(name), String(now), now);
    await store.meta.setJson(
      META.endpointStatus(name),
      {
        status: state?.status ?? 'Missing',
        instances: v?.currentInstanceCount ?? 0,
        desired: v?.desiredInstanceCount ?? 0,
        billed: observed,
        instanceType: v?.instanceType,
        failureReason: state?.failureReason,
        observedAt: now,
      },
      now,
    );
    // Keyed by endpoint and start: endpoints polled together share a start, each with its own
    // silence (after a kill, the ones the lost poll never reached were silent longer) and count.
    if (gap && lastObserved !== undefined) {
      await store.gaps.record({
        endpoint: name,
        start: lastObserved,
        end: now,
        backfilledTransitions: fromActivities,
      });
    }
  });

  const result: EndpointPoll = {
    endpoint: name,
    variant,
    instances: observed,
    status: state?.status ?? 'Missing',
    ...(state ? { state } : {}),
    described,
    ...(prev ? { previous: prev.source === 'deleted' ? 0 : prev.count } : {}),
    changed,
    fromActivities,
  };
  if (gap && lastObserved !== undefined) result.gap = { start: lastObserved, end: now };
  return result;
}

async function pollMetrics(ctx: PollContext, now: number): Promise<number> {
  if (ctx.config.endpoints.length === 0) return 0;
  const end = Math.floor(now / 60_000) * 60_000;
  const readUntil = await ctx.store.meta.getNumber(METRICS_END_KEY);
  const start = Math.max(end - METRIC_MAX_LOOKBACK_MS, (readUntil ?? end - 3600_000) - METRIC_OVERLAP_MS);
  if (start >= end) return 0;
  const plan = planMetricQueries(ctx.config.endpoints);
  let stored = 0;
  for (const batch of plan.batches) {
    const series = await ctx.cloud.getMetricData(batch, start, end);
    const points = toMetricPoints(series, plan.index);
    await ctx.store.metrics.upsert(points);
    stored += points.length;
  }
  await ctx.store.meta.set(METRICS_END_KEY, String(end), now);
  return stored;
}

function errorMessage(err: unknown): string {
  if (err instanceof CloudError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
