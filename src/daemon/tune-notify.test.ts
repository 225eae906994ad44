import { describe, expect, it } from 'vitest';
import type { SlackPayload } from '../alerts/format.js';
import { openStore } from '../store/index.js';
import { resolveScaling } from '../config/scaling-schema.js';
import {
  formatRollbackMessage,
  formatTuneMessage,
  notifyRollback,
  notifyTune,
  retryTuneNotices,
  rollbackWhy,
  type RollbackMessage,
  type TuneMessage,
} from './tune-notify.js';

const message: TuneMessage = {
  endpoint: 'llm',
  mode: 'recommend',
  currentCostUsd: 100,
  recommendedCostUsd: 60,
  recommendedP95Seconds: 700,
  changed: ['idle'],
  yaml: 'scaling:\n  idle: { mode: step, minutes: 5 }\n',
};

describe('tuner Slack messages', () => {
  it('says what it saves, what changes, and gives the block to paste', () => {
    const p = formatTuneMessage(message);
    expect(p.text).toBe('sagezero tuner recommends a new scaling policy for llm (expected 40% cheaper)');
    const body = JSON.stringify(p.blocks);
    expect(body).toContain('$100.00 now, $60.00 recommended');
    expect(body).toContain('idle: { mode: step, minutes: 5 }');
  });

  it('posts a recommendation once, again only when it changes, and retries one that failed', async () => {
    const store = await openStore(':memory:');
    const sent: SlackPayload[] = [];
    let fail = false;
    const notifier = {
      send: async (p: SlackPayload) =>
        fail ? { ok: false, attempts: 5 } : (sent.push(p), { ok: true, attempts: 1 }),
    };
    expect(await notifyTune(notifier, store, message, 1)).toBe(true);
    expect(await notifyTune(notifier, store, message, 2)).toBe(false);
    fail = true;
    const changed = { ...message, yaml: 'scaling:\n  maxCapacity: 3\n' };
    expect(await notifyTune(notifier, store, changed, 3)).toBe(false);
    fail = false;
    expect(await notifyTune(notifier, store, changed, 4)).toBe(true);
    expect(sent).toHaveLength(2);
    await store.close();
  });
});

describe('tuner Slack messages in apply mode', () => {
  const AWS = resolveScaling({ preset: 'aws-recommended' });
  const STEP = { ...AWS, idle: { mode: 'step' as const, minutes: 7 } };
  const objective = { p95TimeToResultSeconds: 1200, maxExpired: 0 };
  const T = Date.UTC(2026, 2, 10, 17, 20);

  it('a step says what it changed, that it is on the endpoint, what is watched, and that nothing is to do', () => {
    const p = formatTuneMessage({
      ...message,
      mode: 'apply',
      applied: 'idle step is expected to save 31.0% and meets the objective',
      step: { from: AWS, to: STEP, onCloudAt: T, objective },
    });
    expect(p.text).toBe(
      'sagezero tuner changed the scaling policy of llm: idle step is expected to save 31.0% and meets the objective',
    );
    const body = JSON.stringify(p.blocks);
    expect(body).toContain('*Step taken*: idle: target tracking (15 min) → step, 7 min');
    expect(body).toContain('*On the endpoint*: since 2026-03-10 17:20 UTC');
    expect(body).toContain('goes over 1200 s or more than 0 requests expire');
    expect(body).toContain('No action needed');
    expect(body).not.toContain('Drift on');
  });

  it('a hold names what holds it, and is posted once per recommendation whatever the reason', async () => {
    const store = await openStore(':memory:');
    const sent: SlackPayload[] = [];
    const notifier = { send: async (p: SlackPayload) => (sent.push(p), { ok: true, attempts: 1 }) };
    const held = {
      ...message,
      mode: 'apply' as const,
      applied: 'held: the last change is still being watched',
    };
    expect(await notifyTune(notifier, store, held, 1)).toBe(true);
    expect(JSON.stringify(sent[0]!.blocks)).toContain(
      '*Not applied now*: the last change is still being watched',
    );
    expect(await notifyTune(notifier, store, { ...held, applied: 'held: a probe is in flight' }, 2)).toBe(
      false,
    );
    await store.close();
  });

  const rollback: RollbackMessage = {
    endpoint: 'llm',
    step: STEP,
    restored: AWS,
    stepAt: T,
    rolledBackAt: T + 86_400_000,
    objective,
    before: { requests: 120, expired: 0, p95TimeToResultSeconds: 95 },
    after: { requests: 128, expired: 6, p95TimeToResultSeconds: 640 },
    reason: "6 requests expired (objective: at most 0) after the tuner's change; rolling back",
    onCloudAt: T + 86_400_000,
    banMs: 7 * 86_400_000,
  };

  it('a rollback says what was rolled back, why with the numbers, and that no action is needed unless it repeats', () => {
    const p = formatRollbackMessage(rollback);
    expect(p.text).toBe(
      "sagezero tuner rolled back its last step on llm: 6 requests expired (objective: at most 0) after the tuner's change; rolling back",
    );
    const body = JSON.stringify(p.blocks);
    expect(body).toContain(
      'The step the tuner took at 2026-03-10 17:20 UTC (idle: target tracking (15 min) → step, 7 min)',
    );
    expect(body).toContain(
      'over the 24h 00m since, so the previous policy is back on the endpoint (since 2026-03-11 17:20 UTC)',
    );
    expect(body).toContain(
      '6 requests expired after the step (objective: at most 0); 0 in as long before it',
    );
    expect(body).toContain('128 requests after the step, 120 in as long before it');
    expect(body).toContain('will not take this step again for 7 days');
    expect(body).toContain('If rollbacks repeat');
    expect(body).toContain('tuner rollback');
    expect(body).not.toContain('CloudTrail');
  });

  it('names a broken p95 too, and says when the previous policy is not on the endpoint yet', () => {
    const why = rollbackWhy({
      objective,
      before: { requests: 50, expired: 0, p95TimeToResultSeconds: 300 },
      after: { requests: 40, expired: 0, p95TimeToResultSeconds: Infinity },
    });
    expect(why[0]).toBe(
      'observed p95 time to result no result (requests unserved) after the step (objective: at most 1200 s); 300 s before it',
    );
    const { onCloudAt: _, ...pending } = rollback;
    expect(JSON.stringify(formatRollbackMessage(pending).blocks)).toContain(
      'the next reconcile puts it on the endpoint',
    );
  });

  it('posts a rollback once, and one Slack did not take is tried again at the next alerts run', async () => {
    const store = await openStore(':memory:');
    const sent: SlackPayload[] = [];
    let fail = true;
    const notifier = {
      send: async (p: SlackPayload) =>
        fail ? { ok: false, attempts: 5 } : (sent.push(p), { ok: true, attempts: 1 }),
    };
    const at = rollback.rolledBackAt;
    expect(await notifyRollback(notifier, store, rollback, at)).toBe(false);
    expect(await retryTuneNotices(notifier, store, ['llm'], at + 60_000)).toBe(0);
    fail = false;
    expect(await retryTuneNotices(notifier, store, ['llm'], at + 120_000)).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('rolled back its last step on llm');
    // Delivered: neither the retry nor the same rollback again posts twice.
    expect(await retryTuneNotices(notifier, store, ['llm'], at + 180_000)).toBe(0);
    expect(await notifyRollback(notifier, store, rollback, at + 240_000)).toBe(false);
    expect(sent).toHaveLength(1);
    await store.close();
  });

  it('gives up retrying after a day', async () => {
    const store = await openStore(':memory:');
    let calls = 0;
    const notifier = { send: async () => (calls++, { ok: false, attempts: 5 }) };
    await notifyRollback(notifier, store, rollback, 0);
    expect(await retryTuneNotices(notifier, store, ['llm'], 25 * 3_600_000)).toBe(0);
    expect(calls).toBe(1);
    await store.close();
  });

  it('a retry still in flight when newer news is posted keeps the newer record and posts nothing twice', async () => {
    const store = await openStore(':memory:');
    const sent: string[] = [];
    let fail = true;
    let release: (() => void) | undefined;
    const notifier = {
      send: async (p: SlackPayload) => {
        if (fail) return { ok: false, attempts: 5 };
        // The retry's post waits on Slack until released; everything else goes at once.
        if (p.text.includes('rolled back') && release === undefined)
          await new Promise<void>((r) => (release = r));
        sent.push(p.text);
        return { ok: true, attempts: 1 };
      },
    };
    await notifyRollback(notifier, store, rollback, 0); // fails: waits in the outbox
    fail = false;
    const retry = retryTuneNotices(notifier, store, ['llm'], 60_000);
    while (!release) await new Promise((r) => setImmediate(r));
    // Meanwhile the tune task posts a new recommendation for the same endpoint.
    expect(await notifyTune(notifier, store, message, 90_000)).toBe(true);
    release();
    expect(await retry).toBe(1);
    // The recommendation's record stands: the same recommendation is not posted again.
    expect(await notifyTune(notifier, store, message, 120_000)).toBe(false);
    expect(sent).toHaveLength(2);
    await store.close();
  });
});
