// The oracle: the cheapest way to serve a trace if every arrival were known in advance and no request
// ever waited for capacity. Its cost is the floor the scaling policies are compared against.
//
// Exact definition. Time runs over the billing window [0, H) (H = trace end); an instance is billed
// per second from its launch to its termination, and it can serve `boot` seconds after launch.
//  1. Every request i is served on arrival: it occupies one of an instance's `c` slots
//     (MaxConcurrentInvocationsPerInstance) during [a_i, min(a_i + s_i, H)). So at time t at least
//     n(t) = ceil(active(t) / c) instances must be serving.
//  2. The oracle chooses any serving-instance count m(t) >= n(t); it pays the integral of m over the
//     window plus `boot` for every launch. Decomposing m into layers (layer k is up while m >= k), the
//     cheapest m treats each layer of n on its own: layer k must be up whenever n >= k; between two
//     such periods separated by a gap g it either stays up (cost g) or terminates and relaunches in
//     time (cost boot), so it pays min(g, boot); before its first period, which starts at time t, it
//     pays min(t, boot): a launch before the window is billed only from 0, like the policies' own
//     instances, whose billing is also clipped to the window. After its last period it terminates.
//  3. oracle cost = integral of n(t) dt + sum over layers and gaps of min(g, boot)
//                   + sum over layers of min(first start, boot).
// The layers are nested (a gap of layer k lies inside a gap of layer k+1, so if k+1 fills a gap, k
// does too), so the per-layer optimum is one feasible m(t). It is a lower bound for any schedule that
// serves the same requests at the same start times with the same boot time: such a schedule has at
// least n(t) instances serving at every t, and each of its instances pays at least what the layer
// decomposition charges. For c = 1 the bound is reached (any idle instance can be the one to stop);
// for c > 1 real packing can need more instances, so the oracle is optimistic there.
//
// It is not a lower bound for a policy that delays requests: waiting lets a policy batch arrivals
// behind one boot or drop them at their TTL, which the oracle, by definition, never does.

export interface OracleResult {
  /** Billed instance-seconds. */
  instanceSeconds: number;
  /** Instance launches (including a launch whose billing starts at the window start). */
  launches: number;
  peakInstances: number;
}

/** Sorts in place unless already ascending (the usual case: traces and schedules come sorted). */
function sortIfNeeded(x: Float64Array): void {
  for (let i = 1; i < x.length; i++) {
    if ((x[i] as number) < (x[i - 1] as number)) {
      x.sort();
      return;
    }
  }
}

/**
 * @param starts  request start times (s from the window start), in any order
 * @param durations  service seconds, same order
 * @param horizon  window end (s); work past it is not billed
 */
export function oracleCost(
  starts: ArrayLike<number>,
  durations: ArrayLike<number>,
  bootSeconds: number,
  concurrency: number,
  horizon: number,
): OracleResult {
  // The sweep needs only the sorted start times and the sorted end times: the number of requests
  // in service at t is (starts <= t) - (ends <= t). Sorting both as plain typed arrays (no comparator)
  // keeps this linear-time apart from two native sorts, which matters on millions of requests.
  // Every end is at or after its own start, so the k-th smallest end is at or after the k-th smallest
  // start; an end equal to a later start may be taken before it, which only adds a zero-length dip
  // (it costs min(0, boot) = 0).
  let n = 0;
  for (let i = 0; i < starts.length; i++) if ((starts[i] as number) < horizon) n++;
  const sortedStarts = new Float64Array(n);
  const sortedEnds = new Float64Array(n);
  for (let i = 0, k = 0; i < starts.length; i++) {
    const a = starts[i] as number;
    if (!(a < horizon)) continue;
    sortedStarts[k] = a;
    sortedEnds[k++] = Math.min(a + Math.max(0, durations[i] as number), horizon);
  }
  sortIfNeeded(sortedStarts);
  sortIfNeeded(sortedEnds);
  let lastOff = new Float64Array(64).fill(-1);
  let active = 0;
  let level = 0;
  let t = 0;
  let integral = 0;
  let transitions = 0;
  let launches = 0;
  let peak = 0;

  // One merged sweep over start and end events, written without closures: this loop runs once per
  // request for every schedule the deadline optimum prices (millions of requests, several times).
  let j = 0;
  let e = 0;
  while (e < n) {
    let now: number;
    if (e < j && (j >= n || (sortedEnds[e] as number) <= (sortedStarts[j] as number))) {
      now = sortedEnds[e++] as number;
      active--;
    } else {
      now = sortedStarts[j++] as number;
      active++;
    }
    integral += level * (now - t);
    t = now;
    const next = Math.ceil(active / concurrency);
    if (next === level) continue;
    if (next > level) {
      if (next >= lastOff.length) {
        const b = new Float64Array(Math.max(next + 1, lastOff.length * 2)).fill(-1);
        b.set(lastOff);
        lastOff = b;
      }
      for (let k = level + 1; k <= next; k++) {
        const off = lastOff[k] as number;
        if (off < 0) {
          transitions += Math.min(now, bootSeconds);
          launches++;
        } else {
          const gap = now - off;
          if (gap >= bootSeconds) launches++;
          transitions += Math.min(gap, bootSeconds);
        }
      }
      if (next > peak) peak = next;
    } else {
      for (let k = next + 1; k <= level; k++) lastOff[k] = now;
    }
    level = next;
  }
  return { instanceSeconds: integral + transitions, launches, peakInstances: peak };
}
