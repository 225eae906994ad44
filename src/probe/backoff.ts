// Polling delays for async results: exponential so a long wait costs few requests, capped so a
// change is noticed within the cap, and jittered (by default "equal jitter": half fixed, half random)
// so many probes started by one cron tick do not poll in lockstep.

export interface BackoffOptions {
  /** First delay before jitter, ms. */
  initialMs?: number;
  /** Largest delay before jitter, ms. */
  maxMs?: number;
  /** Uniform in [0, 1); injectable so tests and seeded simulations repeat. Default: Math.random. */
  random?: () => number;
  /**
   * The random share of each delay, 0-1 (default 0.5, "equal jitter"): a delay is within
   * [d * (1 - jitter), d]. A smaller share keeps a long schedule's worst case (every draw 0) close to
   * its plan while still spreading clients that started together.
   */
  jitter?: number;
}

/**
 * A cloud that supplies the randomness its clients jitter with: the simulated cloud does, from its
 * seed, so that where a probe polls (and with it the whole simulated run) repeats for a seed. The real
 * cloud does not, and polling jitters with Math.random.
 */
export interface JitterSource {
  jitterRandom(): number;
}

/** The cloud's own random source, when it has one (see JitterSource). */
export function jitterFrom(cloud: object): (() => number) | undefined {
  const source = cloud as Partial<JitterSource>;
  return typeof source.jitterRandom === 'function'
    ? () => (source as JitterSource).jitterRandom()
    : undefined;
}

export const DEFAULT_INITIAL_POLL_MS = 1_000;
export const DEFAULT_MAX_POLL_MS = 30_000;

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private readonly jitter: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = Math.max(1, options.initialMs ?? DEFAULT_INITIAL_POLL_MS);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? DEFAULT_MAX_POLL_MS);
    this.random = options.random ?? Math.random;
    this.jitter = Math.min(Math.max(options.jitter ?? 0.5, 0), 1);
  }

  /** The next delay, ms: within [d * (1 - jitter), d] where d = min(max, initial * 2^n). */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.round(ceiling * (1 - this.jitter) + r * ceiling * this.jitter);
  }

  /** Back to short delays: something changed and the result is likely near. */
  reset(): void {
    this.attempt = 0;
  }
}
