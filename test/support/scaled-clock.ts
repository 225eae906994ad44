// Wall-clock time sped up `factor` times: now() runs factor times faster than Date.now() from the
// moment the clock is made, and sleep(ms) waits ms/factor of real time. It lets a test watch the
// daemon's minute-based rules (sustained API errors, alert resolves) against real HTTP peers in
// seconds, while everything below the clock (SDK retries and their backoff, sockets, the fault
// proxy, moto) runs in real time. The relative effect: SDK backoff looks `factor` times shorter to
// the daemon than it would in production.
import type { Clock } from '../../src/clock.js';
import { SystemClock } from '../../src/clock.js';

export class ScaledClock implements Clock {
  private readonly wall = new SystemClock();
  private readonly origin = Date.now();

  constructor(readonly factor: number) {}

  now(): number {
    return Math.round(this.origin + (Date.now() - this.origin) * this.factor);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.wall.sleep(Math.max(0, ms) / this.factor, signal);
  }
}
