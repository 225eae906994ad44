// Turns the conditions of each evaluation into notifications, once: a new condition fires, the same
// key again within `repeatMinutes` is suppressed (then repeated as "still firing"), and a key that is
// no longer reported, for a rule that was evaluated, resolves. A delivery that fails is retried at the
// next evaluation (the record keeps no lastNotifiedAt); the engine itself never throws on delivery.
import type { Clock } from '../clock.js';
import type { AlertRecord } from '../store/alerts.js';
import { formatAlert, type AlertMessage, type MessageKind } from './format.js';
import type { AlertLogger, AlertNotifier } from './slack.js';
import type { AlertStateStore } from './state.js';
import { RULES, type AlertCondition, type EvaluationScope, type RuleName, type Severity } from './types.js';

export interface AlertEngineOptions {
  state: AlertStateStore;
  /** Undefined: alerts are recorded (and visible in the API) but not sent anywhere. */
  notifier?: AlertNotifier;
  clock: Clock;
  repeatMinutes: number;
  dashboardUrl?: string;
  mention?: string;
  log?: AlertLogger;
}

export interface EngineOutcome {
  key: string;
  rule: string;
  endpoint?: string;
  action: 'fired' | 'repeated' | 'suppressed' | 'recorded' | 'resolved' | 'closed' | 'failed';
  error?: string;
}

const MAX_SUMMARY = 1000;

export class AlertEngine {
  constructor(private readonly options: AlertEngineOptions) {}

  async process(conditions: readonly AlertCondition[], scope: EvaluationScope): Promise<EngineOutcome[]> {
    const now = this.options.clock.now();
    const outcomes: EngineOutcome[] = [];
    const active = new Set<string>();
    for (const c of conditions) {
      if (active.has(c.key)) continue;
      active.add(c.key);
      outcomes.push(await this.onCondition(c, now));
    }
    for (const rec of await this.options.state.firing()) {
      if (active.has(rec.key) || !scope.covers(rec.rule, rec.endpoint)) continue;
      outcomes.push(await this.onCleared(rec, now));
    }
    return outcomes;
  }

  private async onCondition(c: AlertCondition, now: number): Promise<EngineOutcome> {
    const base = { key: c.key, rule: c.rule, ...(c.endpoint ? { endpoint: c.endpoint } : {}) };
    const prev = await this.options.state.get(c.key);
    const summary = `${c.title}: ${c.summary}`.slice(0, MAX_SUMMARY);
    const isNew = !prev || prev.state !== 'firing';
    const rec: AlertRecord = isNew
      ? { key: c.key, rule: c.rule, state: 'firing', firstFiredAt: now, lastFiredAt: now, summary }
      : { ...prev, lastFiredAt: now, summary };
    if (c.endpoint) rec.endpoint = c.endpoint;
    if (isNew) {
      delete rec.lastNotifiedAt;
      delete rec.resolvedAt;
    }

    if (c.silent) {
      await this.options.state.save(rec);
      return { ...base, action: 'recorded' };
    }
    let kind: MessageKind | undefined;
    if (rec.lastNotifiedAt === undefined) kind = 'firing';
    else if (now - rec.lastNotifiedAt >= this.options.repeatMinutes * 60_000) kind = 'reminder';
    if (!kind) {
      await this.options.state.save(rec);
      // Every evaluation of a firing alert lands here until the repeat window ends: at info it would
      // bury the lines an operator watches for.
      this.options.log?.debug({ ...base }, 'alert suppressed (repeat within the window)');
      return { ...base, action: 'suppressed' };
    }
    const message = this.message(kind, c, rec.firstFiredAt, now);
    const result = await this.deliver(message);
    if (result.ok) rec.lastNotifiedAt = now;
    await this.options.state.save(rec);
    if (!result.ok) return { ...base, action: 'failed', ...(result.error ? { error: result.error } : {}) };
    return { ...base, action: kind === 'firing' ? 'fired' : 'repeated' };
  }

  private async onCleared(rec: AlertRecord, now: number): Promise<EngineOutcome> {
    const base = { key: rec.key, rule: rec.rule, ...(rec.endpoint ? { endpoint: rec.endpoint } : {}) };
    const resolvable = (RULES as Record<string, { resolvable: boolean }>)[rec.rule]?.resolvable ?? true;
    // Nobody was told it fired (silent, or every delivery failed): nobody needs to be told it cleared.
    if (!resolvable || rec.lastNotifiedAt === undefined) {
      await this.options.state.save({ ...rec, state: 'resolved', resolvedAt: now });
      return { ...base, action: 'closed' };
    }
    const [title, ...rest] = rec.summary.split(': ');
    const message: AlertMessage = {
      kind: 'resolved',
      key: rec.key,
      rule: rec.rule,
      severity: 'info',
      title: title ?? rec.summary,
      summary: rest.length > 0 ? `Was: ${rest.join(': ')}` : rec.summary,
      facts: [],
      firstFiredAt: rec.firstFiredAt,
      now,
      ...(rec.endpoint ? { endpoint: rec.endpoint } : {}),
      ...(this.options.dashboardUrl ? { dashboardUrl: this.options.dashboardUrl } : {}),
    };
    const result = await this.deliver(message);
    if (!result.ok) {
      // Stays firing: the resolve is tried again next time, so the channel is not left believing it.
      return { ...base, action: 'failed', ...(result.error ? { error: result.error } : {}) };
    }
    await this.options.state.save({ ...rec, state: 'resolved', resolvedAt: now, lastNotifiedAt: now });
    return { ...base, action: 'resolved' };
  }

  private message(kind: MessageKind, c: AlertCondition, firstFiredAt: number, now: number): AlertMessage {
    return {
      kind,
      key: c.key,
      rule: c.rule,
      severity: c.severity,
      title: c.title,
      summary: c.summary,
      facts: c.facts,
      action: c.action,
      firstFiredAt,
      now,
      ...(c.endpoint ? { endpoint: c.endpoint } : {}),
      ...(this.options.dashboardUrl ? { dashboardUrl: this.options.dashboardUrl } : {}),
      ...(this.options.mention ? { mention: this.options.mention } : {}),
    };
  }

  private async deliver(m: AlertMessage): Promise<{ ok: boolean; error?: string }> {
    const fields = { key: m.key, rule: m.rule, endpoint: m.endpoint ?? null, kind: m.kind };
    if (!this.options.notifier) {
      // Recorded only: counts as told, so that the state machine (repeats, resolves) still runs.
      this.options.log?.info(fields, `alert ${m.kind} (no Slack webhook configured): ${m.title}`);
      return { ok: true };
    }
    try {
      const r = await this.options.notifier.send(formatAlert(m));
      if (r.ok)
        this.options.log?.info({ ...fields, attempts: r.attempts }, `alert ${m.kind} sent: ${m.title}`);
      else
        this.options.log?.warn(
          { ...fields, attempts: r.attempts, error: r.error ?? null },
          'alert delivery failed; will retry at the next evaluation',
        );
      return r.error !== undefined ? { ok: r.ok, error: r.error } : { ok: r.ok };
    } catch (e) {
      // A notifier is not supposed to throw; if one does, the daemon still must not stop.
      const error = e instanceof Error ? e.name : 'unknown error';
      this.options.log?.warn({ ...fields, error }, 'alert notifier threw; will retry at the next evaluation');
      return { ok: false, error };
    }
  }
}

export type { RuleName, Severity };
