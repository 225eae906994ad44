import { describe, expect, it } from 'vitest';
import type { SlackPayload } from '../alerts/format.js';
import { openStore } from '../store/index.js';
import { formatTuneMessage, notifyTune, type TuneMessage } from './tune-notify.js';

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
    const store = openStore(':memory:');
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
    store.close();
  });
});
