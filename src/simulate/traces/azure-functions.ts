// Azure Functions 2019 (Shahrad et al., ATC 2020; invitro's 100/500-function subsets): one row per
// function, one column per minute (480..959 = 08:00-15:59) with the invocation count. One function is
// one endpoint. The trace only says how many requests fell in each minute, so arrivals are spread
// inside the minute as the order statistics of uniform points (drawn sorted from exponential
// spacings), seeded per function.
import { Rng } from '../../cloud/sim/rng.js';
import { forEachLine } from './lines.js';
import { LazyTraceEndpoint, TraceError, type Trace, type TraceEndpoint } from './types.js';

export interface AzureFunctionsCounts {
  file: string;
  firstMinute: number;
  minutes: number;
  functions: { id: string; trigger: string; counts: Uint32Array }[];
}

export async function parseAzureFunctions(file: string): Promise<AzureFunctionsCounts> {
  let firstMinute = 0;
  let minutes = 0;
  const functions: AzureFunctionsCounts['functions'] = [];
  await forEachLine(file, (line, n) => {
    if (line.trim() === '') return;
    const cols = line.split(',');
    if (n === 1) {
      if (cols[0] !== 'HashOwner' || cols[2] !== 'HashFunction' || cols[3] !== 'Trigger') {
        throw new TraceError(
          file,
          1,
          'expected the Azure Functions header HashOwner,HashApp,HashFunction,Trigger,<minute>,...',
        );
      }
      const mins = cols.slice(4).map(Number);
      if (mins.length === 0 || mins.some((m, i) => !Number.isInteger(m) || m !== (mins[0] as number) + i)) {
        throw new TraceError(file, 1, 'minute columns must be consecutive integers (e.g. 480,481,...)');
      }
      firstMinute = mins[0] as number;
      minutes = mins.length;
      return;
    }
    if (cols.length !== minutes + 4) {
      throw new TraceError(file, n, `expected ${minutes + 4} columns, got ${cols.length}`);
    }
    const counts = new Uint32Array(minutes);
    for (let i = 0; i < minutes; i++) {
      const raw = cols[i + 4] as string;
      const v = Number(raw);
      if (!Number.isInteger(v) || v < 0) {
        throw new TraceError(
          file,
          n,
          `minute ${firstMinute + i}: invocation count must be a non-negative integer, got ${JSON.stringify(raw)}`,
        );
      }
      counts[i] = v;
    }
    functions.push({ id: cols[2] as string, trigger: cols[3] as string, counts });
  });
  if (minutes === 0) throw new TraceError(file, undefined, 'empty file (no header)');
  return { file, firstMinute, minutes, functions };
}

/** Sorted arrival times for per-minute counts. */
export function spreadMinuteCounts(counts: Uint32Array, rng: Rng): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  const out = new Float64Array(total);
  let k = 0;
  let spacings = new Float64Array(64);
  for (let m = 0; m < counts.length; m++) {
    const c = counts[m] as number;
    if (c === 0) continue;
    if (spacings.length < c + 1) spacings = new Float64Array(2 * (c + 1));
    let sum = 0;
    for (let j = 0; j <= c; j++) {
      sum += -Math.log(rng.nextOpen());
      spacings[j] = sum;
    }
    const base = m * 60;
    for (let j = 0; j < c; j++) out[k++] = base + (60 * (spacings[j] as number)) / sum;
  }
  return out;
}

export function azureFunctionsTrace(parsed: AzureFunctionsCounts, seed: number): Trace {
  const endpoints: TraceEndpoint[] = parsed.functions.map((f) => {
    let total = 0;
    for (let i = 0; i < f.counts.length; i++) total += f.counts[i] as number;
    return new LazyTraceEndpoint(f.id, total, () =>
      spreadMinuteCounts(f.counts, Rng.derive(seed, `azure-functions:${f.id}`)),
    );
  });
  return {
    file: parsed.file,
    format: 'azure-functions',
    startOfDaySeconds: parsed.firstMinute * 60,
    durationSeconds: parsed.minutes * 60,
    endpoints,
  };
}
