// Alert -> Slack Block Kit message: a header that says what and where, the numbers as fields, what to
// do, a button to the dashboard, and a context line with the alert key. `text` is the notification
// fallback Slack shows where blocks cannot be (push notifications, screen readers).
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { AlertFact, RuleName, Severity } from './types.js';
import { duration, isoMinute } from './units.js';

export type SlackBlocks = NonNullable<IncomingWebhookSendArguments['blocks']>;

export interface SlackPayload {
  text: string;
  blocks: SlackBlocks;
}

export type MessageKind = 'firing' | 'reminder' | 'resolved';

export interface AlertMessage {
  kind: MessageKind;
  key: string;
  rule: RuleName | string;
  endpoint?: string;
  severity: Severity;
  title: string;
  summary: string;
  facts: AlertFact[];
  action?: string;
  firstFiredAt: number;
  now: number;
  dashboardUrl?: string;
  /** Raw mention as configured (@here, <@U123>); used on firing and reminder messages. */
  mention?: string;
}

const EMOJI: Record<Severity | 'resolved', string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
  resolved: ':white_check_mark:',
};

/** Slack's control characters in mrkdwn and plain text fields. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's syntax for @here and friends; user and group mentions are already in it. */
export function slackMention(m: string): string {
  const special: Record<string, string> = {
    '@here': '<!here>',
    '@channel': '<!channel>',
    '@everyone': '<!everyone>',
  };
  return special[m] ?? m;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function dashboardLink(base: string, endpoint: string | undefined): string {
  if (!endpoint) return base;
  try {
    const u = new URL(base);
    u.searchParams.set('endpoint', endpoint);
    return u.toString();
  } catch {
    return base;
  }
}

export function formatAlert(m: AlertMessage): SlackPayload {
  const resolved = m.kind === 'resolved';
  const emoji = resolved ? EMOJI.resolved : EMOJI[m.severity];
  const prefix = resolved ? 'Resolved: ' : m.kind === 'reminder' ? 'Still firing: ' : '';
  const headline = clip(`${prefix}${m.title}`, 140);
  const mention = !resolved && m.mention ? `${slackMention(m.mention)} ` : '';
  const since = duration((m.now - m.firstFiredAt) / 1000);
  const summary = resolved
    ? `${escapeMrkdwn(m.summary)}\nCleared after ${since}.`
    : m.kind === 'reminder'
      ? `${escapeMrkdwn(m.summary)}\nFiring for ${since}.`
      : escapeMrkdwn(m.summary);

  const blocks: SlackBlocks = [
    { type: 'header', text: { type: 'plain_text', text: `${emoji} ${headline}`, emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${mention}${summary}`, 3000) } },
  ];
  if (!resolved && m.facts.length > 0) {
    blocks.push({
      type: 'section',
      // Slack allows ten fields of at most 2000 characters each.
      fields: m.facts.slice(0, 10).map((f) => ({
        type: 'mrkdwn' as const,
        text: clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, 2000),
      })),
    });
  }
  if (!resolved && m.action) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*What to do:* ${escapeMrkdwn(m.action)}`, 3000) },
    });
  }
  if (m.dashboardUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: {
            type: 'plain_text',
            text: m.endpoint ? `Open ${clip(m.endpoint, 40)} in the dashboard` : 'Open the dashboard',
          },
          url: dashboardLink(m.dashboardUrl, m.endpoint),
          ...(resolved
            ? {}
            : { style: m.severity === 'critical' ? ('danger' as const) : ('primary' as const) }),
        },
      ],
    });
  }
  const context = [
    'sagezero',
    m.endpoint ? `endpoint \`${escapeMrkdwn(m.endpoint)}\`` : undefined,
    `rule \`${m.rule}\``,
    `key \`${escapeMrkdwn(m.key)}\``,
    `${resolved ? 'fired' : 'since'} ${isoMinute(m.firstFiredAt)}`,
  ].filter(Boolean);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });

  const text = clip(`${mention}${escapeMrkdwn(`${prefix}${m.title}`)}: ${escapeMrkdwn(m.summary)}`, 3000);
  return { text, blocks };
}

/** `sagezero alerts test`: says what it is, so nobody in the channel takes it for an incident. */
export function formatTestMessage(t: { project: string; configFile: string; now: number }): SlackPayload {
  const what = `sagezero test notification for project \`${escapeMrkdwn(t.project)}\``;
  const body =
    `This is a test sent by \`sagezero alerts test\` at ${isoMinute(t.now)}; nothing is wrong. ` +
    `Alerts from \`${escapeMrkdwn(t.configFile)}\` will arrive in this channel.`;
  return {
    text: `${what}: ${body}`,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: ':bell: sagezero test notification', emoji: true },
      },
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `sagezero · project \`${escapeMrkdwn(t.project)}\`` }],
      },
    ],
  };
}
