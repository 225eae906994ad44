// Report windows from query parameters or CLI flags: `since=7d`, or `start`/`end` in RFC 3339,
// plus an optional `step` for a time series. Errors name the parameter at fault.

export const STEPS = {
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '1d': 86_400_000,
} as const;
export type Step = keyof typeof STEPS;

export interface ReportWindow {
  start: number;
  end: number;
  step?: Step;
}

export interface WindowParams {
  since?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  step?: string | undefined;
}

/** A query parameter or flag with a bad value. */
export class ReportParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`${param}: ${message}`);
    this.name = 'ReportParamError';
  }
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 };
const MAX_WINDOW_MS = 400 * 86_400_000;
/** Buckets in one series; series-limit.ts also bounds the points over all endpoints. */
export const MAX_BUCKETS = 5000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const DEFAULT_SINCE = '7d';

export function parseDuration(text: string, param: string): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!m)
    throw new ReportParamError(
      param,
      `must be a duration like 90m, 24h, 7d or 2w, got ${JSON.stringify(text)}`,
    );
  const ms = Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
  if (ms <= 0) throw new ReportParamError(param, 'must be longer than zero');
  if (ms > MAX_WINDOW_MS) throw new ReportParamError(param, 'must be at most 400d');
  return ms;
}

export function parseTime(text: string, param: string): number {
  const t = text.trim();
  if (!RFC3339.test(t)) {
    throw new ReportParamError(
      param,
      `must be an RFC 3339 time like 2026-03-01T00:00:00Z, got ${JSON.stringify(text)}`,
    );
  }
  const [y, mo, d, h, mi, s] = t.split(/[-Tt :.Zz+]/).map(Number) as number[];
  // Date.parse rolls 2026-02-30 over into March; RFC 3339 says it is not a date.
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  const ms = Date.parse(t.replace(' ', 'T'));
  if (
    !Number.isFinite(ms) ||
    mo! < 1 ||
    mo! > 12 ||
    d! < 1 ||
    d! > daysInMonth ||
    h! > 23 ||
    mi! > 59 ||
    s! > 60
  ) {
    throw new ReportParamError(param, `is not a valid time: ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Resolves the parameters against `now`; a window ending in the future is cut at `now`. */
export function parseWindow(p: WindowParams, now: number): ReportWindow {
  const blank = (v: string | undefined): v is undefined => v === undefined || v === '';
  if (!blank(p.since) && (!blank(p.start) || !blank(p.end))) {
    throw new ReportParamError(
      'since',
      'cannot be combined with start/end; give either since or start (and end)',
    );
  }
  let start: number;
  let end: number;
  if (!blank(p.start)) {
    start = parseTime(p.start, 'start');
    end = blank(p.end) ? now : parseTime(p.end, 'end');
    if (start >= now) throw new ReportParamError('start', 'must be in the past');
    if (end <= start) throw new ReportParamError('end', 'must be after start');
    if (end - start > MAX_WINDOW_MS)
      throw new ReportParamError('start', 'the window must be at most 400 days long');
    end = Math.min(end, now);
  } else {
    if (!blank(p.end)) throw new ReportParamError('start', 'is required when end is given');
    end = now;
    start = now - parseDuration(blank(p.since) ? DEFAULT_SINCE : p.since, 'since');
  }
  const w: ReportWindow = { start, end };
  if (!blank(p.step)) {
    if (!(p.step in STEPS)) {
      throw new ReportParamError(
        'step',
        `must be one of ${Object.keys(STEPS).join(', ')}, got ${JSON.stringify(p.step)}`,
      );
    }
    const step = p.step as Step;
    if ((end - start) / STEPS[step] > MAX_BUCKETS) {
      throw new ReportParamError(
        'step',
        `${step} gives more than ${MAX_BUCKETS} buckets for this window; use a longer step`,
      );
    }
    w.step = step;
  }
  return w;
}

/** Bucket boundaries aligned to UTC multiples of the step, the first and last clipped to the window. */
export function buckets(w: ReportWindow): { start: number; end: number }[] {
  if (!w.step) return [];
  const size = STEPS[w.step];
  const out: { start: number; end: number }[] = [];
  let b = Math.floor(w.start / size) * size;
  while (b < w.end) {
    out.push({ start: Math.max(b, w.start), end: Math.min(b + size, w.end) });
    b += size;
  }
  return out;
}
