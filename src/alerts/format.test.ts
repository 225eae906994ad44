import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, formatAlert, type AlertMessage } from './format.js';

const base: AlertMessage = {
  kind: 'firing',
  key: 'cold-start-slo:llm-a',
  rule: 'cold-start-slo',
  endpoint: 'llm-a',
  severity: 'warning',
  title: 'Cold start over SLO on llm-a',
  summary: 'The last cold probe of llm-a took 14m 10s, over its 12m 00s SLO.',
  facts: [
    { label: 'Cold start', value: '14m 10s' },
    { label: 'SLO', value: '12m 00s' },
  ],
  action: 'Use container caching <fast> & keep warm',
  firstFiredAt: Date.UTC(2026, 0, 5, 6),
  now: Date.UTC(2026, 0, 5, 7, 30),
  dashboardUrl: 'http://127.0.0.1:8080/',
  mention: '@here',
};

type AnyBlock = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { url?: string; text?: unknown }[];
};

describe('formatAlert', () => {
  it('builds header, summary with mention, facts, what to do, dashboard button and context', () => {
    const p = formatAlert(base);
    const blocks = p.blocks as AnyBlock[];
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(blocks[0]?.text?.text).toBe(':warning: Cold start over SLO on llm-a');
    expect(blocks[1]?.text?.text).toMatch(/^<!here> The last cold probe/);
    expect(blocks[2]?.fields?.map((f) => f.text)).toEqual(['*Cold start*\n14m 10s', '*SLO*\n12m 00s']);
    expect(blocks[3]?.text?.text).toBe('*What to do:* Use container caching &lt;fast&gt; &amp; keep warm');
    expect(blocks[4]?.elements?.[0]?.url).toBe('http://127.0.0.1:8080/?endpoint=llm-a');
    expect(JSON.stringify(blocks[5])).toContain('cold-start-slo:llm-a');
    expect(p.text).toBe(
      '<!here> Cold start over SLO on llm-a: The last cold probe of llm-a took 14m 10s, over its 12m 00s SLO.',
    );
  });

  it('writes a short resolved message without mention, facts or advice', () => {
    const p = formatAlert({ ...base, kind: 'resolved', facts: [], action: undefined as unknown as string });
    const blocks = p.blocks as AnyBlock[];
    expect(blocks[0]?.text?.text).toBe(':white_check_mark: Resolved: Cold start over SLO on llm-a');
    expect(blocks[1]?.text?.text).toContain('Cleared after 1h 30m');
    expect(blocks[1]?.text?.text).not.toContain('<!here>');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
  });

  it('keeps within Slack limits (10 fields, 150-character header)', () => {
    const p = formatAlert({
      ...base,
      title: 'x'.repeat(400),
      facts: Array.from({ length: 14 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(3000) })),
    });
    const blocks = p.blocks as AnyBlock[];
    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(blocks[2]?.fields).toHaveLength(10);
    for (const f of blocks[2]?.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
  });

  it('escapes Slack control characters', () => {
    expect(escapeMrkdwn('<a> & <b>')).toBe('&lt;a&gt; &amp; &lt;b&gt;');
  });
});
