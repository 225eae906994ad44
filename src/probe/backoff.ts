// Polling delays for async results: exponential so a long cold start costs few S3 requests, capped
// so a result is noticed within the cap, and jittered ("equal jitter": half fixed, half random) so
// many probes started by one cron tick do not poll S3 in lockstep.

export interface BackoffOptions {
  /** First delay before jitter, ms. */
  initialMs?: number;
  /** Largest delay before jitter, ms. */
  maxMs?: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export const DEFAULT_INITIAL_POLL_MS = 1_000;
export const DEFAULT_MAX_POLL_MS = 30_000;

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = Math.max(1, options.initialMs ?? DEFAULT_INITIAL_POLL_MS);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? DEFAULT_MAX_POLL_MS);
    this.random = options.random ?? Math.random;
  }

  /** The next delay, ms: within [d/2, d] where d = min(max, initial * 2^n). */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.round(ceiling / 2 + (r * ceiling) / 2);
  }

  /** Back to short delays: something changed and the result is likely near. */
  reset(): void {
    this.attempt = 0;
  }
}
