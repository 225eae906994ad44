// Per-UTC-day figures of an instance-count step function, computed the same way for what the store
// observed and for what a replay predicted, so the two columns of `sagezero calibrate` mean the same:
//
//   instance-hours  ∫ count(t) dt over the day's part of the window (as the cost report integrates)
//   wakes           0 -> n transitions inside the day
//   scale-ins       transitions to a lower count inside the day
//   ttfr            median time to first result of the day's cold starts (what the samples are is
//                   the caller's: cold probes' total_s observed, first request of each wake predicted)
import { countSegments, HOUR_MS, integrate } from '../cost/integrate.js';
import type { StepPoint } from '../store/index.js';

export const DAY_MS = 86_400_000;

export interface DayFigures {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** The part of the window inside the day: [start, end), epoch ms. */
  start: number;
  end: number;
  instanceHours: number;
  wakes: number;
  scaleIns: number;
  /** Median time to first result of the day's cold starts (s); null without a sample. */
  ttfrSeconds: number | null;
  ttfrSamples: number;
}

/** UTC day slices of [from, to). */
export function daySlices(from: number, to: number): { day: string; start: number; end: number }[] {
  const out: { day: string; start: number; end: number }[] = [];
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) {
    const start = Math.max(from, d);
    const end = Math.min(to, d + DAY_MS);
    if (end > start) out.push({ day: new Date(d).toISOString().slice(0, 10), start, end });
  }
  return out;
}

/**
 * Figures per UTC day over [from, to) of the step function that holds `initial` at `from` and then
 * each transition's count from its time; `ttfr` are (time, seconds) samples of cold starts.
 */
export function dailyFigures(
  initial: number,
  steps: readonly StepPoint[],
  from: number,
  to: number,
  ttfr: readonly { at: number; seconds: number }[],
): DayFigures[] {
  return daySlices(from, to).map(({ day, start, end }) => {
    let before = initial;
    for (const s of steps) {
      if (s.at > start) break;
      before = s.count;
    }
    const inside = steps.filter((s) => s.at > start && s.at < end);
    const { instanceHours } = integrate(countSegments(before, inside, start, end), []);
    let wakes = 0;
    let scaleIns = 0;
    let prev = before;
    for (const s of inside) {
      if (prev === 0 && s.count > 0) wakes++;
      if (s.count < prev) scaleIns++;
      prev = s.count;
    }
    const samples = ttfr.filter((x) => x.at >= start && x.at < end).map((x) => x.seconds);
    return {
      day,
      start,
      end,
      instanceHours,
      wakes,
      scaleIns,
      ttfrSeconds: median(samples),
      ttfrSamples: samples.length,
    };
  });
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export { HOUR_MS };
