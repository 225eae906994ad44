// ServeGen (Xiang et al., NSDI 2026; alibaba/ServeGen): per client, one row per 600 s window:
// `window_start_s,rate_req_per_s,iat_cv,dist,param1,param2`; `dist` empty means no traffic.
// A client is one endpoint; a directory stands for every *-trace.csv under it.
//
// Reading the parameters (ServeGen's clientpool.py loads them as `pat = (dist, (param1, param2))`;
// checked against the shared files): param1 is the shape and param2 the scale of the fitted
// inter-arrival distribution, as in scipy.stats (Gamma(a=shape, scale), weibull_min(c=shape, scale)).
// For Gamma rows, shape x scale = 1/rate and 1/sqrt(shape) = iat_cv hold exactly (a moment fit); for
// Weibull rows (a likelihood fit) the mean is only roughly 1/rate. ServeGen itself rescales sampled
// gaps to the rate it is asked for, so here too: gaps are drawn from the fitted shape and scaled to a
// mean of exactly 1/rate, which keeps each window's burstiness and its request rate. Exponential rows
// use mean 1/rate. The first arrival of a window falls a uniform fraction of a gap after its start
// (a renewal process observed from an arbitrary instant); arrivals continue until the window ends.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../../cloud/sim/rng.js';
import { forEachLine, num } from './lines.js';
import { LazyTraceEndpoint, TraceError, type Trace, type TraceEndpoint } from './types.js';

export const SERVEGEN_WINDOW_SECONDS = 600;

const DIST_NONE = 0;
const DIST_EXP = 1;
const DIST_GAMMA = 2;
const DIST_WEIBULL = 3;

export interface ServegenClient {
  id: string;
  file: string;
  windowStart: Float64Array;
  rate: Float64Array;
  dist: Uint8Array;
  p1: Float64Array;
  p2: Float64Array;
}

export interface ServegenRows {
  file: string;
  clients: ServegenClient[];
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

async function parseClient(file: string, id: string): Promise<ServegenClient> {
  const ws: number[] = [];
  const rate: number[] = [];
  const dist: number[] = [];
  const p1: number[] = [];
  const p2: number[] = [];
  await forEachLine(file, (line, n) => {
    if (line.trim() === '') return;
    const cols = line.split(',');
    if (cols.length !== 6) {
      throw new TraceError(
        file,
        n,
        `expected 6 columns (window_start_s,rate,iat_cv,dist,param1,param2), got ${cols.length}`,
      );
    }
    const start = num(file, n, 'window_start_s', cols[0]);
    const r = num(file, n, 'rate', cols[1]);
    const d = (cols[3] as string).trim();
    const code =
      d === ''
        ? DIST_NONE
        : d === 'Exponential'
          ? DIST_EXP
          : d === 'Gamma'
            ? DIST_GAMMA
            : d === 'Weibull'
              ? DIST_WEIBULL
              : -1;
    if (code < 0)
      throw new TraceError(
        file,
        n,
        `dist must be Weibull, Gamma, Exponential or empty, got ${JSON.stringify(d)}`,
      );
    const a = num(file, n, 'param1', cols[4]);
    const b = num(file, n, 'param2', cols[5]);
    if (r < 0) throw new TraceError(file, n, 'rate must not be negative');
    if ((code === DIST_GAMMA || code === DIST_WEIBULL) && r > 0 && !(a > 0)) {
      throw new TraceError(file, n, `param1 (shape) must be positive for ${d}`);
    }
    if (ws.length > 0 && start <= (ws[ws.length - 1] as number))
      throw new TraceError(file, n, 'window_start_s must increase');
    ws.push(start);
    rate.push(r);
    dist.push(code);
    p1.push(a);
    p2.push(b);
  });
  return {
    id,
    file,
    windowStart: Float64Array.from(ws),
    rate: Float64Array.from(rate),
    dist: Uint8Array.from(dist),
    p1: Float64Array.from(p1),
    p2: Float64Array.from(p2),
  };
}

async function listTraceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTraceFiles(full)));
    else if (e.name.endsWith('-trace.csv')) out.push(full);
  }
  return out;
}

/** Natural order, so chunk-2 comes before chunk-10. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export async function parseServegen(fileOrDir: string): Promise<ServegenRows> {
  let isDir: boolean;
  try {
    isDir = (await stat(fileOrDir)).isDirectory();
  } catch {
    throw new TraceError(fileOrDir, undefined, 'no such file or directory');
  }
  if (!isDir) {
    const id = path.basename(fileOrDir).replace(/-trace\.csv$|\.csv$/i, '');
    return { file: fileOrDir, clients: [await parseClient(fileOrDir, id)] };
  }
  const files = (await listTraceFiles(fileOrDir)).sort(naturalCompare);
  if (files.length === 0)
    throw new TraceError(fileOrDir, undefined, 'no *-trace.csv files in this directory');
  const clients: ServegenClient[] = [];
  for (const f of files) {
    const id = path
      .relative(fileOrDir, f)
      .split(path.sep)
      .join('/')
      .replace(/-trace\.csv$/, '');
    clients.push(await parseClient(f, id));
  }
  return { file: fileOrDir, clients };
}

/** One client's arrivals, seconds from its first window. */
export function sampleServegenClient(c: ServegenClient, rng: Rng): Float64Array {
  let out = new Float64Array(1024);
  let k = 0;
  const push = (t: number): void => {
    if (k === out.length) {
      const b = new Float64Array(out.length * 2);
      b.set(out);
      out = b;
    }
    out[k++] = t;
  };
  const origin = c.windowStart.length > 0 ? (c.windowStart[0] as number) : 0;
  for (let w = 0; w < c.windowStart.length; w++) {
    const r = c.rate[w] as number;
    const d = c.dist[w] as number;
    if (d === DIST_NONE || !(r > 0)) continue;
    const shape = c.p1[w] as number;
    const start = (c.windowStart[w] as number) - origin;
    const end = start + SERVEGEN_WINDOW_SECONDS;
    // Gaps scaled to mean 1/r, computed in log space so a tiny Weibull shape cannot overflow.
    const weibullLogNorm = d === DIST_WEIBULL ? lnGamma(1 + 1 / shape) : 0;
    const gap = (): number => {
      if (d === DIST_GAMMA) return rng.gamma(shape, 1) / shape / r;
      if (d === DIST_WEIBULL)
        return Math.exp(Math.log(-Math.log(rng.nextOpen())) / shape - weibullLogNorm) / r;
      return -Math.log(rng.nextOpen()) / r;
    };
    let t = start + gap() * rng.next();
    while (t < end) {
      push(t);
      t += gap();
    }
  }
  return out.slice(0, k);
}

export function servegenTrace(rows: ServegenRows, seed: number): Trace {
  let duration = 0;
  const endpoints: TraceEndpoint[] = rows.clients.map((c) => {
    const n = c.windowStart.length;
    const own =
      n > 0 ? (c.windowStart[n - 1] as number) - (c.windowStart[0] as number) + SERVEGEN_WINDOW_SECONDS : 0;
    duration = Math.max(duration, own);
    let expected = 0;
    for (let w = 0; w < n; w++)
      if ((c.dist[w] as number) !== DIST_NONE) expected += (c.rate[w] as number) * SERVEGEN_WINDOW_SECONDS;
    return new LazyTraceEndpoint(
      c.id,
      Math.round(expected),
      () => sampleServegenClient(c, Rng.derive(seed, `servegen:${c.id}`)),
      own,
    );
  });
  const first = rows.clients[0]?.windowStart[0] ?? 0;
  return {
    file: rows.file,
    format: 'servegen',
    startOfDaySeconds: first % 86_400,
    durationSeconds: duration,
    endpoints,
  };
}
