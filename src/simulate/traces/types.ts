// A trace, whatever file it came from: per endpoint, sorted arrival times (seconds from the trace
// start) and, when the format has them, service times.

export type TraceFormat = 'azure-functions' | 'azure-llm' | 'servegen' | 'csv';

export const TRACE_FORMATS: readonly TraceFormat[] = ['azure-functions', 'azure-llm', 'servegen', 'csv'];

export interface TraceEndpoint {
  id: string;
  /** Seconds since the trace start, ascending (formats that sample them do so on first access). */
  readonly arrivals: Float64Array;
  /** Seconds of processing per request (same length as arrivals), when the trace says. */
  service?: Float64Array;
  /** How many requests the trace implies, known before sampling the arrivals. */
  expectedRequests: number;
  /** This endpoint's own length when it differs from the trace's (ServeGen families differ). */
  durationSeconds?: number;
}

/** An endpoint whose arrivals are drawn the first time they are read, then kept. */
export class LazyTraceEndpoint implements TraceEndpoint {
  private drawn?: Float64Array;

  constructor(
    readonly id: string,
    readonly expectedRequests: number,
    private readonly draw: () => Float64Array,
    readonly durationSeconds?: number,
  ) {}

  get arrivals(): Float64Array {
    this.drawn ??= this.draw();
    return this.drawn;
  }
}

/** How long an endpoint's traffic lasts: its own length, else the trace's. */
export function endpointDuration(trace: Trace, e: TraceEndpoint): number {
  return e.durationSeconds ?? trace.durationSeconds;
}

export interface Trace {
  file: string;
  format: TraceFormat;
  /** Time of day (seconds after midnight UTC) the trace starts at; keep-warm schedules depend on it. */
  startOfDaySeconds: number;
  /** The longest endpoint's length. */
  durationSeconds: number;
  endpoints: TraceEndpoint[];
}

/** A malformed trace file, named with its line. */
export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line !== undefined ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'TraceError';
  }
}
