// One entry point for every trace format. A file is parsed once per process (cached by format and
// absolute path); the seeded arrivals drawn from it are cached per seed, so running several policies
// over the same trace reads and samples it once.
import path from 'node:path';
import { azureFunctionsTrace, parseAzureFunctions } from './azure-functions.js';
import {
  azureLlmTrace,
  FALCON_40B_ON_G5_12XLARGE,
  parseAzureLlm,
  type LlmServiceModel,
} from './azure-llm.js';
import { csvTrace, parseCsvTrace } from './csv.js';
import { parseServegen, servegenTrace } from './servegen.js';
import type { Trace, TraceFormat } from './types.js';

export * from './types.js';

export interface LoadTraceOptions {
  seed: number;
  /** Service time for formats without one (Azure Functions, ServeGen, CSV rows without service_s). */
  defaultServiceSeconds: number;
  llmModel?: LlmServiceModel;
}

const parsed = new Map<string, Promise<unknown>>();
const traces = new Map<string, Promise<Trace>>();

function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = parsed.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    parsed.set(key, p);
    p.catch(() => parsed.delete(key));
  }
  return p;
}

export function loadTrace(file: string, format: TraceFormat, opts: LoadTraceOptions): Promise<Trace> {
  const abs = path.resolve(file);
  const model = opts.llmModel ?? FALCON_40B_ON_G5_12XLARGE;
  const key = `${format}|${abs}|${opts.seed}|${opts.defaultServiceSeconds}|${JSON.stringify(model)}`;
  let t = traces.get(key);
  if (!t) {
    t = build(abs, file, format, opts, model);
    traces.set(key, t);
    t.catch(() => traces.delete(key));
  }
  return t;
}

async function build(
  abs: string,
  display: string,
  format: TraceFormat,
  opts: LoadTraceOptions,
  model: LlmServiceModel,
): Promise<Trace> {
  const relabel = (t: Trace): Trace => ({ ...t, file: display });
  switch (format) {
    case 'azure-functions':
      return relabel(
        azureFunctionsTrace(await once(`${format}|${abs}`, () => parseAzureFunctions(display)), opts.seed),
      );
    case 'azure-llm':
      return relabel(azureLlmTrace(await once(`${format}|${abs}`, () => parseAzureLlm(display)), model));
    case 'servegen':
      return relabel(servegenTrace(await once(`${format}|${abs}`, () => parseServegen(display)), opts.seed));
    case 'csv':
      return relabel(
        csvTrace(await once(`${format}|${abs}`, () => parseCsvTrace(display)), opts.defaultServiceSeconds),
      );
  }
}

/** Forgets every cached file (tests that rewrite a file in place). */
export function clearTraceCache(): void {
  parsed.clear();
  traces.clear();
}
