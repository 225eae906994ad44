import { describe, expect, it } from 'vitest';
import { describeError, redact, secretsOf } from './redact.js';

const URL_ = 'https://hooks.slack.com/services/T0ABCDEF1/B0GHIJKL2/s3cr3tT0k3nV4lu3xyz';

describe('redact', () => {
  it('hides the whole URL, its path and its token wherever they appear', () => {
    const secrets = secretsOf(URL_);
    const text = `POST ${URL_} failed; path=/services/T0ABCDEF1/B0GHIJKL2/s3cr3tT0k3nV4lu3xyz token=s3cr3tT0k3nV4lu3xyz host hooks.slack.com/services/T0ABCDEF1/B0GHIJKL2/s3cr3tT0k3nV4lu3xyz`;
    const out = redact(text, secrets);
    expect(out).not.toContain('s3cr3tT0k3nV4lu3xyz');
    expect(out).not.toContain('B0GHIJKL2');
    expect(out).toContain('<redacted>');
    expect(out).toMatch(/^POST <redacted> failed/);
  });

  it('hides Slack webhook URLs it was not told about', () => {
    const out = redact(
      'see https://hooks.slack.com/services/TAAA/BBBB/zzzzzzzzzzzz and /services/T1/B2/abcdefghijk',
    );
    expect(out).not.toMatch(/zzzz|abcdefghijk/);
  });

  it('hides a loopback URL standing in for Slack, including its port-qualified host and path', () => {
    const url = 'http://127.0.0.1:43123/services/T000/B000/loopbacksecret123';
    const out = redact(
      `connect ECONNREFUSED at ${url} (/services/T000/B000/loopbacksecret123)`,
      secretsOf(url),
    );
    expect(out).not.toContain('loopbacksecret123');
  });

  it('follows error causes, as fetch hides the reason there', () => {
    const inner = Object.assign(new Error(`connect ECONNREFUSED for ${URL_}`), { code: 'ECONNREFUSED' });
    const outer = new Error('fetch failed', { cause: inner });
    const text = describeError(
      new Error('A request error occurred: fetch failed', { cause: outer }),
      secretsOf(URL_),
    );
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('s3cr3t');
  });
});
