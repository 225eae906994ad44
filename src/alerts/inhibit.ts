// While AWS API calls fail, the controllers and probes that make those calls fail with them. One
// "AWS API calls keep failing" alert says so, instead of one alert per victim (what Alertmanager
// calls inhibition). A victim is held, neither firing nor resolving (its scope is withdrawn), when:
// 1. the AWS alert's condition holds now: the AWS alert lists it;
// 2. the AWS rule has not yet had the evidence it needs to decide: fewer than its N minutes with
//    completed calls (src/alerts/api-window.ts) have begun since the victim's failures began, calls
//    failed in one of them (from the minute before the streak on), and the streak is younger than
//    the rule's lookback. Counting minutes with calls, as the rule does, rather than clock time keeps
//    the two in step when calls slow down: in an outage every minute with calls is a failed one, so
//    the rule has fired by the time a victim's hold ends. A lasting AccessDenied on one controller
//    still alerts on its own once the rule has seen its N minutes and stayed quiet;
// 3. the victim failed during the AWS alert's last episode: after a resolve, a probe that failed in
//    the outage waits for the next probe instead of alerting as the outage ends.
import type { ApiCallMinute } from '../store/api-calls.js';
import { apiWindow, LOOKBACK_WINDOWS } from './api-window.js';
import type { AlertCondition, EvaluationScope } from './types.js';

const MINUTE = 60_000;

/** When a victim failed: its last failure, and when its run of failures began. */
export interface VictimTimes {
  failedAt: number;
  failingSince: number;
}

export interface InhibitionInput {
  now: number;
  /** Minutes with completed AWS API calls (at least the AWS rule's lookback, more is fine). */
  minutes: readonly ApiCallMinute[];
  /** The AWS rule's window, ms. */
  windowMs: number;
  /** The AWS alert's latest episode, from the alert store: fired at, resolved at (open: undefined). */
  lastEpisode?: { firstFiredAt: number; resolvedAt?: number };
  /** Failure times of a victim condition, undefined when unknown (then it is not held). */
  timesOf(c: AlertCondition): VictimTimes | undefined;
}

/** Controller failures, and probes that could not run (model errors and timeouts are the model's). */
export function isVictim(c: AlertCondition): boolean {
  if (c.rule === 'controller-failing') return true;
  return c.rule === 'probe-failed' && c.facts.some((f) => f.label === 'Outcome' && f.value === 'error');
}

export function inhibitWhileAwsFailing(
  conditions: readonly AlertCondition[],
  scope: EvaluationScope,
  input: InhibitionInput,
): { conditions: AlertCondition[]; scope: EvaluationScope } {
  const awsNow = conditions.some((c) => c.rule === 'aws-api-errors');
  const windowMinutes = Math.round(input.windowMs / MINUTE);
  const window = apiWindow(input.minutes, input.now, windowMinutes);
  /** The AWS rule is still deciding about failures that began at `since` (point 2 above). */
  const undecided = (since: number): boolean => {
    if (input.now - since >= LOOKBACK_WINDOWS * input.windowMs) return false;
    const streakMinute = Math.floor(since / MINUTE) * MINUTE;
    const begunSince = window.minutes.filter((m) => m > streakMinute).length;
    return (
      begunSince < windowMinutes &&
      window.minutes.some((m) => m >= streakMinute - MINUTE && window.failed.has(m))
    );
  };
  const episode = input.lastEpisode;
  const held = conditions.filter((c) => {
    if (!isVictim(c)) return false;
    const t = input.timesOf(c);
    if (!t) return false;
    if (awsNow) return true;
    if (undecided(t.failingSince)) return true;
    return (
      episode !== undefined &&
      t.failedAt >= episode.firstFiredAt - input.windowMs &&
      t.failedAt <= (episode.resolvedAt ?? input.now)
    );
  });
  if (held.length === 0) return { conditions: [...conditions], scope };
  const heldSet = new Set(held);
  const heldScopes = new Set(held.map(scopeKey));
  return {
    conditions: conditions
      .filter((c) => !heldSet.has(c))
      .map((c) =>
        c.rule === 'aws-api-errors'
          ? {
              ...c,
              facts: [
                ...c.facts,
                { label: 'Also failing (held)', value: held.map((h) => h.title).join('\n') },
              ],
            }
          : c,
      ),
    scope: {
      covers: (rule, endpoint) =>
        !heldScopes.has(scopeKey({ rule, endpoint })) && scope.covers(rule, endpoint),
    },
  };
}

/** Scope is per (rule, endpoint); controller alerts have no endpoint, so the rule is held whole. */
function scopeKey(c: { rule: string; endpoint?: string | undefined }): string {
  return `${c.rule}|${c.rule === 'controller-failing' ? '' : (c.endpoint ?? '')}`;
}
