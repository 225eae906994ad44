import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../clock.js';
import { AlertEngine } from './engine.js';
import type { SlackPayload } from './format.js';
import type { AlertNotifier, DeliveryResult } from './slack.js';
import { MemoryAlertState } from './state.js';
import { scopeOf, type AlertCondition, type RuleName } from './types.js';

const MIN = 60_000;

class RecordingNotifier implements AlertNotifier {
  sent: SlackPayload[] = [];
  failNext = 0;
  async send(p: SlackPayload): Promise<DeliveryResult> {
    if (this.failNext > 0) {
      this.failNext--;
      return { ok: false, attempts: 5, status: 500, error: 'HTTP 500' };
    }
    this.sent.push(p);
    return { ok: true, attempts: 1 };
  }
  headers(): string[] {
    return this.sent.map((p) => {
      const h = p.blocks[0] as { text: { text: string } };
      return h.text.text;
    });
  }
}

function cond(
  key: string,
  rule: RuleName = 'probe-failed',
  extra: Partial<AlertCondition> = {},
): AlertCondition {
  return {
    key,
    rule,
    endpoint: 'llm-a',
    severity: 'critical',
    title: `Probe failed on llm-a`,
    summary: 'The last probe of llm-a timed out after 30m 00s.',
    facts: [],
    action: 'look',
    ...extra,
  };
}

const all = scopeOf([
  ['probe-failed', 'llm-a'],
  ['budget-month-to-date', undefined],
]);

function setup(repeatMinutes = 60) {
  const clock = new SkippingClock(Date.UTC(2026, 0, 5));
  const state = new MemoryAlertState();
  const notifier = new RecordingNotifier();
  const engine = new AlertEngine({
    state,
    notifier,
    clock,
    repeatMinutes,
    dashboardUrl: 'http://127.0.0.1:8080/',
  });
  return { clock, state, notifier, engine };
}

describe('AlertEngine', () => {
  it('fires once, suppresses repeats within the window, reminds after it, then resolves', async () => {
    const { clock, notifier, engine, state } = setup(60);
    const c = cond('probe-failed:llm-a');
    expect((await engine.process([c], all)).map((o) => o.action)).toEqual(['fired']);
    for (let i = 0; i < 5; i++) {
      await clock.sleep(10 * MIN);
      expect((await engine.process([c], all)).map((o) => o.action)).toEqual(['suppressed']);
    }
    await clock.sleep(10 * MIN); // 60 min after the first message
    expect((await engine.process([c], all)).map((o) => o.action)).toEqual(['repeated']);
    await clock.sleep(MIN);
    expect((await engine.process([], all)).map((o) => o.action)).toEqual(['resolved']);
    expect(notifier.headers()).toEqual([
      ':rotating_light: Probe failed on llm-a',
      ':rotating_light: Still firing: Probe failed on llm-a',
      ':white_check_mark: Resolved: Probe failed on llm-a',
    ]);
    expect((await state.get('probe-failed:llm-a'))?.state).toBe('resolved');
    // Once resolved, the same problem fires again as new.
    expect((await engine.process([c], all)).map((o) => o.action)).toEqual(['fired']);
  });

  it('does not resolve what it did not evaluate', async () => {
    const { engine } = setup();
    await engine.process([cond('probe-failed:llm-a')], all);
    expect(await engine.process([], scopeOf([['probe-failed', 'other']]))).toEqual([]);
  });

  it('retries a failed delivery at the next evaluation instead of suppressing it', async () => {
    const { engine, notifier } = setup();
    notifier.failNext = 1;
    expect((await engine.process([cond('k')], all))[0]).toMatchObject({
      action: 'failed',
      error: 'HTTP 500',
    });
    expect((await engine.process([cond('k')], all))[0]?.action).toBe('fired');
    expect(notifier.sent).toHaveLength(1);
  });

  it('keeps an alert firing when its resolve message fails, and resolves it later', async () => {
    const { engine, notifier, state } = setup();
    await engine.process([cond('probe-failed:llm-a')], all);
    notifier.failNext = 1;
    expect((await engine.process([], all))[0]?.action).toBe('failed');
    expect((await state.get('probe-failed:llm-a'))?.state).toBe('firing');
    expect((await engine.process([], all))[0]?.action).toBe('resolved');
  });

  it('records silent conditions without a message, and closes them without one', async () => {
    const { engine, notifier, state } = setup();
    const silent = cond('budget:mtd:2026-01:0.5', 'budget-month-to-date', {
      silent: true,
      endpoint: undefined,
    });
    expect((await engine.process([silent], all))[0]?.action).toBe('recorded');
    expect((await state.get(silent.key))?.state).toBe('firing');
    expect((await engine.process([], all))[0]?.action).toBe('closed');
    expect(notifier.sent).toHaveLength(0);
  });

  it('closes non-resolvable rules silently when they clear', async () => {
    const { engine, notifier } = setup();
    const mtd = cond('budget:mtd:2026-01:0.8', 'budget-month-to-date', { endpoint: undefined });
    await engine.process([mtd], all);
    expect((await engine.process([], all))[0]?.action).toBe('closed');
    expect(notifier.sent).toHaveLength(1);
  });

  it('survives a notifier that throws', async () => {
    const { clock, state } = setup();
    const engine = new AlertEngine({
      state,
      clock,
      repeatMinutes: 60,
      notifier: {
        send: async () => {
          throw new Error('https://hooks.slack.com/services/T1/B2/secretsecret');
        },
      },
    });
    const [o] = await engine.process([cond('k')], all);
    expect(o?.action).toBe('failed');
    expect(JSON.stringify(o)).not.toContain('secretsecret');
  });

  it('logs a suppressed repeat at debug, so the default info log shows only what changed', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as { level: number; msg: string });
        done();
      },
    });
    const { clock, state, notifier } = setup(60);
    const engine = new AlertEngine({
      state,
      notifier,
      clock,
      repeatMinutes: 60,
      log: pino({ level: 'debug' }, sink),
    });
    const c = cond('probe-failed:llm-a');
    for (let i = 0; i < 3; i++) {
      await engine.process([c], all);
      await clock.sleep(MIN);
    }
    const suppressed = lines.filter((l) => l.msg.startsWith('alert suppressed'));
    // pino's numeric levels: debug 20, info 30.
    expect(suppressed.map((l) => l.level)).toEqual([20, 20]);
    expect(lines.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual([
      'alert firing sent: Probe failed on llm-a',
    ]);
  });

  it('counts alerts as told when no webhook is configured, so resolves still happen', async () => {
    const { clock, state } = setup();
    const engine = new AlertEngine({ state, clock, repeatMinutes: 60 });
    expect((await engine.process([cond('probe-failed:llm-a')], all))[0]?.action).toBe('fired');
    expect((await engine.process([], all))[0]?.action).toBe('resolved');
  });
});
