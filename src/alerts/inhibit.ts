// While AWS API calls fail, the controllers and probes that make those calls fail with them. One
// "AWS API calls keep failing" alert says so, instead of one alert per victim (what Alertmanager
// calls inhibition). A victim is held, neither firing nor resolving (its scope is withdrawn), when:
// 1. the AWS alert's condition holds now: the AWS alert lists it;
// 2. the victim's failures began less than the AWS rule's window ago, and API calls have failed
//    since then (from the minute before it): the AWS rule gets the time it needs to decide before the
//    victim speaks for itself (so a lasting AccessDenied on one controller still alerts, after that
//    window). Any such minute counts, not just the last one or two: in an outage, calls spend their
//    time in SDK backoff, and the minutes in which one finally fails can be a few apart;
// 3. the victim failed during the AWS alert's last episode: after a resolve, a probe that failed in
//    the outage waits for the next probe instead of alerting as the outage ends.
import type { AlertCondition, EvaluationScope } from './types.js';

const MINUTE = 60_000;

/** When a victim failed: its last failure, and when its run of failures began. */
export interface VictimTimes {
  failedAt: number;
  failingSince: number;
}

export interface InhibitionInput {
  now: number;
  /** Minutes with a failed AWS API call (at least the AWS rule's window, more is fine). */
  errorMinutes: readonly number[];
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
  const current = Math.floor(input.now / MINUTE) * MINUTE;
  const windowFrom = current - input.windowMs + MINUTE;
  /** API calls failed within the window, from the minute before `since` on. */
  const failedSince = (since: number): boolean => {
    const from = Math.max(windowFrom, Math.floor(since / MINUTE) * MINUTE - MINUTE);
    return input.errorMinutes.some((m) => m >= from && m <= current);
  };
  const episode = input.lastEpisode;
  const held = conditions.filter((c) => {
    if (!isVictim(c)) return false;
    const t = input.timesOf(c);
    if (!t) return false;
    if (awsNow) return true;
    if (input.now - t.failingSince < input.windowMs && failedSince(t.failingSince)) return true;
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
