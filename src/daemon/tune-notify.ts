// Posts the tuner's news to Slack: its recommendation (mode: recommend), the step it took (mode:
// apply), and the rollback of a step that broke the objective. Each once: the same advice every night
// would teach people to ignore it. These are sagezero's own changes, said as such: never drift alerts.
// A post that fails waits in the store and is tried again at the next alerts run (retryTuneNotices),
// for a day, the way the alert engine retries its own messages.
import { createHash } from 'node:crypto';
import type { AlertNotifier } from '../alerts/slack.js';
import { escapeMrkdwn, type SlackBlocks, type SlackPayload } from '../alerts/format.js';
import { duration, isoMinute } from '../alerts/units.js';
import type { Store } from '../store/index.js';
import type { Objective } from '../tune/config.js';
import type { Observation } from '../tune/guardrails.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import { describeScalingChange } from './tuned.js';

export interface TuneMessage {
  endpoint: string;
  mode: 'recommend' | 'apply';
  /** What the daemon did in apply mode ("idle step is expected to save 31%", or "held: ..."). */
  applied?: string;
  /** The step taken in apply mode: the policy before and after, and whether the cloud runs it yet. */
  step?: {
    from: ScalingConfig;
    to: ScalingConfig;
    /** When the reconcile put it on the cloud; unset: the next reconcile does. */
    onCloudAt?: number;
    objective: Objective;
  };
  currentCostUsd: number;
  recommendedCostUsd: number;
  recommendedP95Seconds: number;
  changed: string[];
  yaml: string;
  dashboardUrl?: string;
}

/** A step the tuner rolled back because the endpoint broke the objective after it. */
export interface RollbackMessage {
  endpoint: string;
  /** The policy of the step that was rolled back, and the one restored. */
  step: ScalingConfig;
  restored: ScalingConfig;
  stepAt: number;
  rolledBackAt: number;
  objective: Objective;
  /** Observed over the time since the step, and over as long before it. */
  before: Observation;
  after: Observation;
  /** The tuner's verdict, as logged. */
  reason: string;
  /** When the reconcile had the previous policy back on the cloud; unset: the next reconcile does. */
  onCloudAt?: number;
  /** How long the rolled-back policy is not tried again. */
  banMs: number;
  dashboardUrl?: string;
}

const sentKey = (endpoint: string): string => `tune.notified.${endpoint}`;
const outboxKey = (endpoint: string): string => `tune.outbox.${endpoint}`;

/** How long a post that failed is tried again. */
const RETRY_FOR_MS = 24 * 3_600_000;

interface Pending {
  digest: string;
  at: number;
  payload: SlackPayload;
}

const isStep = (m: TuneMessage): boolean =>
  m.mode === 'apply' && m.applied !== undefined && !m.applied.startsWith('held');

export function formatTuneMessage(m: TuneMessage): SlackPayload {
  const saving = m.currentCostUsd > 0 ? (1 - m.recommendedCostUsd / m.currentCostUsd) * 100 : 0;
  const headline = isStep(m)
    ? `sagezero tuner changed the scaling policy of ${m.endpoint}: ${m.applied}`
    : `sagezero tuner recommends a new scaling policy for ${m.endpoint} (expected ${saving.toFixed(0)}% cheaper)`;
  const step = isStep(m) ? m.step : undefined;
  const facts = [
    ...(step
      ? [
          `*Step taken*: ${describeScalingChange(step.from, step.to).join('; ') || 'none'}`,
          step.onCloudAt !== undefined
            ? `*On the endpoint*: since ${isoMinute(step.onCloudAt)}`
            : '*On the endpoint*: not yet; the next reconcile applies it',
          `*Watched*: if the observed p95 time to result goes over ${step.objective.p95TimeToResultSeconds} s or more than ${step.objective.maxExpired} requests expire after this step, the daemon rolls it back and says so here`,
        ]
      : []),
    ...(m.mode === 'apply' && m.applied?.startsWith('held')
      ? [`*Not applied now*: ${m.applied.replace(/^held: /, '')}`]
      : []),
    `*Expected cost* (on the traffic it was tuned on): $${m.currentCostUsd.toFixed(2)} now, $${m.recommendedCostUsd.toFixed(2)} recommended`,
    `*p95 time to result* (recommended): ${Math.round(m.recommendedP95Seconds)} s`,
    `*Changes*: ${m.changed.length > 0 ? m.changed.join(', ') : 'none'}`,
    ...(m.dashboardUrl ? [`<${m.dashboardUrl}|Open the sagezero dashboard>`] : []),
  ];
  const todo =
    m.mode === 'recommend'
      ? 'To adopt it, put this `scaling:` block in the endpoint’s config and run `sagezero apply`:'
      : step
        ? 'No action needed: this is sagezero’s own change (tune.mode: apply), not drift. The daemon takes one bounded step per run toward this policy:'
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

function days(ms: number): string {
  const d = ms / 86_400_000;
  return Number.isInteger(d) ? `${d} day${d === 1 ? '' : 's'}` : duration(ms / 1000);
}

function seconds(s: number): string {
  return Number.isFinite(s) ? `${Math.round(s)} s` : 'no result (requests unserved)';
}

/** Which objective broke after the step, with the numbers, and the same figures from before it. */
export function rollbackWhy(m: Pick<RollbackMessage, 'objective' | 'before' | 'after'>): string[] {
  const { objective: o, before, after } = m;
  const out: string[] = [];
  if (after.expired > o.maxExpired)
    out.push(
      `${after.expired} requests expired after the step (objective: at most ${o.maxExpired}); ${before.expired} in as long before it`,
    );
  if (after.p95TimeToResultSeconds > o.p95TimeToResultSeconds)
    out.push(
      `observed p95 time to result ${seconds(after.p95TimeToResultSeconds)} after the step (objective: at most ${o.p95TimeToResultSeconds} s); ${seconds(before.p95TimeToResultSeconds)} before it`,
    );
  out.push(`${after.requests} requests after the step, ${before.requests} in as long before it`);
  return out;
}

export function formatRollbackMessage(m: RollbackMessage): SlackPayload {
  const headline = `sagezero tuner rolled back its last step on ${m.endpoint}`;
  const undone = describeScalingChange(m.restored, m.step);
  const watched = duration((m.rolledBackAt - m.stepAt) / 1000);
  const summary =
    `The step the tuner took at ${isoMinute(m.stepAt)} (${undone.join('; ') || 'no visible change'}) ` +
    `broke the objective over the ${watched} since, so the previous policy is back` +
    (m.onCloudAt !== undefined
      ? ` on the endpoint (since ${isoMinute(m.onCloudAt)}).`
      : '; the next reconcile puts it on the endpoint.');
  const fields: [string, string][] = [
    ['Rolled back', undone.length > 0 ? undone.join('\n') : 'no visible change'],
    ['Restored', describeScalingChange(m.step, m.restored).join('\n') || 'the previous policy'],
    ['Why', rollbackWhy(m).join('\n')],
    ['Tuner’s verdict', m.reason],
  ];
  const action =
    `No action needed: sagezero has put the previous policy back and will not take this step again for ${days(m.banMs)}. ` +
    'If rollbacks repeat, the traffic has changed in a way the tuner’s replay does not see (a client with a short request TTL, say): ' +
    'tighten the objective, or set tune.mode: recommend for this endpoint.';
  const blocks: SlackBlocks = [
    { type: 'header', text: { type: 'plain_text', text: `:rewind: ${headline}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(summary).slice(0, 3000) } },
    {
      type: 'section',
      fields: fields.map(([label, value]) => ({
        type: 'mrkdwn' as const,
        text: `*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value)}`.slice(0, 2000),
      })),
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*What to do:* ${escapeMrkdwn(action)}` } },
    ...(m.dashboardUrl
      ? [
          {
            type: 'section' as const,
            text: { type: 'mrkdwn' as const, text: `<${m.dashboardUrl}|Open the sagezero dashboard>` },
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `sagezero · tuner rollback · endpoint \`${escapeMrkdwn(m.endpoint)}\` · ${isoMinute(m.rolledBackAt)}`,
        },
      ],
    },
  ];
  return { text: `${headline}: ${escapeMrkdwn(m.reason)}`, blocks };
}

/** Sends unless this exact recommendation was already delivered; returns whether it was sent. */
export async function notifyTune(
  notifier: AlertNotifier,
  store: Store,
  m: TuneMessage,
  now: number,
): Promise<boolean> {
  // A hold is the same news whatever holds it: one post per recommendation, not one per reason.
  const what = m.mode === 'apply' && !isStep(m) ? 'held' : (m.applied ?? '');
  const digest = createHash('sha256').update(`${m.mode}|${what}|${m.yaml}`).digest('hex');
  return deliver(notifier, store, m.endpoint, digest, formatTuneMessage(m), now);
}

/** Posts a rollback once (per endpoint and time of rollback); returns whether it was sent now. */
export async function notifyRollback(
  notifier: AlertNotifier,
  store: Store,
  m: RollbackMessage,
  now: number,
): Promise<boolean> {
  return deliver(notifier, store, m.endpoint, `rollback|${m.rolledBackAt}`, formatRollbackMessage(m), now);
}

async function deliver(
  notifier: AlertNotifier,
  store: Store,
  endpoint: string,
  digest: string,
  payload: SlackPayload,
  now: number,
): Promise<boolean> {
  if ((await store.meta.get(sentKey(endpoint))) === digest) return false;
  const r = await notifier.send(payload);
  if (r.ok) {
    await store.meta.set(sentKey(endpoint), digest, now);
    await store.meta.delete(outboxKey(endpoint));
  } else {
    await store.meta.setJson(outboxKey(endpoint), { digest, at: now, payload } satisfies Pending, now);
  }
  return r.ok;
}

/** Tries again the tuner posts that failed (the newest per endpoint, for a day); returns how many went. */
export async function retryTuneNotices(
  notifier: AlertNotifier,
  store: Store,
  endpoints: readonly string[],
  now: number,
): Promise<number> {
  let sent = 0;
  for (const endpoint of endpoints) {
    const p = await store.meta.getJson<Pending>(outboxKey(endpoint));
    if (!p) continue;
    if (now - p.at > RETRY_FOR_MS || (await store.meta.get(sentKey(endpoint))) === p.digest) {
      await store.meta.delete(outboxKey(endpoint));
      continue;
    }
    const r = await notifier.send(p.payload);
    if (!r.ok) continue;
    sent++;
    // The tune task may have posted or queued newer news while this post was in flight: then its
    // record stands (overwriting it with this older digest would post the newer news twice, and
    // deleting its outbox entry would lose it).
    await store.transaction(async () => {
      const still = await store.meta.getJson<Pending>(outboxKey(endpoint));
      if (still?.digest !== p.digest || still.at !== p.at) return;
      await store.meta.set(sentKey(endpoint), p.digest, now);
      await store.meta.delete(outboxKey(endpoint));
    });
  }
  return sent;
}
