// Requests waiting on an endpoint with no instance for longer than its wake policy should allow: the
// wake alarm needs periodSeconds x evaluationPeriods of HasBacklogWithoutCapacity, then an instance
// boots. Past that (plus a grace), the endpoint cannot scale out: quota, capacity, a missing scalable
// target, or no wake policy at all.
import type { AlertCondition } from '../types.js';
import { duration, isoMinute } from '../units.js';

const MINUTE = 60_000;
/** CloudWatch publishes a minute 1-3 minutes late: older than this, the series says nothing about now. */
export const FRESHNESS_MS = 5 * MINUTE;

/** A scaling activity as the port or the store has it. */
export interface ActivityLike {
  startTime: number;
  statusCode?: string;
  status?: string;
  description: string;
  cause: string;
}

export interface BacklogRuleInput {
  endpoint: string;
  /** HasBacklogWithoutCapacity per minute (Average: 0 or 1), any order. */
  series: readonly { minute: number; value: number }[];
  wake: { periodSeconds: number; evaluationPeriods: number } | false;
  /** Expected time from scale-out to InService. */
  bootSeconds: number;
  graceMinutes: number;
  now: number;
  /** Recent scaling activities, to quote a failed scale-out's reason. */
  activities?: readonly ActivityLike[];
}

/** Length in minutes of the run of minutes with backlog and no capacity that ends at the latest minute. */
export function trailingBacklogMinutes(
  series: readonly { minute: number; value: number }[],
  now: number,
): { minutes: number; since?: number } {
  const sorted = [...series].sort((a, b) => a.minute - b.minute);
  const last = sorted[sorted.length - 1];
  if (!last || last.value <= 0 || now - last.minute > FRESHNESS_MS) return { minutes: 0 };
  let first = last;
  for (let i = sorted.length - 2; i >= 0; i--) {
    const p = sorted[i]!;
    // A missing minute breaks the run: without data it cannot be counted as waiting.
    if (p.value <= 0 || first.minute - p.minute > MINUTE) break;
    first = p;
  }
  return { minutes: (last.minute - first.minute) / MINUTE + 1, since: first.minute };
}

export function allowedBacklogMinutes(
  input: Pick<BacklogRuleInput, 'wake' | 'bootSeconds' | 'graceMinutes'>,
): number {
  const wake = input.wake ? (input.wake.periodSeconds * input.wake.evaluationPeriods) / 60 : 0;
  return wake + input.bootSeconds / 60 + input.graceMinutes;
}

export function backlogWithoutCapacity(input: BacklogRuleInput): AlertCondition | undefined {
  const run = trailingBacklogMinutes(input.series, input.now);
  const allowed = allowedBacklogMinutes(input);
  if (run.minutes <= allowed || run.since === undefined) return undefined;
  const failed = [...(input.activities ?? [])]
    .filter((a) => ['Failed', 'Unfulfilled'].includes(a.statusCode ?? a.status ?? ''))
    .sort((a, b) => b.startTime - a.startTime)[0];
  const facts = [
    { label: 'Waiting with no capacity', value: duration(run.minutes * 60) },
    { label: 'Since', value: isoMinute(run.since) },
    { label: 'Wake policy allows', value: duration(allowed * 60) },
    {
      label: 'Wake policy',
      value: input.wake
        ? `${input.wake.evaluationPeriods} x ${input.wake.periodSeconds}s of backlog, then boot (~${duration(input.bootSeconds)})`
        : 'none',
    },
  ];
  if (failed)
    facts.push({
      label: `Last scaling activity (${failed.statusCode ?? failed.status})`,
      value: `${failed.description} ${failed.cause}`.slice(0, 300),
    });
  const action = !input.wake
    ? 'This endpoint has no wake policy: with 0 instances, target tracking alone never wakes it for a small backlog. Add scaling.wake or use preset: aws-recommended, then sagezero apply.'
    : 'The endpoint is not scaling out. Check its scaling activities for InsufficientCapacity or ResourceLimitExceeded (raise the Service Quota for this instance type for endpoint usage, or pick another type/region), that the wake alarm is in ALARM, and that the scalable target is registered (sagezero plan).';
  return {
    key: `backlog-without-capacity:${input.endpoint}`,
    rule: 'backlog-without-capacity',
    endpoint: input.endpoint,
    severity: 'critical',
    title: `Requests waiting on ${input.endpoint} with no capacity`,
    summary: `${input.endpoint} has had queued requests and no instance for ${duration(run.minutes * 60)}; its wake policy should have had one running within ${duration(allowed * 60)}.`,
    facts,
    action,
  };
}
