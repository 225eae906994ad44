// Structured JSON logs (pino) with secrets scrubbed from every line, whatever field they hide in.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { Redactor } from '../secrets.js';

export type { Logger };

export function createLogger(
  redactor: Redactor,
  destination: NodeJS.WritableStream = process.stdout,
  level = process.env.SAGEZERO_LOG_LEVEL ?? 'info',
): Logger {
  const scrubbing = new Writable({
    write(chunk: Buffer, _enc, done) {
      destination.write(redactor.redact(chunk.toString()));
      done();
    },
  });
  return pino({ level, base: { app: 'sagezero' }, timestamp: pino.stdTimeFunctions.isoTime }, scrubbing);
}
