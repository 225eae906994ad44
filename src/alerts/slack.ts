// Delivery to a Slack incoming webhook through the official @slack/webhook client. Failures are
// retried with backoff on the Clock (so tests and the simulated cloud run them in virtual time) and
// end as a result, never as an exception: an unreachable Slack must not stop the daemon. The URL is
// kept in private fields and scrubbed from every error and log line, including the client's own
// errors, which can quote it.
import { inspect } from 'node:util';
import { IncomingWebhook, type FetchFunction } from '@slack/webhook';
import type { Clock } from '../clock.js';
import { Backoff } from '../probe/backoff.js';
import type { SlackPayload } from './format.js';
import { describeError, redact, secretsOf } from './redact.js';

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** HTTP status of the last attempt, if Slack answered. */
  status?: number;
  /** Why the last attempt failed, redacted. */
  error?: string;
}

/** Anything that can deliver a formatted alert; never throws. */
export interface AlertNotifier {
  send(payload: SlackPayload): Promise<DeliveryResult>;
}

/** The slice of a pino logger the alerts use (pino's `logger.warn(obj, msg)` fits). */
export interface AlertLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SlackNotifierOptions {
  clock: Clock;
  /** Per-request timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** Attempts per message, first included (default 5). */
  maxAttempts?: number;
  /** Backoff between attempts (default 2 s doubling to 60 s, jittered). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  log?: AlertLogger;
  /** For tests: the fetch the client uses. */
  fetch?: typeof globalThis.fetch;
  /** Stops waiting between attempts (the daemon's shutdown): the message is given up, not retried later. */
  signal?: AbortSignal;
}

/** Longest Retry-After honoured; Slack asks for seconds, not hours. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export class SlackNotifier implements AlertNotifier {
  readonly #webhook: IncomingWebhook;
  readonly #secrets: string[];
  readonly #options: SlackNotifierOptions;
  #retryAfterMs: number | undefined;
  #lastStatus: number | undefined;

  constructor(webhookUrl: string, options: SlackNotifierOptions) {
    this.#secrets = secretsOf(webhookUrl);
    this.#options = options;
    const baseFetch = options.fetch ?? globalThis.fetch;
    // Wrapped to read Retry-After, which the client's errors do not carry.
    const fetchFn = (async (url: string | URL, init?: RequestInit) => {
      this.#retryAfterMs = undefined;
      this.#lastStatus = undefined;
      const res = await baseFetch(url, init);
      this.#lastStatus = res.status;
      if (res.status === 429) this.#retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return res;
    }) as unknown as FetchFunction;
    this.#webhook = new IncomingWebhook(webhookUrl, {
      timeout: options.timeoutMs ?? 10_000,
      // Retries are ours: on the Clock, and for 429 as well.
      retryConfig: { retries: 0 },
      fetch: fetchFn,
    });
  }

  /** Scrubs the webhook URL (and any other Slack webhook URL) from `text`. */
  redact(text: string): string {
    return redact(text, this.#secrets);
  }

  async send(payload: SlackPayload): Promise<DeliveryResult> {
    const max = Math.max(1, this.#options.maxAttempts ?? 5);
    const backoff = new Backoff({
      initialMs: this.#options.initialDelayMs ?? 2_000,
      maxMs: this.#options.maxDelayMs ?? 60_000,
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    let last: DeliveryResult = { ok: false, attempts: 0 };
    for (let attempt = 1; attempt <= max; attempt++) {
      try {
        await this.#webhook.send(payload);
        return {
          ok: true,
          attempts: attempt,
          ...(this.#lastStatus !== undefined ? { status: this.#lastStatus } : {}),
        };
      } catch (e) {
        const status = httpStatusOf(e);
        const body = bodyOf(e);
        const error = this.redact(
          `${describeError(e, this.#secrets)}${body ? ` (Slack said: ${body.slice(0, 200)})` : ''}`,
        );
        const retryable = status === undefined || status >= 500 || status === 429;
        last = { ok: false, attempts: attempt, error, ...(status !== undefined ? { status } : {}) };
        const willRetry = retryable && attempt < max;
        this.#options.log?.warn(
          { attempt, maxAttempts: max, status: status ?? null, error, willRetry },
          'slack webhook delivery failed',
        );
        if (!willRetry) return last;
        const delay =
          status === 429 && this.#retryAfterMs !== undefined
            ? Math.min(this.#retryAfterMs, MAX_RETRY_AFTER_MS)
            : backoff.next();
        try {
          await this.#options.clock.sleep(delay, this.#options.signal);
        } catch {
          return last;
        }
      }
    }
    return last;
  }

  toJSON(): Record<string, string> {
    return { type: 'slack', webhookUrl: '<redacted>' };
  }

  [inspect.custom](): string {
    return 'SlackNotifier { webhookUrl: <redacted> }';
  }
}

function httpStatusOf(e: unknown): number | undefined {
  const err = e as { code?: unknown; statusCode?: unknown };
  return err?.code === 'slack_webhook_http_error' && typeof err.statusCode === 'number'
    ? err.statusCode
    : undefined;
}

function bodyOf(e: unknown): string | undefined {
  const body = (e as { body?: unknown })?.body;
  return typeof body === 'string' && body.trim() !== '' ? body.trim() : undefined;
}

export function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}
