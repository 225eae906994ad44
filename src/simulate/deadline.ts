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
//  - A larger cluster gets a LOWER bound: it is cut into consecutive blocks of at most `blockSize`
//    requests (sorted order; at most 5 in a cluster over 20 000 requests). Take an optimal schedule with
//    sorted sessions; each session splits into pieces, one per block it touches, which run one after
//    the other in time. The session's cost = bootcost(its first start) + sum of the pieces' spans + the
//    idle gaps between pieces. Charge each piece its span plus beta(u'), u' its first start: the first
//    piece has bootcost(u') >= beta(u'); a later piece in block p follows an earlier piece that ended by
//    E_p = max d_i over the earlier blocks of the cluster, so its gap is >= max(0, u' - E_p) >= beta(u'),
//        beta(u') = min(bootcost(u'), max(0, u' - E_p)).
//    So OPT >= sum over blocks of (min over partitions of the block of sum of (span + beta)), and each
//    block's min is computed exactly by the same subset DP with bootcost replaced by beta. Shortcut: if
//    every request of a block arrives by E_p, beta(a_k) = 0 and each span >= its work, so the block's
//    min is its work (singletons on arrival), no DP needed. The bound is tight when clusters are small
//    and near the total service time when requests are dense (blocks then get free boots; measured on
//    the shared traces: half of the ServeGen clients and the Azure LLM trace are within 1% of it).
//  - A feasible schedule for a larger cluster: the cheapest (each priced by oracleCost) of the blocks'
//    start times, serving on arrival, and four greedy variants (two, with fewer open sessions, in a
//    cluster over 20 000 requests), see greedySchedule: first come first served onto sessions whose
//    first start stays free until the end, joining the best-fit or least-added-cost feasible session.
//    If its cost meets the cluster's lower bound, the cluster is solved exactly.
// upperBound = oracleCost of the start vector found (serving on arrival instead if that is cheaper);
// instanceSeconds = min(lower bound, upperBound); exact means instanceSeconds is the optimum itself
// (every cluster small, or its schedule meets its bound). method says which.
// Time: sorting O(n log n); exact clusters O(3^m) each (m <= exactLimit); the block bound O(3^b) per
// block of b requests that needs the DP (so at most 3^8/8 ~ 820 or, in clusters over 20 000 requests,
// 3^5/5 ~ 49 subset steps per request); the greedy O(n * open sessions <= 16); pricing O(n log n).
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
  /** Block size of the lower bound for larger clusters (at most 5 in clusters over 20 000). Default 8, max 20. */
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
/** Clusters over this many requests get blocks of at most LARGE_BLOCK (bounded time per request). */
const LARGE_CLUSTER = 20_000;
const LARGE_BLOCK = 5;

interface BlockInput {
  a: Float64Array; // arrivals, sorted order
  s: Float64Array;
  late: Float64Array; // latest start a_i + max(D, s_i) - s_i
  boot: number;
  tol: number;
}

/** Work arrays of the subset DP, allocated once per call for the largest block. */
interface Scratch {
  lo: Float64Array;
  hi: Float64Array;
  sum: Float64Array;
  cc: Float64Array;
  ok: Uint8Array;
  cost: Float64Array;
  bestU: Float64Array;
  f: Float64Array;
  choice: Int32Array;
}

function makeScratch(bits: number): Scratch {
  const size = 1 << bits;
  return {
    lo: new Float64Array(size),
    hi: new Float64Array(size),
    sum: new Float64Array(size),
    cc: new Float64Array(size),
    ok: new Uint8Array(size),
    cost: new Float64Array(size),
    bestU: new Float64Array(size),
    f: new Float64Array(size),
    choice: new Int32Array(size),
  };
}

/**
 * Exact min over partitions of jobs [off, off + m) (sorted order) into sessions of
 * sum (span + beta(first start)), beta(u) = min(bootcost(u), max(0, u - prevEnd)) (prevEnd = -Infinity:
 * beta = bootcost). Writes the chosen start times into `out` and returns the cost.
 */
function solveBlock(
  inp: BlockInput,
  off: number,
  m: number,
  prevEnd: number,
  out: Float64Array,
  w: Scratch,
): number {
  const { a, s, late, boot, tol } = inp;
  const size = 1 << m;
  const { lo, hi, sum, cc, ok, cost, bestU, f, choice } = w;
  ok.fill(0, 0, size);
  cost.fill(Infinity, 0, size);
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

/**
 * A session's standalone cost, min over its first start u in [lo, hi] of max(sum, C - u) + bootcost(u)
 * (see the header), and the u that reaches it. Piecewise linear in u with breakpoints C - sum, 0 and
 * boot, so one of those (clamped into [lo, hi]) or an end of the interval is a minimum.
 */
function sessionBest(
  lo: number,
  hi: number,
  sum: number,
  c: number,
  boot: number,
  out: { u: number; cost: number },
): void {
  out.u = lo;
  out.cost = Infinity;
  for (let k = 0; k < 5; k++) {
    const u = k === 0 ? c - sum : k === 1 ? hi : k === 2 ? lo : k === 3 ? boot : 0;
    if (u !== u || u === -Infinity) continue; // C = -Infinity (one request): no breakpoint C - sum
    const x = Math.min(hi, Math.max(lo, u));
    const v = Math.max(sum, c - x) + Math.min(Math.max(x, 0), boot);
    if (v < out.cost) {
      out.cost = v;
      out.u = x;
    }
  }
}

/**
 * A feasible schedule for requests [from, to) (sorted order), written into `out`: first come, first
 * served onto sessions (one up-period of one instance each; the requests of a session run in sorted
 * order, each as early as possible after the session's first start u). A session is the state
 * (lo, hi, sum, C) of the header, so a request can join it iff C <= late_j and lo <= min(hi, late_j -
 * sum), the same test as the DP, and u stays free until the end: a session opened for a burst can
 * still start on arrival, one opened for a lone request can still start late enough that the requests
 * after it batch behind it. The request joins
 *  - 'fit': the feasible session that frees up latest (best fit), else opens a new one;
 *  - 'cost': the feasible session whose standalone cost grows least, unless opening a new session
 *    (cost bootcost + s) is cheaper.
 * A session that cannot end within boot of the request's arrival is closed (joining it would idle at
 * least boot: no cheaper than a new session). At the end every session takes its cheapest u
 * (sessionBest) and each request the earliest start after its predecessor and its arrival, which
 * the join test keeps within [a_j, late_j]. At most maxOpen sessions stay open (the one that can end
 * earliest is dropped first), so it takes O((to - from) * maxOpen).
 */
function greedySchedule(
  inp: BlockInput,
  from: number,
  to: number,
  rule: 'fit' | 'cost',
  theta: number,
  maxOpen: number,
  out: Float64Array,
): void {
  const { a, s, late, boot, tol } = inp;
  const m = to - from;
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  const sum = new Float64Array(m);
  const cc = new Float64Array(m);
  const owner = new Int32Array(m);
  const open: number[] = [];
  const best = { u: 0, cost: 0 };
  let ns = 0;
  for (let k = from; k < to; k++) {
    const ak = a[k] as number;
    const sk = s[k] as number;
    const lk = late[k] as number;
    let pick = -1;
    let pickKey = rule === 'fit' ? -Infinity : Math.min(Math.max(ak, 0), boot) + sk;
    for (let q = 0; q < open.length;) {
      const id = open[q] as number;
      const sm = sum[id] as number;
      const c = cc[id] as number;
      if (ak > Math.max((hi[id] as number) + sm, c) + theta) {
        open[q] = open[open.length - 1] as number;
        open.pop();
        continue;
      }
      q++;
      const h = Math.min(hi[id] as number, lk - sm);
      if (c > lk + tol || (lo[id] as number) > h + tol) continue;
      let key: number;
      if (rule === 'fit') {
        key = Math.max((lo[id] as number) + sm, c);
        if (key <= pickKey) continue;
      } else {
        sessionBest(lo[id] as number, hi[id] as number, sm, c, boot, best);
        const before = best.cost;
        sessionBest(
          lo[id] as number,
          Math.max(lo[id] as number, h),
          sm + sk,
          Math.max(c + sk, ak + sk),
          boot,
          best,
        );
        key = best.cost - before;
        if (key >= pickKey) continue;
      }
      pickKey = key;
      pick = id;
    }
    if (pick < 0) {
      pick = ns++;
      lo[pick] = ak;
      hi[pick] = lk;
      sum[pick] = sk;
      cc[pick] = -Infinity;
      if (open.length >= maxOpen) {
        // Drop the open session that can end earliest: the least likely to take later requests.
        let worst = 0;
        for (let q = 1; q < open.length; q++) {
          const x = open[q] as number;
          const y = open[worst] as number;
          if ((hi[x] as number) + (sum[x] as number) < (hi[y] as number) + (sum[y] as number)) worst = q;
        }
        open[worst] = open[open.length - 1] as number;
        open.pop();
      }
      open.push(pick);
    } else {
      const sm = sum[pick] as number;
      hi[pick] = Math.max(lo[pick] as number, Math.min(hi[pick] as number, lk - sm));
      cc[pick] = Math.max((cc[pick] as number) + sk, ak + sk);
      sum[pick] = sm + sk;
    }
    owner[k - from] = pick;
  }
  const u = new Float64Array(ns);
  const end = new Float64Array(ns).fill(NaN);
  for (let id = 0; id < ns; id++) {
    sessionBest(lo[id] as number, hi[id] as number, sum[id] as number, cc[id] as number, boot, best);
    u[id] = best.u;
  }
  for (let k = from; k < to; k++) {
    const id = owner[k - from] as number;
    const e = end[id] as number;
    const tk = Number.isNaN(e) ? (u[id] as number) : Math.max(a[k] as number, e);
    out[k] = tk;
    end[id] = tk + (s[k] as number);
  }
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
  const t = new Float64Array(n); // schedule found, sorted order
  const tb = new Float64Array(n); // candidate schedules of a large cluster
  let scratch = makeScratch(0);
  const block = (off: number, m: number, prevEnd: number, out: Float64Array): number => {
    if (1 << m > scratch.f.length) scratch = makeScratch(m);
    return solveBlock(inp, off, m, prevEnd, out, scratch);
  };

  let lb1 = 0; // c = 1 floor
  let lbc = 0; // c floor
  let clusters = 0;
  let largest = 0;
  let allSingletons = true;
  let large = 0; // clusters over exactLimit
  let largeExact = 0; // ... whose schedule found meets their lower bound
  let smallerBlocks = false;
  const solveCluster = (from: number, to: number): void => {
    const m = to - from;
    clusters++;
    largest = Math.max(largest, m);
    if (m > 1) allSingletons = false;
    let k1 = 0;
    if (m <= exactLimit) {
      k1 = block(from, m, -Infinity, t);
    } else {
      large++;
      const bs = m > LARGE_CLUSTER ? Math.min(blockSize, LARGE_BLOCK) : blockSize;
      if (bs < blockSize) smallerBlocks = true;
      let prevEnd = -Infinity;
      for (let b = from; b < to; b += bs) {
        const e = Math.min(to, b + bs);
        if ((a[e - 1] as number) <= prevEnd) {
          // Every request of the block arrives by E_p: beta(a_k) = 0, so singletons on arrival reach
          // the block's floor, its work (each piece's span is at least its work).
          for (let k = b; k < e; k++) {
            k1 += s[k] as number;
            tb[k] = a[k] as number;
          }
        } else {
          k1 += block(b, e - b, prevEnd, tb);
        }
        for (let k = b; k < e; k++) prevEnd = Math.max(prevEnd, d[k] as number);
      }
      // The cheapest of the candidate schedules, each billed exactly (oracleCost prices a start vector).
      const sub = s.subarray(from, to);
      const price = (x: Float64Array): number =>
        oracleCost(x.subarray(from, to), sub, boot, 1, Infinity).instanceSeconds;
      let ub = price(tb); // the blocks' starts
      t.set(tb.subarray(from, to), from);
      const take = (): void => {
        const v = price(tb);
        if (v < ub) {
          ub = v;
          t.set(tb.subarray(from, to), from);
        }
      };
      tb.set(a.subarray(from, to), from); // serve on arrival
      take();
      // Greedy variants (see greedySchedule); a cluster over LARGE_CLUSTER requests runs
      // the two cheap best-fit ones, with fewer sessions open.
      const variants: ['fit' | 'cost', number][] =
        m > LARGE_CLUSTER
          ? [
              ['fit', 0],
              ['fit', boot],
            ]
          : [
              ['fit', 0],
              ['cost', 0],
              ['fit', boot],
              ['cost', boot],
            ];
      for (const [rule, theta] of variants) {
        greedySchedule(inp, from, to, rule, theta, m > LARGE_CLUSTER ? 8 : 16, tb);
        take();
      }
      if (ub <= k1 + inp.tol * m) largeExact++;
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
  // Serving on arrival is always feasible; keep it if cheaper (it can beat a DP schedule only
  // through rounding, e.g. zero or subnormal service times).
  const zeroWait = oracleCost(inA, inS, boot, 1, Infinity);
  if (zeroWait.instanceSeconds < feasible.instanceSeconds) {
    starts = inA;
    feasible = zeroWait;
  }
  const upperBound = feasible.instanceSeconds;
  const exact1 = largeExact === large;
  if (c === 1) {
    const blocks = `blocks of ${blockSize}${smallerBlocks ? ` (${Math.min(blockSize, LARGE_BLOCK)} in clusters over ${LARGE_CLUSTER} requests)` : ''}`;
    return {
      instanceSeconds: Math.min(lb1, upperBound),
      upperBound,
      peakInstances: feasible.peakInstances,
      exact: exact1,
      method:
        large === 0
          ? `exact: session-partition DP per cluster (<= ${exactLimit} requests each)`
          : exact1
            ? `exact: session-partition DP per cluster of <= ${exactLimit} requests; in the ${large} larger, the schedule found meets the lower bound (${blocks})`
            : `lower bound: session-partition DP per cluster of <= ${exactLimit} requests; the ${large} larger cut into ${blocks} with discounted boots (${largeExact} of them met by the schedule found); schedule: cheapest of greedy, block starts and serving on arrival`,
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
