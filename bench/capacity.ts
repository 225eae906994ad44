// Capacity for a fair benchmark: every endpoint gets the instances its traffic needs, so the policies
// are compared at equal service instead of on how much traffic each one drops.
//
// - always-on: the smallest fleet that, running the whole time, finishes every request within the
//   deadline D. An always-on fleet of n instances with c slots each serves requests first come, first
//   served as soon as a slot is free (the simulated endpoint's dispatch), so whether n suffices is a
//   first-come-first-served n*c-server queue, computed exactly here and confirmed by the replay.
// - scaling policies: maxCapacity at least the deadline optimum's peak (the most instances the
//   cheapest schedule meeting D runs at once) and at least the always-on fleet, and never below 2.
import { deadlineOptimum, type DeadlineOptimumResult } from '../src/simulate/deadline.js';

/** Does a fleet of `instances` always-on instances finish every request within `deadline` seconds? */
export function fleetMeetsDeadline(
  arrivals: ArrayLike<number>,
  service: ArrayLike<number>,
  instances: number,
  concurrency: number,
  deadline: number,
): boolean {
  const slots = instances * concurrency;
  // Min-heap of the times the slots become free.
  const free = new Float64Array(slots);
  for (let i = 0; i < arrivals.length; i++) {
    const a = arrivals[i] as number;
    const s = service[i] as number;
    const start = Math.max(a, free[0] as number);
    const end = start + s;
    if (end - a > Math.max(deadline, s)) return false;
    // Replace the root (the earliest free slot) and sift down.
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= slots) break;
      const r = l + 1;
      const m = r < slots && (free[r] as number) < (free[l] as number) ? r : l;
      if ((free[m] as number) >= end) break;
      free[k] = free[m] as number;
      k = m;
    }
    free[k] = end;
  }
  return true;
}

/** The smallest always-on fleet that finishes every request within the deadline (binary search). */
export function alwaysOnFleet(
  arrivals: ArrayLike<number>,
  service: ArrayLike<number>,
  concurrency: number,
  deadline: number,
  limit: number,
): number | undefined {
  if (!fleetMeetsDeadline(arrivals, service, limit, concurrency, deadline)) return undefined;
  let lo = 1;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fleetMeetsDeadline(arrivals, service, mid, concurrency, deadline)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface EndpointCapacity {
  /** Always-on fleet that meets the deadline; undefined when more than `limit` would be needed. */
  alwaysOn: number | undefined;
  /** maxCapacity for the scaling policies. */
  maxCapacity: number;
  optimum: DeadlineOptimumResult;
}

export function sizeEndpoint(
  arrivals: ArrayLike<number>,
  service: ArrayLike<number>,
  bootSeconds: number,
  concurrency: number,
  deadline: number,
  limit: number,
): EndpointCapacity {
  const optimum = deadlineOptimum(arrivals, service, bootSeconds, concurrency, deadline);
  const alwaysOn = alwaysOnFleet(arrivals, service, concurrency, deadline, limit);
  return {
    alwaysOn,
    maxCapacity: Math.max(2, optimum.peakInstances, alwaysOn ?? 0),
    optimum,
  };
}
