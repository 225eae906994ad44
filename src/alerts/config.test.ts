import { describe, expect, it } from 'vitest';
import { alertsConfigSchema, describeAlertsConfig } from './config.js';

const URL_ = 'https://hooks.slack.com/services/T0AAA/B0BBB/topsecretvalue123';

describe('alertsConfigSchema', () => {
  it('accepts the block from the issue and fills defaults', () => {
    const cfg = alertsConfigSchema.parse({
      slack: { webhookUrl: URL_, mention: '@here' },
      budgets: { monthlyUsd: 2000, thresholds: [0.5, 0.8, 1.0] },
    });
    expect(cfg.budgets).toEqual({ monthlyUsd: 2000, thresholds: [0.5, 0.8, 1.0], forecast: true });
    expect(cfg.repeatMinutes).toBe(240);
    expect(cfg.slack?.timeoutSeconds).toBe(10);
  });

  it('rejects unknown keys and bad values with messages that never quote the URL', () => {
    const r = alertsConfigSchema.safeParse({
      slack: { webhookUrl: 'not a url but a secret', mention: 'here' },
      budgets: { monthlyUsd: -1, thresholds: [0.5, 0.5] },
      repeatMinute: 5,
    });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error?.issues.map((i) => [i.path.join('.'), i.message]));
    expect(text).toContain('slack.webhookUrl');
    expect(text).toContain('must be a Slack incoming webhook URL');
    expect(text).toContain('slack.mention');
    expect(text).toContain('budgets.monthlyUsd');
    expect(text).toContain('must not repeat a threshold');
    expect(r.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
    expect(text).not.toContain('a secret');
  });

  it('takes an empty webhook URL (an unset ${SLACK_WEBHOOK_URL:-}) as Slack off', () => {
    const cfg = alertsConfigSchema.parse({ slack: { webhookUrl: '' } });
    expect(describeAlertsConfig(cfg).slack).toEqual({ configured: false, mention: null, timeoutSeconds: 10 });
  });

  it('describes the config for the API without the URL', () => {
    const cfg = alertsConfigSchema.parse({ slack: { webhookUrl: URL_ } });
    const shown = JSON.stringify(describeAlertsConfig(cfg));
    expect(shown).not.toContain('topsecretvalue123');
    expect(shown).toContain('"configured":true');
  });
});
