// What the store says about an endpoint's timing, and the simulator parameters that reproduce it.
//
// Boot. Boot-time samples are cold probes' scale-out phase and scaling activities that took the variant
// from zero to some instances (start -> Successful end): src/tune/coldstart.ts `bootSamplesFromStore`,
// fitted as a lognormal (median of the logs, their standard deviation) by `estimateBoot`.
//
// Alarm timing. The simulator (like CloudWatch) publishes a minute's datapoint D seconds after the
// minute ends (`metricDelaySeconds`) and evaluates alarms once a minute at second O
// (`alarmEvaluationOffsetSeconds`), src/cloud/sim/engine.ts. An alarm that needs k one-minute
// datapoints, the first of them minute m, so acts at  m + k x 60 + X  with  X = D + ((O - D) mod 60):
// the first evaluation at or after the last datapoint became visible. X ("alarm delay") is read off two
// lags the store times exactly:
//   - wake lag: from the start of the first minute of a run of minutes whose HasBacklogWithoutCapacity
//     reached the wake alarm's threshold (1) to the start of the scaling activity that took the variant
//     from 0 instances: lag = evaluationPeriods x periodSeconds + X.
//   - scale-in lag (step idle policies only): from the start of the last minute with a backlog or a
//     processed request to the start of the scaling activity that took the variant to 0. The idle
//     alarm needs `idle.minutes` idle datapoints after it: lag = (idle.minutes + 1) x 60 + X.
//     Target tracking's scale-in rides on its own alarm, cooldown and damping; those lags are shown
//     but not used.
// X is the median of the per-lag estimates (clamped to [0, 660] s). Lags fix X, not D and O apart: any
// D in (X - 60, X] with the matching O acts at the same moments. The fit keeps the simulator's
// evaluation offset O = 30 s and sets D = X - 30, the middle of that range: exact when the true
// evaluation second is 30 (the simulator's default, whatever D is), within 30 s of the true D
// otherwise, and in every case the replay's alarms act within 30 s of the observed ones. The policy
// used to read the lags is the live one (config `scaling:` or the tuner's applied policy); history
// from before a policy change is read with the current policy's alarm shape.
import type { BootDistribution } from '../cloud/sim/boot.js';
import type { ScalingConfig } from '../config/scaling-schema.js';
import type { Store } from '../store/index.js';
import { bootSamplesFromStore, estimateBoot } from '../tune/coldstart.js';
import { median } from './daily.js';

const MINUTE_MS = 60_000;
/** How far before a wake the run of backlogged minutes is looked for. */
const WAKE_LOOKBACK_MS = 60 * MINUTE_MS;
/** How far before a scale-in the last busy minute is looked for. */
const SCALE_IN_LOOKBACK_MS = 26 * 3_600_000;
export const MAX_ALARM_DELAY_SECONDS = 660;
/** The evaluation second the fit keeps (the simulator's default). */
export const EVALUATION_OFFSET_SECONDS = 30;
/** The simulator's defaults (src/cloud/sim/engine.ts simOptions: D = 60, O = 30): X = 90. */
export const DEFAULT_ALARM_DELAY_SECONDS = 90;

export interface CalibrationFit {
  /** When the fit was made (epoch ms; virtual time on cloud: sim). */
  madeAt: string;
  /** The history it was fitted on. */
  window: { start: string; end: string };
  boot: {
    /** Lognormal: median and sigma (of the logs). */
    medianSeconds: number;
    sigma: number;
    source: 'measured' | 'prior';
    samples: { probes: number; scaleOuts: number };
  };
  /** X: from the end of an alarm's last needed minute to the alarm acting (s); see the header. */
  alarmDelay: {
    seconds: number;
    source: 'measured' | 'default';
    samples: { wakes: number; scaleIns: number };
    /** Median observed lags (s), null without a sample. */
    wakeLagSeconds: number | null;
    scaleInLagSeconds: number | null;
  };
  /** The simulator options the fit maps onto (SimulationSettings.simOptions). */
  simOptions: { metricDelaySeconds: number; alarmEvaluationOffsetSeconds: number };
}

export interface LagSamples {
  wake: number[];
  scaleIn: number[];
}

/** Wake and scale-in lags (s) of the variant's scaling activities started in [from, to). */
export async function lagSamples(
  store: Store,
  endpoint: string,
  variant: string,
  from: number,
  to: number,
): Promise<LagSamples> {
  const wake: number[] = [];
  const scaleIn: number[] = [];
  for (const a of await store.activities.between(endpoint, from, to - 1)) {
    if (a.status !== 'Successful' || a.variant !== variant || a.desiredCount === undefined) continue;
    const before = (await store.instances.countAt(endpoint, variant, a.startTime - 1)) ?? 0;
    const startMinute = Math.floor(a.startTime / MINUTE_MS) * MINUTE_MS;
    if (before === 0 && a.desiredCount > 0) {
      const pts = await store.metrics.series(
        endpoint,
        'HasBacklogWithoutCapacity',
        startMinute - WAKE_LOOKBACK_MS,
        startMinute - MINUTE_MS,
      );
      const byMinute = new Map(pts.map((p) => [p.minute, p.value]));
      let first: number | undefined;
      for (let m = startMinute - MINUTE_MS; m >= startMinute - WAKE_LOOKBACK_MS; m -= MINUTE_MS) {
        const v = byMinute.get(m);
        if (v === undefined || v < 1) {
          if (first !== undefined) break;
          continue; // the newest minutes may not have breached yet (or not been published)
        }
        first = m;
      }
      if (first !== undefined) wake.push((a.startTime - first) / 1000);
    } else if (before > 0 && a.desiredCount === 0) {
      const lo = startMinute - SCALE_IN_LOOKBACK_MS;
      const busy = async (metric: string): Promise<number | undefined> => {
        const pts = await store.metrics.series(endpoint, metric, lo, startMinute);
        for (let i = pts.length - 1; i >= 0; i--)
          if ((pts[i] as { value: number }).value > 0) return pts[i]!.minute;
        return undefined;
      };
      const last = Math.max(
        (await busy('ApproximateBacklogSize')) ?? -Infinity,
        (await busy('InvocationsProcessed')) ?? -Infinity,
      );
      if (Number.isFinite(last)) scaleIn.push((a.startTime - last) / 1000);
    }
  }
  return { wake, scaleIn };
}

/** Per-lag estimates of the alarm delay X under `scaling` (see the header). */
export function alarmDelayEstimates(
  lags: LagSamples,
  scaling: ScalingConfig,
): { wake: number[]; scaleIn: number[] } {
  const wake =
    scaling.wake === false
      ? []
      : lags.wake.map(
          (l) =>
            l -
            (scaling.wake as { evaluationPeriods: number; periodSeconds: number }).evaluationPeriods *
              (scaling.wake as { periodSeconds: number }).periodSeconds,
        );
  const scaleIn =
    scaling.idle.mode === 'step' ? lags.scaleIn.map((l) => l - (scaling.idle.minutes + 1) * 60) : [];
  const plausible = (e: number): boolean => e >= -30 && e <= MAX_ALARM_DELAY_SECONDS + 60;
  return { wake: wake.filter(plausible), scaleIn: scaleIn.filter(plausible) };
}

export interface FitInput {
  store: Store;
  endpoint: string;
  variant: string;
  scaling: ScalingConfig;
  /** History [from, to) the lags are read from; boots from the store's whole memory up to `to`. */
  from: number;
  to: number;
  bootFrom: number;
  bootPriorSeconds: number;
  now: number;
}

export async function fitCalibration(i: FitInput): Promise<CalibrationFit> {
  const stored = await bootSamplesFromStore(i.store, i.endpoint, i.variant, i.bootFrom, i.to);
  // A cold probe that woke the endpoint is the scale-out it caused, counted once (src/tune/coldstart.ts):
  // counting both weighted the fit towards probed wakes (self-agreement on calibrate-sim's plain
  // history -3.8% with the duplicates, -1.7% without).
  const samples = { probes: stored.probes, scaleOuts: stored.scaleOuts };
  const boot = estimateBoot([...samples.probes, ...samples.scaleOuts], i.bootPriorSeconds);
  const dist = boot.distribution as Extract<BootDistribution, { kind: 'lognormal' }>;
  const lags = await lagSamples(i.store, i.endpoint, i.variant, i.from, i.to);
  const est = alarmDelayEstimates(lags, i.scaling);
  const all = [...est.wake, ...est.scaleIn];
  const e = median(all);
  const seconds =
    e === null ? DEFAULT_ALARM_DELAY_SECONDS : Math.round(Math.min(MAX_ALARM_DELAY_SECONDS, Math.max(0, e)));
  return {
    madeAt: new Date(i.now).toISOString(),
    window: { start: new Date(i.from).toISOString(), end: new Date(i.to).toISOString() },
    boot: {
      medianSeconds: round1(dist.medianSeconds),
      sigma: Math.round(dist.sigma * 1000) / 1000,
      source: boot.source,
      samples: { probes: samples.probes.length, scaleOuts: samples.scaleOuts.length },
    },
    alarmDelay: {
      seconds,
      source: e === null ? 'default' : 'measured',
      samples: { wakes: est.wake.length, scaleIns: est.scaleIn.length },
      wakeLagSeconds: nullable(median(lags.wake)),
      scaleInLagSeconds: nullable(median(lags.scaleIn)),
    },
    simOptions: {
      metricDelaySeconds: Math.max(0, seconds - EVALUATION_OFFSET_SECONDS),
      alarmEvaluationOffsetSeconds: EVALUATION_OFFSET_SECONDS,
    },
  };
}

/** The boot distribution a fit describes. */
export function fitBoot(fit: CalibrationFit): BootDistribution {
  return { kind: 'lognormal', medianSeconds: fit.boot.medianSeconds, sigma: fit.boot.sigma };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function nullable(x: number | null): number | null {
  return x === null ? null : round1(x);
}
