// The report's calibration section: the newest stored calibration of each configured endpoint (made
// by `sagezero calibrate`; the report does not replay anything itself), and a warning for each one
// whose prediction disagrees with what the endpoint did.
import type { EndpointConfig } from '../config/load.js';
import type { ReportCalibration } from '../cost/report-types.js';
import type { Store } from '../store/index.js';
import { disagreementText, latestCalibrations } from './use.js';

export async function reportCalibration(
  store: Store,
  endpoints: readonly Pick<EndpointConfig, 'name'>[],
  warnings: string[],
): Promise<ReportCalibration[]> {
  const out: ReportCalibration[] = [];
  const latest = await latestCalibrations(
    store,
    endpoints.map((e) => e.name),
  );
  for (const e of endpoints) {
    const c = latest.get(e.name);
    if (!c) continue;
    out.push({
      endpoint: e.name,
      madeAt: c.madeAt,
      window: c.window,
      observedInstanceHours: c.observedInstanceHours,
      predictedInstanceHours: c.predictedInstanceHours,
      differencePercent: c.percent,
      agrees: c.agrees,
      bootMedianSeconds: c.boot.medianSeconds,
      bootSigma: c.boot.sigma,
      alarmDelaySeconds: c.alarmDelay.seconds,
      samples: { ...c.boot.samples, ...c.alarmDelay.samples },
    });
    if (!c.agrees)
      warnings.push(
        `${disagreementText(e.name, c)}; tune.mode apply holds for this endpoint until it agrees again`,
      );
  }
  return out;
}
