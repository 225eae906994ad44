// Rules about sagezero's own operation: drift it found (and whether it could repair it), AWS API
// errors that do not go away, and a controller that keeps failing.
import type { ApiCallMinute, ApiCallTotal } from '../../store/api-calls.js';
import type { ControllerRun } from '../../store/controllers.js';
import { apiWindow } from '../api-window.js';
import type { AlertCondition } from '../types.js';
import { duration, isoMinute } from '../units.js';

export interface DriftEvent {
  endpoint: string;
  at: number;
  /** What differed from the config, one line each (e.g. "alarm sagezero-llm-a-wake: missing"). */
  changes: readonly string[];
  repaired: boolean;
  /** Why the repair failed. */
  error?: string;
  /**
   * What the difference was: drift (default), or a change of desired state the tuner made (a step or a
   * rollback) that the reconcile could not put on the cloud. A tuner change that was applied is not
   * drift and is never reported here (the tuner announces it itself).
   */
  cause?: 'drift' | 'tuner-step' | 'tuner-rollback';
}

const isTunerChange = (e: DriftEvent): boolean => e.cause === 'tuner-step' || e.cause === 'tuner-rollback';

function listChanges(events: readonly DriftEvent[]): { count: number; shown: string } {
  const changes = [...new Set(events.flatMap((e) => e.changes))];
  const shown =
    changes.slice(0, 8).join('\n') + (changes.length > 8 ? `\n… and ${changes.length - 8} more` : '');
  return { count: changes.length, shown };
}

/** One condition per endpoint with drift in `events` (the caller passes the recent ones). */
export function driftAlerts(events: readonly DriftEvent[]): AlertCondition[] {
  const byEndpoint = new Map<string, DriftEvent[]>();
  for (const e of events) {
    // An applied tuner change is sagezero's own doing, not something to alert about as drift.
    if (e.repaired && isTunerChange(e)) continue;
    byEndpoint.set(e.endpoint, [...(byEndpoint.get(e.endpoint) ?? []), e]);
  }
  const out: AlertCondition[] = [];
  for (const [endpoint, list] of byEndpoint) {
    list.sort((a, b) => a.at - b.at);
    const last = list[list.length - 1]!;
    if (!last.repaired) {
      const failed = list.filter((e) => !e.repaired);
      const { shown } = listChanges(list);
      if (failed.every(isTunerChange)) {
        const what =
          last.cause === 'tuner-rollback' ? 'roll back the tuner’s step' : 'apply the tuner’s step';
        out.push({
          key: `drift-unrepaired:${endpoint}`,
          rule: 'drift-unrepaired',
          endpoint,
          severity: 'critical',
          title: `sagezero could not ${what} on ${endpoint}`,
          summary: `The tuner changed the scaling policy of ${endpoint} (tune.mode: apply), and sagezero could not put it on the cloud${last.error ? `: ${last.error}` : ''}. Every reconcile tries again.`,
          facts: [
            { label: 'Failed', value: isoMinute(last.at) },
            { label: 'Changes not applied', value: shown || 'unknown' },
          ],
          action:
            'Read the error: a missing permission (application-autoscaling or cloudwatch) or a resource owned by someone else. sagezero plan shows what is still to change.',
        });
        continue;
      }
      out.push({
        key: `drift-unrepaired:${endpoint}`,
        rule: 'drift-unrepaired',
        endpoint,
        severity: 'critical',
        title: `Drift on ${endpoint} could not be repaired`,
        summary: `${endpoint} differs from the config and sagezero could not put it back${last.error ? `: ${last.error}` : ''}.`,
        facts: [
          { label: 'Detected', value: isoMinute(last.at) },
          { label: 'Differences', value: shown || 'unknown' },
        ],
        action:
          'Run sagezero plan to see the differences and sagezero apply to repair them; if apply fails, the error says why (permissions, a resource owned by someone else).',
      });
    } else {
      const drift = list.filter((e) => !isTunerChange(e));
      const { count, shown } = listChanges(drift);
      out.push({
        key: `drift-repaired:${endpoint}`,
        rule: 'drift-repaired',
        endpoint,
        severity: 'info',
        title: `Drift on ${endpoint} detected and repaired`,
        summary: `Someone or something changed ${endpoint} away from the config (${count} difference${count === 1 ? '' : 's'}); sagezero put it back.`,
        facts: [
          { label: 'Repaired', value: isoMinute(last.at) },
          { label: 'Times in this window', value: String(drift.length) },
          { label: 'Differences', value: shown || 'unknown' },
        ],
        action:
          'Nothing to do if this was a one-off. If it repeats, find who edits these resources (CloudTrail) and make the change in the sagezero config instead.',
      });
    }
  }
  return out;
}

export interface ApiErrorInput {
  /** Minutes with completed calls (from the store), each saying whether one failed; any order. */
  minutes: readonly ApiCallMinute[];
  /** Failed call counts over the window, for the message. */
  failing?: readonly ApiCallTotal[];
  now: number;
  sustainMinutes: number;
}

/**
 * Sustained: failures in at least 80% of the last `sustainMinutes` minutes with completed calls
 * (src/alerts/api-window.ts), including one of the latest two (a burst that has stopped is not
 * sustained).
 */
export function apiErrors(input: ApiErrorInput): AlertCondition | undefined {
  const { minutes, failed } = apiWindow(input.minutes, input.now, input.sustainMinutes);
  const recent = minutes.slice(0, 2).some((m) => failed.has(m));
  if (!recent || failed.size < Math.max(2, Math.ceil(0.8 * input.sustainMinutes))) return undefined;
  const failing = [...(input.failing ?? [])].filter((c) => !c.ok).sort((a, b) => b.count - a.count);
  const top = failing
    .slice(0, 5)
    .map((c) => `${c.service} ${c.operation}: ${c.count}`)
    .join('\n');
  return {
    key: 'aws-api-errors',
    rule: 'aws-api-errors',
    severity: 'warning',
    title: 'AWS API calls keep failing',
    summary: `AWS API calls failed in ${failed.size} of the last ${minutes.length} minutes with calls.`,
    facts: [
      { label: 'Minutes with failures', value: `${failed.size} of ${minutes.length}` },
      ...(top ? [{ label: 'Failing calls', value: top }] : []),
    ],
    action:
      'Check the daemon logs for the error codes: AccessDenied means the role lacks a permission, ExpiredToken means credentials need refreshing, Throttling means too many endpoints are polled too often.',
  };
}

export function controllerFailing(
  runs: readonly ControllerRun[],
  threshold: number,
  now: number,
): AlertCondition[] {
  return runs
    .filter((r) => r.consecutiveErrors >= threshold)
    .map((r) => ({
      key: `controller:${r.controller}`,
      rule: 'controller-failing' as const,
      severity: 'warning' as const,
      title: `sagezero ${r.controller} controller is failing`,
      summary: `The ${r.controller} controller failed ${r.consecutiveErrors} times in a row; the other controllers keep running.`,
      facts: [
        { label: 'Consecutive failures', value: String(r.consecutiveErrors) },
        {
          label: 'Last success',
          value:
            r.lastOkAt !== undefined
              ? `${isoMinute(r.lastOkAt)} (${duration((now - r.lastOkAt) / 1000)} ago)`
              : 'never',
        },
        { label: 'Last error', value: (r.lastError ?? 'unknown').slice(0, 300) },
      ],
      action: "Read the last error and the daemon logs; /metrics shows each controller's run counts.",
    }));
}
