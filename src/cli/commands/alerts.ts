// sagezero alerts test -c FILE: one test message through the configured Slack webhook, as
// Alertmanager's and Grafana's "test notification" do, because a healthy daemon raises no alert and
// so never shows whether the webhook works. Prints Slack's answer (HTTP status), never the URL: the
// URL is the secret that lets anyone post to the channel.
import type { Command } from 'commander';
import { formatTestMessage } from '../../alerts/format.js';
import { SlackNotifier } from '../../alerts/slack.js';
import { SystemClock } from '../../clock.js';
import { loadConfig } from '../../config/load.js';
import { EXIT, UserError } from '../errors.js';
import type { Output } from '../output.js';

export interface AlertsTestOptions {
  config: string;
}

export function registerAlerts(program: Command, out: Output, setExit: (code: number) => void): void {
  const alerts = program.command('alerts').description('alert delivery (Slack)');
  alerts
    .command('test')
    .description(
      'send one test message through the configured Slack webhook and print whether Slack accepted it (exit 0 sent, 1 failed)',
    )
    .requiredOption('-c, --config <file>', 'sagezero YAML config')
    .action(async (opts: AlertsTestOptions) => {
      setExit(await runAlertsTest(opts, out));
    });
}

export async function runAlertsTest(opts: AlertsTestOptions, out: Output): Promise<number> {
  const config = loadConfig(opts.config);
  const slack = config.alerts?.slack;
  if (!slack || slack.webhookUrl === '') {
    throw new UserError(
      `no Slack webhook configured in ${opts.config}: set alerts.slack.webhookUrl, ` +
        `usually as webhookUrl: "\${SLACK_WEBHOOK_URL}" with SLACK_WEBHOOK_URL exported ` +
        `(an incoming webhook URL like https://hooks.slack.com/services/T.../B.../...)`,
    );
  }
  // One attempt, as a test notification: the answer is what the user came for, not a delivery.
  const clock = new SystemClock();
  const notifier = new SlackNotifier(slack.webhookUrl, {
    clock,
    timeoutMs: slack.timeoutSeconds * 1000,
    maxAttempts: 1,
  });
  const host = new URL(slack.webhookUrl).host;
  const result = await notifier.send(
    formatTestMessage({ project: config.project, configFile: opts.config, now: clock.now() }),
  );
  if (result.ok) {
    out.out(`Slack accepted the test message (HTTP ${result.status ?? 200} from ${host}).`);
    return EXIT.ok;
  }
  const answer =
    result.status !== undefined ? `Slack answered HTTP ${result.status}` : `could not reach ${host}`;
  out.err(`error: the test message was not sent: ${answer}${result.error ? `: ${result.error}` : ''}`);
  if (result.status === 403 || result.status === 404 || result.status === 410)
    out.err(
      'The webhook may have been revoked or its channel archived: create a new incoming webhook in Slack and set alerts.slack.webhookUrl (or SLACK_WEBHOOK_URL) to it.',
    );
  return EXIT.error;
}
