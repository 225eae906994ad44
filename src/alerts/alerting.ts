// One object for the daemon: rules + engine + Slack, built from the `alerts:` block.
import type { Clock } from '../clock.js';
import type { AlertsConfig } from './config.js';
import { AlertEngine, type EngineOutcome } from './engine.js';
import { evaluateRules, type AlertInputs } from './evaluate.js';
import { redact } from './redact.js';
import { SlackNotifier, type AlertLogger } from './slack.js';
import type { AlertStateStore } from './state.js';

export interface AlertingOptions {
  config: AlertsConfig;
  state: AlertStateStore;
  clock: Clock;
  log?: AlertLogger;
  /** Used when the config has no dashboardUrl (the daemon knows its own address). */
  dashboardUrl?: string;
  /** For tests: the fetch the Slack client uses. */
  fetch?: typeof globalThis.fetch;
  /** Ends waits between Slack attempts (the daemon's shutdown). */
  signal?: AbortSignal;
}

export interface Alerting {
  /** Runs every rule over `inputs` and notifies/suppresses/resolves; never throws on delivery. */
  evaluate(inputs: AlertInputs): Promise<EngineOutcome[]>;
  /** Whether alerts go to Slack (false: recorded and logged only). */
  readonly slackEnabled: boolean;
  /** Scrubs the webhook URL from text bound for logs or the API. */
  redact(text: string): string;
}

export function createAlerting(opts: AlertingOptions): Alerting {
  const slack = opts.config.slack;
  const notifier =
    slack && slack.webhookUrl !== ''
      ? new SlackNotifier(slack.webhookUrl, {
          clock: opts.clock,
          timeoutMs: slack.timeoutSeconds * 1000,
          ...(opts.log ? { log: opts.log } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
        })
      : undefined;
  const dashboardUrl = opts.config.dashboardUrl ?? opts.dashboardUrl;
  const engine = new AlertEngine({
    state: opts.state,
    clock: opts.clock,
    repeatMinutes: opts.config.repeatMinutes,
    ...(notifier ? { notifier } : {}),
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(slack?.mention ? { mention: slack.mention } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return {
    slackEnabled: notifier !== undefined,
    async evaluate(inputs) {
      const { conditions, scope } = evaluateRules(inputs, opts.config);
      return engine.process(conditions, scope);
    },
    redact: (text) => (notifier ? notifier.redact(text) : redact(text)),
  };
}
