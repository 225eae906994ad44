// What the traffic looks like, in the terms the search needs: the idle gaps an instance would sit
// through (rent-or-buy: each gap is either paid for or replaced by a cold start), and recurring
// bursts after a quiet stretch at the same time of day (every day, or weekdays only), which a
// keep-warm window can meet with an instance that is already up.
import type { KeepWarmWindow } from '../config/scaling-schema.js';

const DAY_MS = 86_400_000;
const DAY_MIN = 1440;

/**
 * Idle gaps in seconds, ascending: from the end of one request's processing (assuming it started on
 * arrival) to the next arrival, when positive.
 */
export function idleGaps(
  arrivals: Float64Array,
  service: Float64Array | undefined,
  defaultService: number,
): Float64Array {
  const gaps: number[] = [];
  let busyUntil = -Infinity;
  for (let i = 0; i < arrivals.length; i++) {
    const a = arrivals[i] as number;
    if (a > busyUntil && Number.isFinite(busyUntil)) gaps.push(a - busyUntil);
    const e = a + (service ? (service[i] as number) : defaultService);
    if (e > busyUntil) busyUntil = e;
  }
  return Float64Array.from(gaps).sort();
}

/** How many of the (ascending) gaps are longer than `seconds`. */
export function gapsLongerThan(gaps: Float64Array, seconds: number): number {
  let lo = 0;
  let hi = gaps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((gaps[mid] as number) > seconds) hi = mid;
    else lo = mid + 1;
  }
  return gaps.length - lo;
}

export interface RecurringBurst {
  /** Minutes after midnight UTC at which the burst usually begins (an early quantile over days). */
  startMinute: number;
  /** Minutes after midnight UTC at which its activity usually ends (median over days). */
  endMinute: number;
  days: 'daily' | 'weekdays';
  /** Days with the burst / days it could have been seen on (of the kind in `days`). */
  support: number;
  occurrences: number;
}

export interface BurstOptions {
  /** A burst begins after at least this much silence (seconds). */
  quietSeconds: number;
  /** Starts within this many minutes of each other count as the same time of day. */
  spreadMinutes: number;
  /** Share of eligible days that must show the burst. */
  minSupport: number;
}

export const DEFAULT_BURST_OPTIONS: BurstOptions = { quietSeconds: 1800, spreadMinutes: 45, minSupport: 0.6 };

/** 0 = Sunday, as in cron. The epoch (1970-01-01) was a Thursday. */
export function weekdayOf(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 4) % 7;
}

const isWeekday = (dow: number): boolean => dow >= 1 && dow <= 5;

/**
 * Bursts that recur at the same time of day. `arrivals` are seconds after `startMs`; the history
 * covers [startMs, startMs + durationSeconds).
 */
export function findRecurringBursts(
  arrivals: Float64Array,
  startMs: number,
  durationSeconds: number,
  opts: BurstOptions = DEFAULT_BURST_OPTIONS,
): RecurringBurst[] {
  const endMs = startMs + durationSeconds * 1000;
  if (durationSeconds < 2 * 86_400) return [];
  // Wake events: an arrival after quietSeconds of nothing (the history start counts as silence only
  // if it is quietSeconds before the arrival), with the time its stretch of activity ends.
  const events: { at: number; end: number }[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    const a = arrivals[i] as number;
    const prev = i === 0 ? -Infinity : (arrivals[i - 1] as number);
    const quietFrom = i === 0 ? 0 : prev;
    if (a - quietFrom < opts.quietSeconds || (i === 0 && a < opts.quietSeconds)) continue;
    let j = i;
    while (
      j + 1 < arrivals.length &&
      (arrivals[j + 1] as number) - (arrivals[j] as number) < opts.quietSeconds
    )
      j++;
    events.push({ at: startMs + a * 1000, end: startMs + (arrivals[j] as number) * 1000 });
  }
  if (events.length < 2) return [];
  const tod = (ms: number): number => (((ms % DAY_MS) + DAY_MS) % DAY_MS) / 60_000;
  const sorted = events.slice().sort((x, y) => tod(x.at) - tod(y.at));
  const clusters: (typeof events)[] = [];
  let current: typeof events = [];
  for (const e of sorted) {
    if (
      current.length > 0 &&
      tod(e.at) - tod((current[0] as (typeof events)[number]).at) > opts.spreadMinutes
    ) {
      clusters.push(current);
      current = [];
    }
    current.push(e);
  }
  if (current.length > 0) clusters.push(current);

  const bursts: RecurringBurst[] = [];
  for (const c of clusters) {
    // The first event of each day in the cluster.
    const byDay = new Map<number, { at: number; end: number }>();
    for (const e of c) {
      const d = Math.floor(e.at / DAY_MS);
      const seen = byDay.get(d);
      if (!seen || e.at < seen.at) byDay.set(d, e);
    }
    const lo = Math.min(...c.map((e) => tod(e.at)));
    const hi = Math.max(...c.map((e) => tod(e.at)));
    // Days on which the whole cluster (and the quiet before it) lies inside the history.
    let eligible = 0;
    let eligibleWeek = 0;
    let eligibleWeekend = 0;
    for (let d = Math.floor(startMs / DAY_MS); d * DAY_MS < endMs; d++) {
      const from = d * DAY_MS + lo * 60_000 - opts.quietSeconds * 1000;
      const to = d * DAY_MS + hi * 60_000;
      if (from < startMs || to >= endMs) continue;
      eligible++;
      if (isWeekday(weekdayOf(d * DAY_MS))) eligibleWeek++;
      else eligibleWeekend++;
    }
    const days = [...byDay.keys()];
    const onWeek = days.filter((d) => isWeekday(weekdayOf(d * DAY_MS))).length;
    const onWeekend = days.length - onWeek;
    let kind: RecurringBurst['days'] | undefined;
    let support = 0;
    if (eligible > 0 && days.length >= 2 && days.length / eligible >= opts.minSupport) {
      kind = 'daily';
      support = days.length / eligible;
    }
    if (
      eligibleWeekend > 0 &&
      eligibleWeek > 0 &&
      onWeek >= 2 &&
      onWeek / eligibleWeek >= opts.minSupport &&
      onWeekend / eligibleWeekend <= 0.3
    ) {
      kind = 'weekdays';
      support = onWeek / eligibleWeek;
    }
    if (!kind) continue;
    const firsts = [...byDay.values()].filter((e) => kind === 'daily' || isWeekday(weekdayOf(e.at)));
    const starts = firsts.map((e) => tod(e.at)).sort((a, b) => a - b);
    // Bursts ending after midnight are cut at midnight: the window only needs to cover their start.
    const ends = firsts
      .map((e) => (Math.floor(e.end / DAY_MS) > Math.floor(e.at / DAY_MS) ? DAY_MIN - 1 : tod(e.end)))
      .sort((a, b) => a - b);
    bursts.push({
      startMinute: quantile(starts, 0.2),
      endMinute: Math.max(quantile(starts, 0.2), quantile(ends, 0.5)),
      days: kind,
      support,
      occurrences: firsts.length,
    });
  }
  return bursts.sort((a, b) => a.startMinute - b.startMinute);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] as number;
}

/** Minute of day and weekday list for a cron, shifting the weekdays when the time crossed midnight. */
function cronAt(minuteOfDay: number, days: RecurringBurst['days']): string {
  let m = Math.floor(minuteOfDay);
  let shift = 0;
  while (m < 0) {
    m += DAY_MIN;
    shift--;
  }
  while (m >= DAY_MIN) {
    m -= DAY_MIN;
    shift++;
  }
  let dow = '*';
  if (days === 'weekdays') {
    if (shift === 0) dow = '1-5';
    else
      dow = [1, 2, 3, 4, 5]
        .map((d) => (((d + shift) % 7) + 7) % 7)
        .sort((a, b) => a - b)
        .join(',');
  }
  return `${m % 60} ${Math.floor(m / 60)} * * ${dow}`;
}

/**
 * The keep-warm window that has an instance serving when the burst usually starts: it opens the
 * boot time (at its 90th percentile) plus a minute of slack before, and closes either soon after the
 * start (the idle rule then keeps the instance while requests come) or when the burst usually ends.
 */
export function keepWarmFor(
  b: RecurringBurst,
  bootP90Seconds: number,
  close: 'start' | 'end',
): KeepWarmWindow {
  const open = b.startMinute - Math.ceil((bootP90Seconds + 60) / 60);
  const shut = close === 'start' ? b.startMinute + 10 : Math.max(b.endMinute + 1, b.startMinute + 10);
  return { from: cronAt(open, b.days), to: cronAt(shut, b.days), timezone: 'UTC', minCapacity: 1 };
}

/** The sets of keep-warm windows worth replaying: none, all bursts (both closings), each alone. */
export function keepWarmOptions(
  bursts: readonly RecurringBurst[],
  bootP90Seconds: number,
): KeepWarmWindow[][] {
  const options: KeepWarmWindow[][] = [[]];
  if (bursts.length === 0) return options;
  const limited = bursts.slice(0, 8);
  options.push(limited.map((b) => keepWarmFor(b, bootP90Seconds, 'start')));
  options.push(limited.map((b) => keepWarmFor(b, bootP90Seconds, 'end')));
  if (limited.length > 1 && limited.length <= 3) {
    for (const b of limited) options.push([keepWarmFor(b, bootP90Seconds, 'start')]);
  }
  return options;
}
