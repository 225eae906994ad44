// The deadline optimum: the cheapest instance schedule in which every request completes within D
// seconds of its arrival. Unlike the zero-wait oracle (oracle.ts) it lets requests wait, so it is the
// floor for policies that batch arrivals behind one boot; the zero-wait oracle is not.
//
// Exact definition. Requests i have arrival a_i >= 0 (s from the window start) and service s_i >= 0.
//  1. Request i starts at some t_i >= a_i and must finish by its deadline d_i = a_i + max(D, s_i):
//     t_i + s_i <= d_i. A request whose service alone exceeds D gets the deadline a_i + s_i, i.e. it must
//     start on arrival (it cannot meet D anyway, and any wait would only make it later).
//  2. Instances are billed per second from launch to termination; an instance can serve `boot` seconds
//     after launch and serves at most c (MaxConcurrentInvocationsPerInstance) requests at once; there are
//     as many instances as needed. Same conventions as the oracle, so the two compare: a launch before
//     time 0 is billed only from 0, and there is no horizon (every request is billed to completion).
//  3. deadline optimum = min over all such schedules of billed instance-seconds. With the starts t fixed,
//     the cheapest c = 1 schedule is oracleCost(t, s, boot, 1, Infinity); so for c = 1 it is the min of
//     that over every start vector allowed by 1.
//
// Sessions (c = 1). A session is one continuous up-period of one instance, from its first start u to its
// last end v; it costs bootcost(u) + v - u, bootcost(u) = min(u, boot) (launched at u - boot, billed
// from max(0, u - boot)). Any schedule is a set of sessions, each a set of non-overlapping requests, and
// any partition of the requests into sessions is a schedule (each session on its own instance); a gap
// inside a session is paid in full, which is why a gap g costs min(g, boot) in the oracle. So
//     OPT_1 = min over partitions P of the requests of  sum over S in P of  sessionCost(S).
// Order inside a session: sort requests by (a, d). If j runs before i in a session although i sorts
// first, then i cannot have a fixed start (t_i = a_i < a_j <= t_j), so d_i = a_i + D <= d_j; swapping the
// two (i takes j's start x, j ends where i ended) keeps both inside their windows, the first start and
// the last end: bubble-sorting any session into (a, d) order is free. Given the sorted set and its first
// start u, starting each request as early as possible is optimal, and the session ends at
// E(u) = max(u + sum s, C) with C = max over the 2nd.. requests k of (a_k + sum of s from k on); so
//     sessionCost(S) = min over feasible u of  max(sum s, C - u) + bootcost(u),
// feasible u being an interval [a_first, hi]. This is piecewise linear in u with breakpoints C - sum s
// and boot, so the minimum is at one of those or an end of the interval: O(1) per set once lo, hi, C and
// sum s are known, and those extend in O(1) when a request is appended at the end of the sorted order.
//
// Independent clusters. Sorted by arrival, if every request before k has d_i + boot <= a_k, a session
// that spans the cut idles >= boot across it and may be split at no extra cost (the second part pays
// bootcost <= boot), so OPT is the sum over the clusters the cuts delimit (for any c).
//
// The algorithm (c = 1).
//  - A cluster of at most `exactLimit` requests is solved exactly: subset DP over the partition into
//    sessions (f(M) = min over sessions S containing the lowest request of M of sessionCost(S) +
//    f(M \ S)), O(3^m) for m requests; exact for real-valued data, no discretisation.
//  - A larger cluster gets a LOWER bound, exact = false: it is cut into consecutive blocks of at most
//    `blockSize` requests (sorted order). Take an optimal schedule with sorted sessions; each session
//    splits into pieces, one per block it touches, which run one after the other in time. The session's
//    cost = bootcost(its first start) + sum of the pieces' spans + the idle gaps between pieces. Charge
//    each piece its span plus beta(u'), u' its first start: the first piece has bootcost(u') >= beta(u');
//    a later piece in block p follows an earlier piece that ended by E_p = max d_i over the earlier
//    blocks of the cluster, so its gap is >= max(0, u' - E_p) >= beta(u') with
//        beta(u') = min(bootcost(u'), max(0, u' - E_p)).
//    So OPT >= sum over blocks of (min over partitions of the block of sum of (span + beta)), and each
//    block's min is computed exactly by the same subset DP with bootcost replaced by beta. The bound is
//    tight when clusters are small and weak when requests are dense (blocks then get free boots).
// Every cost is also capped by the cost of a feasible schedule found (the DP's start times, billed by
// oracleCost; for a large cluster the blocks' start times or serving on arrival, whichever is cheaper),
// reported as upperBound; exact means instanceSeconds is the optimum itself.
//
// c > 1 (always a lower bound unless every cluster is a single request). Per cluster K, any c-schedule
// costs at least each of:
//  - OPT_1(K) / c: give each of an instance's c slots its own instance with the same up-periods (its
//    requests never overlap, by colouring the interval graph with c colours): cost times c, c = 1 feasible;
//  - sum s / c + min(a_first, boot): instance-seconds serving >= work / c, plus the unserved boot of the
//    first instance launched for K;
//  - max s + min(a_first, boot): the instance serving the longest request is up for it and its own boot.
// LB_c = sum over clusters of their max (OPT_1(K) replaced by its lower bound when not exact). The c = 1
// schedule is feasible for c > 1, so it is the reported upperBound; peakInstances is then the most
// instances oracleCost(starts, s, boot, c) needs at once for the same starts.

import { oracleCost } from './oracle.js';

export interface DeadlineOptimumOptions {
  /** Largest independent cluster solved exactly; O(3^m) time and O(2^m) memory. Default 10, max 20. */
  exactLimit?: number;
  /** Block size of the lower bound for larger clusters. Default 8, max 20. */
  blockSize?: number;
}

export interface DeadlineOptimumResult {
  /** Billed instance-seconds: always <= the true deadline optimum, equal to it when `exact`. */
  instanceSeconds: number;
  /** Cost of the feasible schedule found (every request within its deadline); >= the optimum. */
  upperBound: number;
  /** Most instances up at once in the schedule found. */
  peakInstances: number;
  /** True when instanceSeconds is the optimum itself, not only a floor. */
  exact: boolean;
  /** Which method produced instanceSeconds. */
  method: string;
  /** Request start times of the schedule found, in input order. */
  starts: Float64Array;
  /** Independent clusters (see the header) and the size of the largest. */
  clusters: number;
  largestCluster: number;
}

const MAX_SUBSET_BITS = 20;

interface BlockInput {
  a: Float64Array; // arrivals, sorted order
  s: Float64Array;
  late: Float64Array; // latest start a_i + max(D, s_i) - s_i
  boot: number;
  tol: number;
}

/**
 * Exact min over partitions of jobs [off, off + m) (sorted order) into sessions of
 * sum (span + beta(first start)), beta(u) = min(bootcost(u), max(0, u - prevEnd)) (prevEnd = -Infinity:
 * beta = bootcost). Writes the chosen start times into `out` and returns the cost.
 */
function solveBlock(inp: BlockInput, off: number, m: number, prevEnd: number, out: Float64Array): number {
  const { a, s, late, boot, tol } = inp;
  const size = 1 << m;
  const lo = new Float64Array(size);
  const hi = new Float64Array(size);
  const sum = new Float64Array(size);
  const cc = new Float64Array(size);
  const ok = new Uint8Array(size);
  const cost = new Float64Array(size).fill(Infinity);
  const bestU = new Float64Array(size);
  const beta = (u: number): number => {
    const bc = Math.min(Math.max(u, 0), boot);
    return prevEnd === -Infinity ? bc : Math.min(bc, Math.max(0, u - prevEnd));
  };
  const cands = new Float64Array(7);

  for (let mask = 1; mask < size; mask++) {
    const j = 31 - Math.clz32(mask);
    const prev = mask ^ (1 << j);
    const aj = a[off + j] as number;
    const sj = s[off + j] as number;
    const lj = late[off + j] as number;
    if (prev === 0) {
      lo[mask] = aj;
      hi[mask] = lj;
      sum[mask] = sj;
      cc[mask] = -Infinity;
      ok[mask] = 1;
    } else {
      if (ok[prev] === 0) continue;
      const cPrev = cc[prev] as number;
      const sumPrev = sum[prev] as number;
      const h = Math.min(hi[prev] as number, lj - sumPrev);
      const l = lo[prev] as number;
      if (cPrev > lj + tol || l > h + tol) continue;
      lo[mask] = l;
      hi[mask] = Math.max(l, h);
      sum[mask] = sumPrev + sj;
      cc[mask] = Math.max(cPrev + sj, aj + sj);
      ok[mask] = 1;
    }
    const l = lo[mask] as number;
    const h = hi[mask] as number;
    const sm = sum[mask] as number;
    const c = cc[mask] as number;
    let nc = 0;
    cands[nc++] = l;
    cands[nc++] = h;
    cands[nc++] = 0;
    cands[nc++] = boot;
    if (c !== -Infinity) cands[nc++] = c - sm;
    if (prevEnd !== -Infinity) {
      cands[nc++] = prevEnd;
      cands[nc++] = prevEnd + boot;
    }
    let best = Infinity;
    let bu = l;
    for (let k = 0; k < nc; k++) {
      const u = cands[k] as number;
      if (u < l || u > h) continue;
      const v = Math.max(sm, c - u) + beta(u);
      if (v < best) {
        best = v;
        bu = u;
      }
    }
    cost[mask] = best;
    bestU[mask] = bu;
  }

  const f = new Float64Array(size).fill(Infinity);
  const choice = new Int32Array(size);
  f[0] = 0;
  for (let mask = 1; mask < size; mask++) {
    const low = mask & -mask;
    const rest = mask ^ low;
    let best = Infinity;
    let ch = low;
    for (let sub = rest; ; sub = (sub - 1) & rest) {
      const S = sub | low;
      const c = cost[S] as number;
      if (c !== Infinity) {
        const v = (f[mask ^ S] as number) + c;
        if (v < best) {
          best = v;
          ch = S;
        }
      }
      if (sub === 0) break;
    }
    f[mask] = best;
    choice[mask] = ch;
  }

  for (let mask = size - 1; mask !== 0;) {
    const S = choice[mask] as number;
    let end = -Infinity;
    for (let k = 0; k < m; k++) {
      if ((S & (1 << k)) === 0) continue;
      const t = end === -Infinity ? (bestU[S] as number) : Math.max(a[off + k] as number, end);
      out[off + k] = t;
      end = t + (s[off + k] as number);
    }
    mask ^= S;
  }
  return f[size - 1] as number;
}

function intOption(v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v)) throw new RangeError(`deadlineOptimum: option must be finite, got ${v}`);
  return Math.min(MAX_SUBSET_BITS, Math.max(min, Math.floor(v)));
}

/**
 * @param arrivals  request arrival times (s from the window start, >= 0), any order (sorted is cheapest)
 * @param service  service seconds, same order
 * @param bootSeconds  launch-to-serving time of an instance
 * @param concurrency  MaxConcurrentInvocationsPerInstance (>= 1)
 * @param deadlineSeconds  D: every request must complete within D s of its arrival (max(D, service))
 */
export function deadlineOptimum(
  arrivals: ArrayLike<number>,
  service: ArrayLike<number>,
  bootSeconds: number,
  concurrency: number,
  deadlineSeconds: number,
  options: DeadlineOptimumOptions = {},
): DeadlineOptimumResult {
  const n = arrivals.length;
  if (service.length !== n) throw new RangeError('deadlineOptimum: arrivals and service differ in length');
  if (!Number.isFinite(bootSeconds) || bootSeconds < 0)
    throw new RangeError(`deadlineOptimum: bootSeconds must be finite and >= 0, got ${bootSeconds}`);
  if (!Number.isFinite(deadlineSeconds) || deadlineSeconds < 0)
    throw new RangeError(`deadlineOptimum: deadlineSeconds must be finite and >= 0, got ${deadlineSeconds}`);
  if (!Number.isFinite(concurrency) || concurrency < 1)
    throw new RangeError(`deadlineOptimum: concurrency must be >= 1, got ${concurrency}`);
  const c = Math.floor(concurrency);
  const exactLimit = intOption(options.exactLimit, 10, 0);
  const blockSize = intOption(options.blockSize, 8, 1);
  if (n === 0) {
    return {
      instanceSeconds: 0,
      upperBound: 0,
      peakInstances: 0,
      exact: true,
      method: 'empty trace',
      starts: new Float64Array(0),
      clusters: 0,
      largestCluster: 0,
    };
  }
  const boot = bootSeconds;
  const D = deadlineSeconds;

  const inA = new Float64Array(n);
  const inS = new Float64Array(n);
  let scale = 1;
  for (let i = 0; i < n; i++) {
    const ai = arrivals[i] as number;
    const si = service[i] as number;
    if (!Number.isFinite(ai) || !Number.isFinite(si))
      throw new RangeError(`deadlineOptimum: request ${i} has a non-finite arrival or service`);
    inA[i] = ai;
    inS[i] = Math.max(0, si);
    scale = Math.max(scale, Math.abs(ai) + Math.max(D, si));
  }
  const dl = (i: number): number => (inA[i] as number) + Math.max(D, inS[i] as number);
  const order = Uint32Array.from({ length: n }, (_, k) => k).sort(
    (x, y) => (inA[x] as number) - (inA[y] as number) || dl(x) - dl(y) || x - y,
  );
  const a = new Float64Array(n);
  const s = new Float64Array(n);
  const late = new Float64Array(n);
  const d = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    a[k] = inA[i] as number;
    s[k] = inS[i] as number;
    d[k] = dl(i);
    late[k] = (d[k] as number) - (s[k] as number);
  }
  const inp: BlockInput = { a, s, late, boot, tol: 1e-9 * scale };
  const t = new Float64Array(n);

  let lb1 = 0; // c = 1 floor
  let lbc = 0; // c floor
  let exact1 = true;
  let clusters = 0;
  let largest = 0;
  let allSingletons = true;
  const solveCluster = (from: number, to: number): void => {
    const m = to - from;
    clusters++;
    largest = Math.max(largest, m);
    if (m > 1) allSingletons = false;
    let k1 = 0;
    if (m <= exactLimit) {
      k1 = solveBlock(inp, from, m, -Infinity, t);
    } else {
      exact1 = false;
      let prevEnd = -Infinity;
      for (let b = from; b < to; b += blockSize) {
        const e = Math.min(to, b + blockSize);
        k1 += solveBlock(inp, b, e - b, prevEnd, t);
        for (let k = b; k < e; k++) prevEnd = Math.max(prevEnd, d[k] as number);
      }
    }
    lb1 += k1;
    if (c > 1) {
      let work = 0;
      let longest = 0;
      for (let k = from; k < to; k++) {
        work += s[k] as number;
        longest = Math.max(longest, s[k] as number);
      }
      const firstBoot = Math.min(Math.max(a[from] as number, 0), boot);
      lbc += Math.max(k1 / c, work / c + firstBoot, longest + firstBoot);
    }
  };
  let from = 0;
  let maxD = -Infinity;
  for (let k = 0; k < n; k++) {
    if (k > from && (a[k] as number) >= maxD + boot) {
      solveCluster(from, k);
      from = k;
    }
    maxD = Math.max(maxD, d[k] as number);
  }
  solveCluster(from, n);

  let starts = new Float64Array(n);
  for (let k = 0; k < n; k++) starts[order[k] as number] = t[k] as number;
  let feasible = oracleCost(starts, inS, boot, 1, Infinity);
  if (!exact1) {
    // The blocks' start times are only a heuristic schedule: keep serving on arrival if that is cheaper.
    const zeroWait = oracleCost(inA, inS, boot, 1, Infinity);
    if (zeroWait.instanceSeconds < feasible.instanceSeconds) {
      starts = inA;
      feasible = zeroWait;
    }
  }
  const upperBound = feasible.instanceSeconds;
  if (c === 1) {
    return {
      instanceSeconds: Math.min(lb1, upperBound),
      upperBound,
      peakInstances: feasible.peakInstances,
      exact: exact1,
      method: exact1
        ? `exact: session-partition DP per cluster (<= ${exactLimit} requests each)`
        : `lower bound: clusters over ${exactLimit} requests cut into blocks of ${blockSize} with discounted boots`,
      starts,
      clusters,
      largestCluster: largest,
    };
  }
  const exactC = allSingletons;
  return {
    instanceSeconds: Math.min(lbc, upperBound),
    upperBound,
    peakInstances: oracleCost(starts, inS, boot, c, Infinity).peakInstances,
    exact: exactC,
    method: exactC
      ? 'exact: every cluster is one request'
      : `lower bound (c=${c}): per cluster max(c=1 ${exact1 ? 'optimum' : 'bound'} / c, work / c + boot, longest + boot)`,
    starts,
    clusters,
    largestCluster: largest,
  };
}
