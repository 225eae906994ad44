// The real-time section of an endpoint's report: each component's share of the endpoint's
// instance-hours and spend (realtime-share.ts says how they are allocated) and its cold starts,
// from the copy history telemetry records and from the component's probes.
import { componentCopiesKey } from '../telemetry/realtime.js';
import type { Store } from '../store/index.js';
import {
  countSegments,
  integrate,
  percentileSorted,
  type CountSegment,
  type PricePoint,
} from './integrate.js';
import { roundToSum, shareSegments, type ShareComponent } from './realtime-share.js';
import type { Percentiles, RealtimeComponentReport, RealtimeEndpointReport } from './report-types.js';

export interface RealtimeReportEndpoint {
  name: string;
  variantName: string;
  instanceType: string;
  pricePerHourUsd?: number | undefined;
  baselineInstances?: number | undefined;
  managedScaling: { minInstances: number; maxInstances: number };
  components: readonly (ShareComponent & { componentName: string })[];
}

export interface RealtimeSectionInput {
  store: Store;
  endpoint: RealtimeReportEndpoint;
  /** Where history is read from (before the window: copies that left instances idle into it). */
  from: number;
  window: { start: number; end: number };
  prices: readonly PricePoint[];
  /** The endpoint's own figures, unrounded, which the shares must add up to. */
  total: { instanceHours: number; spendUsd: number | undefined };
  baselineBasis: string;
}

export async function realtimeSection(input: RealtimeSectionInput): Promise<RealtimeEndpointReport> {
  const { store, endpoint: e, from, window: w, prices } = input;
  const hist = await store.instances.window(e.name, e.variantName, from, w.end);
  const instances = countSegments(hist.initial ?? 0, hist.transitions, from, w.end);
  const copies = await Promise.all(
    e.components.map(async (c) => {
      const h = await store.instances.window(e.name, componentCopiesKey(c.componentName), from, w.end);
      return { initial: h.initial ?? 0, transitions: h.transitions };
    }),
  );
  const shares = shareSegments(instances, e.components, copies);
  const clip = (segs: readonly CountSegment[]): CountSegment[] =>
    segs
      .map((s) => ({ from: Math.max(s.from, w.start), to: Math.min(s.to, w.end), count: s.count }))
      .filter((s) => s.to > s.from);
  const parts = [...shares.components, shares.unattributed].map((segs) => integrate(clip(segs), prices));
  const hours = roundToSum(
    parts.map((p) => p.instanceHours),
    input.total.instanceHours,
  );
  const spend =
    input.total.spendUsd === undefined
      ? undefined
      : roundToSum(
          parts.map((p) => p.spendUsd ?? 0),
          input.total.spendUsd,
        );

  const probes = (await store.probes.between(e.name, w.start, w.end)).filter((p) => p.cold);
  const components: RealtimeComponentReport[] = e.components.map((c, i) => {
    const mine = probes.filter((p) => p.component === c.componentName);
    const answered = mine.filter((p) => p.outcome === 'success' && p.totalS !== undefined);
    const failed = answered.map((p) => p.failedInvocations ?? 0);
    return {
      name: c.name,
      componentName: c.componentName,
      instanceHoursShare: hours[i]!,
      spendShareUsd: spend ? spend[i]! : null,
      coldStarts: {
        count: copyWakes(copies[i]!, w),
        probes: mine.length,
        timeToFirstResultSeconds: percentiles(answered.map((p) => p.totalS!)),
        failedInvocationsPerWake:
          failed.length === 0 ? null : round(failed.reduce((a, b) => a + b, 0) / failed.length, 2),
      },
    };
  });
  const u = e.components.length;
  return {
    baselineBasis: input.baselineBasis,
    sharedBy: shares.weightedBy,
    unattributedInstanceHours: hours[u]!,
    unattributedSpendUsd: spend ? spend[u]! : null,
    components,
  };
}

/** Transitions of the copy count from zero to some, inside the window. */
function copyWakes(
  h: { initial: number; transitions: readonly { at: number; count: number }[] },
  w: { start: number; end: number },
): number {
  let prev = h.initial;
  let n = 0;
  for (const t of h.transitions) {
    if (prev === 0 && t.count > 0 && t.at >= w.start && t.at < w.end) n++;
    prev = t.count;
  }
  return n;
}

function percentiles(seconds: readonly number[]): Percentiles | null {
  if (seconds.length === 0) return null;
  const v = Float64Array.from(seconds).sort();
  return {
    p50: round(percentileSorted(v, 0.5)!, 1),
    p95: round(percentileSorted(v, 0.95)!, 1),
    samples: v.length,
    measured: v.length,
    estimated: 0,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
