// Trace loaders on small slices of the real shared files (cut at test time, not copied into the
// repository; see ../shared/data/README.md for sources and licences), and on malformed rows.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FALCON_40B_ON_G5_12XLARGE, llmServiceSeconds } from '../../src/simulate/traces/azure-llm.js';
import { clearTraceCache, loadTrace, TraceError, type TraceFormat } from '../../src/simulate/traces/index.js';
import { tempDir } from '../support/temp-dir.js';

const DATA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'data',
  'traces',
);
const opts = { seed: 5, defaultServiceSeconds: 10 };

async function slice(src: string, lines: number, name = path.basename(src)): Promise<string> {
  const dir = tempDir('sagezero-trace-');
  const text = await readFile(src, 'utf8');
  const file = path.join(dir, name);
  await writeFile(file, text.split('\n').slice(0, lines).join('\n') + '\n');
  return file;
}

async function write(name: string, text: string): Promise<string> {
  const dir = tempDir('sagezero-trace-');
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(file: string, format: TraceFormat): Promise<string> {
  try {
    await loadTrace(file, format, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    return (e as Error).message;
  }
  throw new Error('expected the trace to be rejected');
}

describe('Azure Functions 2019 (per-minute counts)', () => {
  it('spreads each minute count inside its minute, one endpoint per function', async () => {
    const file = await slice(path.join(DATA, 'azure-functions-2019', '100_invocations.csv'), 6);
    const trace = await loadTrace(file, 'azure-functions', opts);
    expect(trace.endpoints).toHaveLength(5);
    expect(trace.startOfDaySeconds).toBe(8 * 3600);
    expect(trace.durationSeconds).toBe(480 * 60);
    const rows = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
    rows.forEach((row, i) => {
      const cols = row.split(',');
      const counts = cols.slice(4).map(Number);
      const ep = trace.endpoints[i];
      expect(ep?.id).toBe(cols[2]);
      const perMinute = new Array<number>(480).fill(0);
      const arr = ep?.arrivals ?? new Float64Array();
      for (let k = 0; k < arr.length; k++) {
        const m = Math.floor((arr[k] as number) / 60);
        perMinute[m] = (perMinute[m] ?? 0) + 1;
        if (k > 0) expect(arr[k] as number).toBeGreaterThanOrEqual(arr[k - 1] as number);
      }
      expect(perMinute).toEqual(counts);
      expect(ep?.expectedRequests).toBe(counts.reduce((a, b) => a + b, 0));
    });
  });

  it('draws the same arrivals for a seed, other ones for another seed, and parses the file once', async () => {
    const file = await slice(path.join(DATA, 'azure-functions-2019', '100_invocations.csv'), 3);
    const a = await loadTrace(file, 'azure-functions', opts);
    expect(await loadTrace(file, 'azure-functions', opts)).toBe(a);
    const b = await loadTrace(file, 'azure-functions', { ...opts, seed: 6 });
    expect(Array.from(b.endpoints[0]?.arrivals ?? [])).not.toEqual(
      Array.from(a.endpoints[0]?.arrivals ?? []),
    );
    clearTraceCache();
    const again = await loadTrace(file, 'azure-functions', opts);
    expect(Array.from(again.endpoints[0]?.arrivals ?? [])).toEqual(
      Array.from(a.endpoints[0]?.arrivals ?? []),
    );
  });

  it('names the file and line of a malformed row', async () => {
    const good = await slice(path.join(DATA, 'azure-functions-2019', '100_invocations.csv'), 2);
    const text = await readFile(good, 'utf8');
    const [header, row] = text.trim().split('\n') as [string, string];
    const cols = row.split(',');
    cols[10] = 'x';
    const bad = await write('bad.csv', `${header}\n${row}\n${cols.join(',')}\n`);
    expect(await loadError(bad, 'azure-functions')).toMatch(
      /bad\.csv:3: minute 486: invocation count must be a non-negative integer, got "x"/,
    );
    const short = await write('short.csv', `${header}\n${row.split(',').slice(0, 10).join(',')}\n`);
    expect(await loadError(short, 'azure-functions')).toMatch(/short\.csv:2: expected 484 columns, got 10/);
  });
});

describe('Azure LLM 2023 (per request)', () => {
  it('keeps every request with its service time from the token counts', async () => {
    const file = await slice(path.join(DATA, 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv'), 51);
    const trace = await loadTrace(file, 'azure-llm', opts);
    const ep = trace.endpoints[0];
    expect(ep?.arrivals).toHaveLength(50);
    // First row: 2023-11-16 18:17:03.9799600, 4808 context tokens, 10 generated.
    expect(trace.startOfDaySeconds).toBe(18 * 3600 + 17 * 60);
    expect(ep?.arrivals[0]).toBeCloseTo(3.97996, 5);
    expect(ep?.service?.[0]).toBeCloseTo(0.3 + 4808 / 1400 + 10 * 0.067, 9);
    expect(ep?.service?.[0]).toBe(llmServiceSeconds(FALCON_40B_ON_G5_12XLARGE, 4808, 10));
  });

  it('names the line of a bad timestamp', async () => {
    const bad = await write(
      'llm.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\nyesterday,10,2\n',
    );
    expect(await loadError(bad, 'azure-llm')).toMatch(/llm\.csv:3: TIMESTAMP must look like/);
  });
});

describe('ServeGen (per 600 s window)', () => {
  it('loads a directory as one endpoint per client and samples only windows with traffic', async () => {
    const dir = tempDir('sagezero-servegen-');
    await mkdir(path.join(dir, 'reason'), { recursive: true });
    const real = await slice(path.join(DATA, 'servegen', 'reason', 'deepseek-r1', 'chunk-7-trace.csv'), 144);
    await copyFile(real, path.join(dir, 'reason', 'chunk-7-trace.csv'));
    const rows = Array.from({ length: 30 }, (_, w) => `${w * 600},1,1.4142,Gamma,0.5,2`);
    rows.push('18000,0,0,,0,0', '18600,0.5,1,Exponential,0,0');
    await writeFile(path.join(dir, 'reason', 'chunk-10-trace.csv'), rows.join('\n') + '\n');
    const trace = await loadTrace(dir, 'servegen', opts);
    expect(trace.endpoints.map((e) => e.id)).toEqual(['reason/chunk-7', 'reason/chunk-10']);

    const realRows = (await readFile(real, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const realArr = trace.endpoints[0]?.arrivals ?? new Float64Array();
    const origin = Number(realRows[0]?.[0]);
    for (let k = 0; k < realArr.length; k++) {
      const w = Math.floor((realArr[k] as number) / 600);
      expect(realRows[w]?.[3]).not.toBe('');
    }
    expect(trace.endpoints[0]?.durationSeconds).toBe(Number(realRows.at(-1)?.[0]) - origin + 600);

    const synth = trace.endpoints[1];
    const arr = synth?.arrivals ?? new Float64Array();
    const inGamma = Array.from(arr).filter((t) => t < 18000).length;
    // Rate 1/s for 30 windows: 18,000 expected; the bursty Gamma(0.5) gaps keep the count near it.
    expect(inGamma).toBeGreaterThan(18000 * 0.9);
    expect(inGamma).toBeLessThan(18000 * 1.1);
    expect(Array.from(arr).filter((t) => t >= 18000 && t < 18600)).toEqual([]);
    expect(synth?.expectedRequests).toBe(18000 + 300);
  });

  it('names the line of an unknown distribution', async () => {
    const bad = await write('chunk-1-trace.csv', '0,1,1,Gamma,1,1\n600,1,1,Pareto,1,1\n');
    expect(await loadError(bad, 'servegen')).toMatch(
      /chunk-1-trace\.csv:2: dist must be Weibull, Gamma, Exponential or empty, got "Pareto"/,
    );
  });
});

describe('plain CSV', () => {
  it('reads arrival_s,service_s with a header, sorts, and fills a missing service time', async () => {
    const file = await write('t.csv', 'arrival_s,service_s\n5,2\n1,\n3,4.5\n');
    const trace = await loadTrace(file, 'csv', opts);
    expect(Array.from(trace.endpoints[0]?.arrivals ?? [])).toEqual([1, 3, 5]);
    expect(Array.from(trace.endpoints[0]?.service ?? [])).toEqual([10, 4.5, 2]);
    expect(trace.durationSeconds).toBe(60);
  });

  it('names the line of a bad number', async () => {
    const file = await write('t.csv', '1,2\n2,-1\n');
    expect(await loadError(file, 'csv')).toMatch(/t\.csv:2: service_s must not be negative/);
    const file2 = await write('u.csv', '1,2\nabc,1\n');
    expect(await loadError(file2, 'csv')).toMatch(/u\.csv:2: arrival_s must be a number, got "abc"/);
    expect(await loadError('/nonexistent/trace.csv', 'csv')).toMatch(/trace\.csv: no such file/);
  });
});
