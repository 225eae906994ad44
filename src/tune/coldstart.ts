// The endpoint's cold-start distribution: how long an instance takes from launch to serving. Measured
// two ways in the store: cold probes time "scale-out began -> InService" directly, and a scaling
// activity that took the variant from zero instances to some completes when the new instance serves
// (Application Auto Scaling marks it Successful once the endpoint is InService again). With no
// measurement yet the configured prior stands in.
import type { BootDistribution } from '../cloud/sim/boot.js';
import type { Store } from '../store/index.js';

/** Boots shorter or longer than this are not boots (a failed activity, a clock skew). */
const PLAUSIBLE_SECONDS: [number, number] = [10, 7200];
/** Spread assumed around a prior or a single sample (the simulator's default, ~±25% at 90%). */
export const DEFAULT_SIGMA = 0.15;

export interface BootEstimate {
  distribution: BootDistribution;
  source: 'measured' | 'prior';
  samples: number;
  medianSeconds: number;
  /** The 90th percentile: what a pre-warm must allow for. */
  p90Seconds: number;
}

const Z90 = 1.2816;

export function estimateBoot(samples: readonly number[], priorSeconds: number): BootEstimate {
  const ok = samples.filter((s) => s >= PLAUSIBLE_SECONDS[0] && s <= PLAUSIBLE_SECONDS[1]);
  if (ok.length === 0) return lognormal(priorSeconds, DEFAULT_SIGMA, 'prior', 0);
  const logs = ok.map(Math.log).sort((a, b) => a - b);
  const mid = logs.length >> 1;
  const medianLog =
    logs.length % 2 ? (logs[mid] as number) : ((logs[mid - 1] as number) + (logs[mid] as number)) / 2;
  let sigma = DEFAULT_SIGMA;
  if (logs.length >= 3) {
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const v = logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1);
    // A handful of near-identical boots must not promise a pre-warm to the second.
    sigma = Math.min(1, Math.max(0.05, Math.sqrt(v)));
  }
  return lognormal(Math.exp(medianLog), sigma, 'measured', ok.length);
}

function lognormal(median: number, sigma: number, source: BootEstimate['source'], n: number): BootEstimate {
  return {
    distribution: { kind: 'lognormal', medianSeconds: median, sigma },
    source,
    samples: n,
    medianSeconds: median,
    // The simulator clips boots at 2x the median.
    p90Seconds: Math.min(2 * median, median * Math.exp(Z90 * sigma)),
  };
}

/** A known distribution (a benchmark's or a test's), described like a measured one. */
export function describeBoot(d: BootDistribution): BootEstimate {
  if (d.kind === 'fixed')
    return { distribution: d, source: 'prior', samples: 0, medianSeconds: d.seconds, p90Seconds: d.seconds };
  if (d.kind === 'uniform') {
    return {
      distribution: d,
      source: 'prior',
      samples: 0,
      medianSeconds: (d.minSeconds + d.maxSeconds) / 2,
      p90Seconds: d.minSeconds + 0.9 * (d.maxSeconds - d.minSeconds),
    };
  }
  return { ...lognormal(d.medianSeconds, d.sigma, 'prior', 0), distribution: d };
}

/**
 * Boot-time samples (seconds) in [from, to): scale-outs from zero and cold probes' scale-out phase,
 * each cold start once. A cold probe is itself woken by (or waits on) a scale-out from zero, and its
 * scale-out phase is timed from that activity when the store has it (src/probe/phases.ts): the probe
 * and the activity are one boot, and counting both would weight the estimate towards the boots a
 * probe happened to watch. The activity is kept (AAS's own start and end); a probe stands for a boot
 * only when no counted activity overlaps its life (e.g. activities not polled yet).
 */
export async function bootSamplesFromStore(
  store: Store,
  endpoint: string,
  variant: string,
  from: number,
  to: number,
): Promise<{ probes: number[]; scaleOuts: number[] }> {
  const scaleOuts: number[] = [];
  const boots: [number, number][] = [];
  for (const a of await store.activities.between(endpoint, from, to)) {
    if (a.status !== 'Successful' || a.endTime === undefined || (a.desiredCount ?? 0) < 1) continue;
    if (a.variant !== variant) continue;
    const before = await store.instances.countAt(endpoint, variant, a.startTime - 1);
    if (before !== 0) continue;
    scaleOuts.push((a.endTime - a.startTime) / 1000);
    boots.push([a.startTime, a.endTime]);
  }
  const probes = (await store.probes.between(endpoint, from, to))
    .filter((p) => p.cold && p.outcome === 'success' && p.scaleOutS !== undefined)
    .filter((p) => {
      // The same overlap src/probe/phases.ts's wakeActivity uses to pick the probe's activity.
      const end = p.finishedAt ?? p.startedAt + (p.totalS ?? 0) * 1000;
      return !boots.some(([s, e]) => s <= end && e >= p.startedAt);
    })
    .map((p) => p.scaleOutS as number);
  return { probes, scaleOuts };
}
