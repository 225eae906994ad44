// Plain CSV `arrival_s,service_s` (an optional header line; service_s may be left empty to use the
// default): one endpoint, arrivals in seconds from the trace start.
import path from 'node:path';
import { forEachLine, num } from './lines.js';
import { TraceError, type Trace } from './types.js';

export interface CsvRows {
  file: string;
  arrivals: Float64Array;
  /** NaN where the row gave no service time. */
  service: Float64Array;
}

export async function parseCsvTrace(file: string): Promise<CsvRows> {
  const arr: number[] = [];
  const svc: number[] = [];
  await forEachLine(file, (line, n) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const cols = trimmed.split(',');
    if (n === 1 && !Number.isFinite(Number(cols[0]))) return;
    if (cols.length > 2)
      throw new TraceError(file, n, `expected arrival_s,service_s, got ${cols.length} columns`);
    const a = num(file, n, 'arrival_s', cols[0]);
    if (a < 0) throw new TraceError(file, n, 'arrival_s must not be negative');
    const rawService = cols[1];
    const s =
      rawService === undefined || rawService.trim() === '' ? NaN : num(file, n, 'service_s', rawService);
    if (s < 0) throw new TraceError(file, n, 'service_s must not be negative');
    arr.push(a);
    svc.push(s);
  });
  if (arr.length === 0) throw new TraceError(file, undefined, 'no requests');
  const order = arr.map((_, i) => i);
  if (arr.some((a, i) => i > 0 && a < (arr[i - 1] as number)))
    order.sort((x, y) => (arr[x] as number) - (arr[y] as number));
  return {
    file,
    arrivals: Float64Array.from(order, (i) => arr[i] as number),
    service: Float64Array.from(order, (i) => svc[i] as number),
  };
}

export function csvTrace(rows: CsvRows, defaultServiceSeconds: number): Trace {
  const service = rows.service.map((s) => (Number.isNaN(s) ? defaultServiceSeconds : s));
  const last = rows.arrivals[rows.arrivals.length - 1] as number;
  return {
    file: rows.file,
    format: 'csv',
    startOfDaySeconds: 0,
    durationSeconds: Math.ceil((last + 1) / 60) * 60,
    endpoints: [
      {
        id: path.basename(rows.file).replace(/\.csv$/i, ''),
        arrivals: rows.arrivals,
        service,
        expectedRequests: rows.arrivals.length,
      },
    ],
  };
}
