// Azure LLM inference trace 2023 (Splitwise; Patel et al., ISCA 2024): one row per request with its
// timestamp and token counts; the whole file is one endpoint.
//
// Service time model (what one request costs on the simulated instance, one request at a time,
// MaxConcurrentInvocationsPerInstance = 1): a 40B-parameter decoder (Falcon-40B class) in bf16,
// tensor-parallel over the 4 NVIDIA A10G GPUs of an ml.g5.12xlarge.
//   service_s = overhead + context_tokens / prefill_tokens_per_s + generated_tokens * decode_s_per_token
// - decode is memory-bandwidth bound: every generated token reads all ~80 GB of weights; 4 x 600 GB/s
//   (A10G GDDR6 bandwidth, NVIDIA A10G datasheet) gives >= 33 ms/token at 100% efficiency; at ~50%
//   achieved bandwidth that is ~67 ms/token, i.e. ~15 tokens/s, in line with the 10-20 tokens/s
//   reported for Falcon-40B with TGI on this instance type;
// - prefill is compute bound: ~2 x 40e9 FLOPs per token; 4 A10Gs at ~70 dense bf16 TFLOPS each, at
//   ~40% utilisation, process ~1,400 tokens/s;
// - overhead 0.3 s: S3 input download, tokenisation, S3 output upload of an async invocation.
// These are estimates, not measurements; the constants are parameters so a measured profile can
// replace them.
import { forEachLine, num } from './lines.js';
import { TraceError, type Trace } from './types.js';

export interface LlmServiceModel {
  overheadSeconds: number;
  prefillTokensPerSecond: number;
  decodeSecondsPerToken: number;
}

export const FALCON_40B_ON_G5_12XLARGE: LlmServiceModel = {
  overheadSeconds: 0.3,
  prefillTokensPerSecond: 1400,
  decodeSecondsPerToken: 0.067,
};

export function llmServiceSeconds(
  model: LlmServiceModel,
  contextTokens: number,
  generatedTokens: number,
): number {
  return (
    model.overheadSeconds +
    contextTokens / model.prefillTokensPerSecond +
    generatedTokens * model.decodeSecondsPerToken
  );
}

export interface AzureLlmRows {
  file: string;
  /** Epoch ms of each request (ascending as in the file, re-sorted if not). */
  timestamps: Float64Array;
  context: Float64Array;
  generated: Float64Array;
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

export function parseTimestamp(raw: string): number | undefined {
  const m = TS_RE.exec(raw.trim());
  if (!m) return undefined;
  const frac = m[7] ? Number(`0.${m[7]}`) : 0;
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) +
    frac * 1000
  );
}

export async function parseAzureLlm(file: string): Promise<AzureLlmRows> {
  const ts: number[] = [];
  const ctx: number[] = [];
  const gen: number[] = [];
  await forEachLine(file, (line, n) => {
    if (line.trim() === '') return;
    const cols = line.split(',');
    if (n === 1) {
      if (cols[0] !== 'TIMESTAMP')
        throw new TraceError(file, 1, 'expected the header TIMESTAMP,ContextTokens,GeneratedTokens');
      return;
    }
    if (cols.length !== 3)
      throw new TraceError(
        file,
        n,
        `expected 3 columns (TIMESTAMP,ContextTokens,GeneratedTokens), got ${cols.length}`,
      );
    const t = parseTimestamp(cols[0] as string);
    if (t === undefined)
      throw new TraceError(
        file,
        n,
        `TIMESTAMP must look like 2023-11-16 18:17:03.9799600, got ${JSON.stringify(cols[0])}`,
      );
    const c = num(file, n, 'ContextTokens', cols[1]);
    const g = num(file, n, 'GeneratedTokens', cols[2]);
    if (c < 0 || g < 0) throw new TraceError(file, n, 'token counts must not be negative');
    ts.push(t);
    ctx.push(c);
    gen.push(g);
  });
  if (ts.length === 0) throw new TraceError(file, undefined, 'no requests');
  const order = ts.map((_, i) => i).sort((a, b) => (ts[a] as number) - (ts[b] as number));
  return {
    file,
    timestamps: Float64Array.from(order, (i) => ts[i] as number),
    context: Float64Array.from(order, (i) => ctx[i] as number),
    generated: Float64Array.from(order, (i) => gen[i] as number),
  };
}

export function azureLlmTrace(rows: AzureLlmRows, model: LlmServiceModel = FALCON_40B_ON_G5_12XLARGE): Trace {
  const first = rows.timestamps[0] as number;
  const start = Math.floor(first / 60_000) * 60_000;
  const n = rows.timestamps.length;
  const arrivals = new Float64Array(n);
  const service = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    arrivals[i] = ((rows.timestamps[i] as number) - start) / 1000;
    service[i] = llmServiceSeconds(model, rows.context[i] as number, rows.generated[i] as number);
  }
  const last = arrivals[n - 1] as number;
  const id = (rows.file.split('/').pop() ?? rows.file).replace(/\.csv$/i, '');
  return {
    file: rows.file,
    format: 'azure-llm',
    startOfDaySeconds: (start % 86_400_000) / 1000,
    durationSeconds: Math.ceil((last + 1) / 60) * 60,
    endpoints: [{ id, arrivals, service, expectedRequests: n }],
  };
}
