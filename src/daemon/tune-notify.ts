// Posts the tuner's recommendation (mode: recommend) or the step it took (mode: apply) to Slack,
// once per distinct recommendation: the same advice every night would teach people to ignore it.
import { createHash } from 'node:crypto';
import type { AlertNotifier } from '../alerts/slack.js';
import type { SlackPayload } from '../alerts/format.js';
import type { Store } from '../store/index.js';

export interface TuneMessage {
  endpoint: string;
  mode: 'recommend' | 'apply';
  /** What the daemon did in apply mode ("idle step is expected to save 31%", or "held: ..."). */
  applied?: string;
  currentCostUsd: number;
  recommendedCostUsd: number;
  recommendedP95Seconds: number;
  changed: string[];
  yaml: string;
  dashboardUrl?: string;
}

const sentKey = (endpoint: string): string => `tune.notified.${endpoint}`;

export function formatTuneMessage(m: TuneMessage): SlackPayload {
  const saving = m.currentCostUsd > 0 ? (1 - m.recommendedCostUsd / m.currentCostUsd) * 100 : 0;
  const headline =
    m.mode === 'apply' && m.applied && !m.applied.startsWith('held')
      ? `sagezero tuner changed the scaling policy of ${m.endpoint}: ${m.applied}`
      : `sagezero tuner recommends a new scaling policy for ${m.endpoint} (expected ${saving.toFixed(0)}% cheaper)`;
  const facts = [
    `*Expected cost* (on the traffic it was tuned on): $${m.currentCostUsd.toFixed(2)} now, $${m.recommendedCostUsd.toFixed(2)} recommended`,
    `*p95 time to result* (recommended): ${Math.round(m.recommendedP95Seconds)} s`,
    `*Changes*: ${m.changed.length > 0 ? m.changed.join(', ') : 'none'}`,
    ...(m.dashboardUrl ? [`<${m.dashboardUrl}|Open the sagezero dashboard>`] : []),
  ];
  const todo =
    m.mode === 'recommend'
      ? 'To adopt it, put this `scaling:` block in the endpoint’s config and run `sagezero apply`:'
      : 'The daemon applies one bounded step per run and rolls back if the objective breaks. Target policy:';
  return {
    text: headline,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: facts.join('\n') } },
      { type: 'section', text: { type: 'mrkdwn', text: `${todo}\n\`\`\`${m.yaml.slice(0, 2500)}\`\`\`` } },
    ],
  };
}

/** Sends unless this exact recommendation was already delivered; returns whether it was sent. */
export async function notifyTune(
  notifier: AlertNotifier,
  store: Store,
  m: TuneMessage,
  now: number,
): Promise<boolean> {
  const digest = createHash('sha256')
    .update(`${m.mode}|${m.applied ?? ''}|${m.yaml}`)
    .digest('hex');
  if (store.meta.get(sentKey(m.endpoint)) === digest) return false;
  const r = await notifier.send(formatTuneMessage(m));
  if (r.ok) store.meta.set(sentKey(m.endpoint), digest, now);
  return r.ok;
}
