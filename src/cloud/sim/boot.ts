// How long a simulated instance takes from launch to serving. Published figures for large models
// (DESIGN.md, "AWS facts"): P50 scale-out of 346-525 s for 7-8B models on g5/g6 without container
// caching, "about 10 minutes" for Falcon-40B on ml.g5.12xlarge. The default is a lognormal centred on
// the configured seconds (480 s) with a spread that puts ~90% of boots between 0.78x and 1.28x of it,
// i.e. about 6.2-10.2 minutes, clipped to [0.5x, 2x] so one unlucky draw cannot dominate a run.
import type { Rng } from './rng.js';

export type BootDistribution =
  | { kind: 'fixed'; seconds: number }
  | { kind: 'lognormal'; medianSeconds: number; sigma: number }
  | { kind: 'uniform'; minSeconds: number; maxSeconds: number };

export function defaultBoot(seconds: number): BootDistribution {
  return { kind: 'lognormal', medianSeconds: seconds, sigma: 0.15 };
}

/** The central boot time, what the oracle assumes. */
export function typicalBootSeconds(d: BootDistribution): number {
  if (d.kind === 'fixed') return d.seconds;
  if (d.kind === 'lognormal') return d.medianSeconds;
  return (d.minSeconds + d.maxSeconds) / 2;
}

/** The shortest boot the distribution can produce. */
export function minBootSeconds(d: BootDistribution): number {
  if (d.kind === 'fixed') return d.seconds;
  if (d.kind === 'lognormal') return d.medianSeconds * 0.5;
  return d.minSeconds;
}

export function drawBootMs(d: BootDistribution, rng: Rng): number {
  let s: number;
  if (d.kind === 'fixed') s = d.seconds;
  else if (d.kind === 'uniform') s = d.minSeconds + (d.maxSeconds - d.minSeconds) * rng.next();
  else {
    const x = rng.lognormal(d.medianSeconds, d.sigma);
    s = Math.min(2 * d.medianSeconds, Math.max(0.5 * d.medianSeconds, x));
  }
  return Math.round(s * 1000);
}
