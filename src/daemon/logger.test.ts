import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../secrets.js';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes JSON lines with registered secrets scrubbed from messages and fields', async () => {
    const redactor = new Redactor();
    const secret = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    redactor.add(secret);
    let text = '';
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    const log = createLogger(redactor, sink);
    log.error({ url: secret, nested: { err: `POST ${secret} failed` } }, `webhook ${secret} failed`);
    await new Promise((r) => setImmediate(r));
    expect(text).not.toContain('XXXXXXXXXXXXXXXX');
    const line = JSON.parse(text.trim()) as { msg: string; url: string; level: number };
    expect(line.msg).toBe('webhook [redacted] failed');
    expect(line.url).toBe('[redacted]');
    expect(line.level).toBe(50);
  });
});
