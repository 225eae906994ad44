// How the rest of sagezero uses a stored calibration: the tuner and `simulate --calibration` replay
// with its boot distribution and simulator options (and say so); the tuner's `mode: apply` holds while
// the newest calibration of the endpoint disagrees (src/tune/apply.ts); the report shows it.
import { describeBoot, type BootEstimate } from '../tune/coldstart.js';
import type { Store } from '../store/index.js';
import type { CalibrationFit } from './fit.js';

/** What a calibration run stores: the fit and the verdict with its numbers. */
export interface StoredFit extends CalibrationFit {
  agrees: boolean;
  observedInstanceHours: number;
  predictedInstanceHours: number;
  percent: number | null;
}

export interface CalibrationSummary {
  madeAt: string;
  agrees: boolean;
  bootMedianSeconds: number;
  bootSigma: number;
  alarmDelaySeconds: number;
  simOptions: CalibrationFit['simOptions'];
  observedInstanceHours: number;
  predictedInstanceHours: number;
  percent: number | null;
}

/** The newest stored calibration of an endpoint, if any (undefined on a store without the table). */
export async function latestCalibration(store: Store, endpoint: string): Promise<StoredFit | undefined> {
  return (await latestCalibrations(store, [endpoint])).get(endpoint);
}

/** The newest stored calibration of each endpoint that has one (none on a store without the table). */
export async function latestCalibrations(
  store: Store,
  endpoints: readonly string[],
): Promise<Map<string, StoredFit>> {
  const out = new Map<string, StoredFit>();
  try {
    for (const [e, c] of await store.calibrations.latestOf<StoredFit>(endpoints))
      out.set(e, { ...c.fit, agrees: c.agrees });
  } catch {
    // a store without the table has no calibrations
  }
  return out;
}

export function calibrationSummary(c: StoredFit): CalibrationSummary {
  return {
    madeAt: c.madeAt,
    agrees: c.agrees,
    bootMedianSeconds: c.boot.medianSeconds,
    bootSigma: c.boot.sigma,
    alarmDelaySeconds: c.alarmDelay.seconds,
    simOptions: c.simOptions,
    observedInstanceHours: c.observedInstanceHours,
    predictedInstanceHours: c.predictedInstanceHours,
    percent: c.percent,
  };
}

/** The fitted boot as the tuner's estimate (measured when the fit had samples). */
export function calibratedBoot(c: StoredFit): BootEstimate {
  const d = describeBoot({ kind: 'lognormal', medianSeconds: c.boot.medianSeconds, sigma: c.boot.sigma });
  return { ...d, source: c.boot.source, samples: c.boot.samples.probes + c.boot.samples.scaleOuts };
}

/** One line naming a disagreeing calibration's numbers (tune's hold reason, the report's warning). */
export function disagreementText(endpoint: string, c: StoredFit): string {
  const pct = c.percent === null ? '' : ` (${c.percent >= 0 ? '+' : ''}${c.percent.toFixed(1)}%)`;
  return (
    `${endpoint}: calibration of ${c.madeAt.slice(0, 16)}Z disagrees: simulated ${c.predictedInstanceHours.toFixed(2)} ` +
    `instance-hours against ${c.observedInstanceHours.toFixed(2)} observed${pct} over ` +
    `${c.window.start.slice(0, 16)}Z..${c.window.end.slice(0, 16)}Z`
  );
}

/** What the tuner says about the calibration it used. */
export function calibrationNotes(endpoint: string, c: StoredFit, mode: 'recommend' | 'apply'): string[] {
  const notes = [
    `replays use the calibration of ${c.madeAt.slice(0, 16)}Z (sagezero calibrate): boot median ` +
      `${Math.round(c.boot.medianSeconds)} s, sigma ${c.boot.sigma.toFixed(2)}, alarm delay ${c.alarmDelay.seconds} s ` +
      `(publication delay ${c.simOptions.metricDelaySeconds} s)`,
  ];
  if (!c.agrees) {
    notes.push(
      `${disagreementText(endpoint, c)}; ` +
        (mode === 'apply'
          ? 'tune.mode apply is refused for this endpoint until a calibration agrees again (the recommendation is shown, not applied)'
          : 'treat the recommendation with care'),
    );
  }
  return notes;
}

/** Why `mode: apply` must hold for this endpoint, or undefined when the calibration allows it. */
export async function calibrationHold(store: Store, endpoint: string): Promise<string | undefined> {
  const c = await latestCalibration(store, endpoint);
  return c && !c.agrees ? `${disagreementText(endpoint, c)}; not applying until it agrees again` : undefined;
}
