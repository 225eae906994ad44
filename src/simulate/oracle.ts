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

/** Min-heap of numbers (request end times). */
class NumHeap {
  private a = new Float64Array(256);
  n = 0;

  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    const a = this.a;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as number) <= x) break;
      a[i] = a[p] as number;
      i = p;
    }
    a[i] = x;
  }

  peek(): number {
    return this.n > 0 ? (this.a[0] as number) : Infinity;
  }

  pop(): number {
    const a = this.a;
    const top = a[0] as number;
    const x = a[--this.n] as number;
    let i = 0;
    const n = this.n;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (a[c + 1] as number) < (a[c] as number)) c++;
      if ((a[c] as number) >= x) break;
      a[i] = a[c] as number;
      i = c;
    }
    if (n > 0) a[i] = x;
    return top;
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
  const count = starts.length;
  let order: Uint32Array | undefined;
  for (let i = 1; i < count; i++) {
    if ((starts[i] as number) < (starts[i - 1] as number)) {
      order = Uint32Array.from({ length: count }, (_, k) => k).sort(
        (x, y) => (starts[x] as number) - (starts[y] as number),
      );
      break;
    }
  }
  const ends = new NumHeap();
  let lastOff = new Float64Array(64).fill(-1);
  let active = 0;
  let level = 0;
  let t = 0;
  let integral = 0;
  let transitions = 0;
  let launches = 0;
  let peak = 0;

  const setLevel = (now: number, next: number): void => {
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
  };
  const advance = (now: number): void => {
    integral += level * (now - t);
    t = now;
  };

  for (let j = 0; j < count; j++) {
    const i = order ? (order[j] as number) : j;
    const a = starts[i] as number;
    if (a >= horizon) break;
    while (ends.peek() <= a) {
      const e = ends.pop();
      advance(e);
      active--;
      const lv = Math.ceil(active / concurrency);
      if (lv !== level) setLevel(e, lv);
    }
    advance(a);
    active++;
    const lv = Math.ceil(active / concurrency);
    if (lv !== level) setLevel(a, lv);
    ends.push(Math.min(a + Math.max(0, durations[i] as number), horizon));
  }
  while (ends.n > 0) {
    const e = ends.pop();
    advance(e);
    active--;
    const lv = Math.ceil(active / concurrency);
    if (lv !== level) setLevel(e, lv);
  }
  return { instanceSeconds: integral + transitions, launches, peakInstances: peak };
}
