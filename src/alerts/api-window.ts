// The minutes the AWS API errors rule looks at, shared with the inhibition that holds its victims so
// that both count the same evidence.
//
// A minute in which no AWS call completed says nothing either way: the daemon was between runs, its
// calls were still in SDK backoff, or the process was paused. Counting such minutes as clean would
// let an outage look intermittent whenever calls slow down (a controller run that outlasts its
// schedule skips the next tick), and every controller failing in it would then alert on its own. So
// the window is the last N minutes *with completed calls*, within a lookback of three windows:
// minutes older than that describe a past that no longer says whether calls fail now.
import type { ApiCallMinute } from '../store/api-calls.js';

const MINUTE = 60_000;
/** How far back, in windows, the rule looks for its N minutes with calls. */
export const LOOKBACK_WINDOWS = 3;

export interface ApiWindow {
  /** Up to N minutes with completed calls, newest first. */
  minutes: number[];
  /** The subset of `minutes` in which a call failed. */
  failed: Set<number>;
}

export function apiWindow(minutes: readonly ApiCallMinute[], now: number, windowMinutes: number): ApiWindow {
  const current = Math.floor(now / MINUTE) * MINUTE;
  const from = current - (LOOKBACK_WINDOWS * windowMinutes - 1) * MINUTE;
  const byMinute = new Map<number, boolean>();
  for (const m of minutes)
    if (m.minute >= from && m.minute <= current)
      byMinute.set(m.minute, (byMinute.get(m.minute) ?? false) || m.failed);
  const newest = [...byMinute.keys()].sort((a, b) => b - a).slice(0, windowMinutes);
  return { minutes: newest, failed: new Set(newest.filter((m) => byMinute.get(m))) };
}
