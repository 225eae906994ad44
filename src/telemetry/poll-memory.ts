// What the daemon's telemetry remembers between polls, so that DescribeEndpoint is called once per
// change rather than once per endpoint per minute (issue 14: at 1,000 endpoints the per-minute pattern
// is ~33 DescribeEndpoint a second, far beyond SageMaker's throttling limits).
//
// Each poll first makes two namespace-wide reads, whatever the number of endpoints:
// - ListEndpoints (100 per page): every endpoint's status. A status change (Updating, Failed,
//   Deleting...) or an endpoint missing from the list is a reason to describe it.
// - DescribeScalingActivities for the sagemaker namespace, no ResourceId (newest first, stopped at
//   the last read): a new activity, or one whose status moved, is a capacity change in the making.
// An endpoint is described when one of those says so, when it was never described by this process,
// every SETTLING_REFRESH_MS while its last description showed something moving (desired ≠ current
// instances), and at least every REFRESH_MS in any case, so a change neither read shows is seen
// within that time. Instance transitions are timed from the scaling activities, not from the poll
// that noticed them, so fewer describes cost no precision in the report.
import type {
  Cloud,
  EndpointState,
  EndpointStatus,
  ScalableResourceId,
  ScalingActivity,
} from '../cloud/types.js';

/** Longest time an endpoint goes undescribed (changes that neither namespace read shows). */
export const REFRESH_MS = 3600_000;
/** Longest time a moving endpoint (desired ≠ current instances, not InService) goes undescribed. */
export const SETTLING_REFRESH_MS = 5 * 60_000;
/**
 * Activities are re-read this far before the previous read: AWS records an activity's StartTime when
 * it began, which can be a little before it becomes visible to DescribeScalingActivities.
 */
export const ACTIVITY_OVERLAP_MS = 10 * 60_000;

interface Seen {
  state: EndpointState | undefined;
  describedAt: number;
  /** `${activityId}:${statusCode}` of the activities of this endpoint seen at the last describe. */
  activities: Set<string>;
}

/** One poll's namespace-wide view, and the per-endpoint decision it supports. */
export interface ChangeHints {
  /**
   * The endpoint's last description when nothing says it changed; undefined: describe it. A
   * real-time endpoint passes its components' resources too: their copies' scaling is what moves
   * its instances (managed instance scaling has no activity of its own).
   */
  unchanged(
    endpoint: string,
    resourceId: ScalableResourceId | readonly ScalableResourceId[],
    now: number,
  ): { state: EndpointState | undefined } | undefined;
  /** Records a fresh description. */
  described(
    endpoint: string,
    resourceId: ScalableResourceId | readonly ScalableResourceId[],
    state: EndpointState | undefined,
    now: number,
  ): void;
  /** The activities of one scalable resource from the namespace-wide read. */
  activities(resourceId: ScalableResourceId): ScalingActivity[];
}

export class PollMemory {
  private readonly seen = new Map<string, Seen>();
  private activitiesReadAt: number | undefined;
  /** Start of the oldest activity seen still Pending/InProgress: reads reach back to it until it ends. */
  private oldestInFlight: number | undefined;

  /** The two namespace-wide reads of one poll. */
  async read(cloud: Cloud, now: number): Promise<ChangeHints> {
    const statuses = new Map<string, EndpointStatus>(
      (await cloud.listEndpoints()).map((e) => [e.name, e.status]),
    );
    let since = (this.activitiesReadAt ?? now) - ACTIVITY_OVERLAP_MS;
    if (this.oldestInFlight !== undefined) since = Math.min(since, this.oldestInFlight);
    const byResource = new Map<ScalableResourceId, ScalingActivity[]>();
    let oldestInFlight: number | undefined;
    for (const a of await cloud.listAllScalingActivities(since)) {
      const list = byResource.get(a.resourceId) ?? [];
      list.push(a);
      byResource.set(a.resourceId, list);
      if (inFlight(a)) oldestInFlight = Math.min(oldestInFlight ?? a.startTime, a.startTime);
    }
    this.activitiesReadAt = now;
    this.oldestInFlight = oldestInFlight;
    const keys = (resourceIds: ScalableResourceId | readonly ScalableResourceId[]): Set<string> =>
      new Set(
        (typeof resourceIds === 'string' ? [resourceIds] : resourceIds).flatMap((id) =>
          (byResource.get(id) ?? []).map((a) => `${a.activityId}:${a.statusCode}`),
        ),
      );

    return {
      unchanged: (endpoint, resourceId, at) => {
        const seen = this.seen.get(endpoint);
        if (!seen || at - seen.describedAt >= REFRESH_MS) return undefined;
        const status = statuses.get(endpoint);
        // Known missing and still absent from the list: no news. Listed again: re-created, describe.
        if (!seen.state) return status === undefined ? { state: undefined } : undefined;
        // Absent from ListEndpoints: confirm with DescribeEndpoint before recording a deletion, which
        // ends the endpoint's life in the report.
        if (status === undefined) return undefined;
        if (status !== seen.state.status) return undefined;
        // Moving (booting or draining instances): its end shows as a status change in the list or as
        // its scaling activity's status moving, which the checks here catch; a describe every few
        // minutes covers a change neither shows.
        if (settling(seen.state) && at - seen.describedAt >= SETTLING_REFRESH_MS) return undefined;
        for (const k of keys(resourceId)) if (!seen.activities.has(k)) return undefined;
        return { state: seen.state };
      },
      described: (endpoint, resourceId, state, at) => {
        this.seen.set(endpoint, { state, describedAt: at, activities: keys(resourceId) });
      },
      activities: (resourceId) => byResource.get(resourceId) ?? [],
    };
  }
}

function inFlight(a: ScalingActivity): boolean {
  return a.statusCode === 'Pending' || a.statusCode === 'InProgress';
}

/** Something is still moving: the next poll must look again. */
function settling(state: EndpointState): boolean {
  if (state.status !== 'InService') return true;
  return state.variants.some((v) => v.desiredInstanceCount !== v.currentInstanceCount);
}
