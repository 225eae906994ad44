// How big a report's time series may be. Every endpoint gets one point per bucket (and the total one
// more series), so `since=90d&step=1h` over 100 endpoints is 216,000 points: a 50 MB answer built in
// memory. A request over MAX_SERIES_POINTS (endpoints x buckets) is refused, naming the smallest step
// and the longest window that fit; `step=auto` picks the smallest step of STEP_LADDER that fits.
import {
  MAX_BUCKETS,
  parseWindow,
  ReportParamError,
  STEPS,
  type ReportWindow,
  type Step,
  type WindowParams,
} from './window.js';

/** Points (endpoints x buckets) one report's series may hold: about 4.6 MB of JSON. */
export const MAX_SERIES_POINTS = 20_000;
/** The steps `auto` chooses from, finest first. */
export const STEP_LADDER: readonly Step[] = ['5m', '15m', '1h', '6h', '1d'];
export const AUTO_STEP = 'auto';

export interface SeriesLimitDetails {
  step: Step;
  endpoints: number;
  buckets: number;
  points: number;
  limit: number;
  /** The smallest ladder step that fits this window, or null when none does. */
  smallestStep: Step | null;
  /** The longest window (as a duration like 199h) that fits at `step`, or null when none does. */
  largestSince: string | null;
}

/** A series too big to serve; the message says what would fit. */
export class SeriesLimitError extends ReportParamError {
  constructor(
    message: string,
    readonly details: SeriesLimitDetails,
  ) {
    super('step', message);
    this.name = 'SeriesLimitError';
  }
}

/** How many buckets `buckets()` makes: UTC-aligned, the first and last clipped to the window. */
export function bucketCount(start: number, end: number, step: Step): number {
  if (end <= start) return 0;
  const size = STEPS[step];
  return Math.floor((end - 1) / size) - Math.floor(start / size) + 1;
}

/** Buckets per series that keep `endpoints` series under both limits. */
function bucketBudget(endpoints: number, limit: number): number {
  return Math.min(MAX_BUCKETS, Math.floor(limit / Math.max(1, endpoints)));
}

function fits(w: { start: number; end: number }, step: Step, endpoints: number, limit: number): boolean {
  return bucketCount(w.start, w.end, step) <= bucketBudget(endpoints, limit);
}

/**
 * The report window for these parameters, with `step` checked against the point limit for a report
 * of `endpoints` endpoints, and `step=auto` resolved to a ladder step. Errors name the parameter.
 */
export function parseSeriesWindow(
  p: WindowParams,
  now: number,
  endpoints: number,
  limit: number = MAX_SERIES_POINTS,
): ReportWindow {
  const step = p.step?.trim();
  if (step === undefined || step === '') return parseWindow(p, now);
  if (step !== AUTO_STEP && !(step in STEPS)) {
    throw new ReportParamError(
      'step',
      `must be one of ${STEP_LADDER.join(', ')} or ${AUTO_STEP}, got ${JSON.stringify(p.step)}`,
    );
  }
  const base = parseWindow({ ...p, step: undefined }, now);
  if (step === AUTO_STEP) {
    const chosen = STEP_LADDER.find((s) => fits(base, s, endpoints, limit));
    if (chosen) return { ...base, step: chosen };
    throw tooBig(base, STEP_LADDER[STEP_LADDER.length - 1]!, endpoints, limit, true);
  }
  const asked = step as Step;
  if (!fits(base, asked, endpoints, limit)) throw tooBig(base, asked, endpoints, limit, false);
  return { ...base, step: asked };
}

function tooBig(
  w: { start: number; end: number },
  step: Step,
  endpoints: number,
  limit: number,
  auto: boolean,
): SeriesLimitError {
  const buckets = bucketCount(w.start, w.end, step);
  const points = buckets * endpoints;
  const smallestStep = STEP_LADDER.find((s) => fits(w, s, endpoints, limit)) ?? null;
  const budget = bucketBudget(endpoints, limit);
  // A window of (budget - 1) steps spans at most `budget` aligned buckets, wherever it starts.
  const largestMs = Math.min((budget - 1) * STEPS[step], 400 * STEPS['1d']);
  const largestSince = largestMs > 0 ? duration(largestMs) : null;
  const n = (x: number): string => x.toLocaleString('en-US');
  const eps = `${n(endpoints)} endpoint${endpoints === 1 ? '' : 's'}`;
  const over =
    buckets > MAX_BUCKETS
      ? `more than ${n(MAX_BUCKETS)} buckets per series`
      : `more than the limit of ${n(limit)} points`;
  const what = `${step} gives ${n(points)} points for this window (${eps} x ${n(buckets)} buckets), ${over}`;
  const advice: string[] = [];
  if (smallestStep) advice.push(`the smallest step that fits is ${smallestStep} (${AUTO_STEP} picks it)`);
  else advice.push(`no step (${STEP_LADDER.join(', ')}) fits this window`);
  if (largestSince)
    advice.push(`at ${step} the window may be at most ${largestSince} (since ${largestSince})`);
  if (endpoints > 1) advice.push('or report one endpoint at a time (endpoint)');
  const message = `${auto ? `${AUTO_STEP}: even ` : ''}${what}; ${advice.join('; ')}`;
  return new SeriesLimitError(message, {
    step,
    endpoints,
    buckets,
    points,
    limit,
    smallestStep,
    largestSince,
  });
}

/** `ms` in the largest unit parseDuration reads that divides it exactly. */
function duration(ms: number): string {
  const units: [string, number][] = [
    ['d', STEPS['1d']],
    ['h', STEPS['1h']],
    ['m', 60_000],
  ];
  for (const [u, size] of units) if (ms % size === 0) return `${ms / size}${u}`;
  return `${Math.floor(ms / 60_000)}m`;
}
