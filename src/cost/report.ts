// The cost report: per endpoint and in total over a window, instance-hours and GPU-hours, spend,
// the always-on baseline, savings, cold starts and the spend probes caused. docs/COST-METHOD.md
// defines every figure; this file is that definition in code.
import type { Clock } from '../clock.js';
import type { Config, EndpointConfig } from '../config/load.js';
import type { ColdProbe, EndpointLifeSpan, StepPoint, Store } from '../store/index.js';
import { gpusPerInstance } from './gpus.js';
import {
  countSegments,
  HOUR_MS,
  integrate,
  integrateBuckets,
  percentileSorted,
  type BucketTotals,
  type CountSegment,
  type PricePoint,
  type Totals,
} from './integrate.js';
import type { PriceResolver, PriceSegment } from './prices.js';
import type {
  ColdStarts,
  CostFigures,
  CostReport,
  EndpointLife,
  EndpointReport,
  Percentiles,
  ReportGap,
  SeriesPoint,
} from './report-types.js';
import { buckets, type ReportWindow } from './window.js';
import { reportCalibration } from '../calibrate/report.js';
import { alwaysOnFloor } from './realtime-share.js';
import { realtimeSection, type RealtimeReportEndpoint } from './report-realtime.js';
import { billingSection } from './billing-report.js';
import { mapLimited } from '../map-limited.js';

/** What the report reads of an endpoint's config; a realtime endpoint is adapted to it. */
type ReportTarget = Pick<
  EndpointConfig,
  'name' | 'variantName' | 'instanceType' | 'pricePerHourUsd' | 'baselineInstances'
> & { scaling: Pick<EndpointConfig['scaling'], 'minCapacity'> };

export interface ReportDeps {
  store: Store;
  config: Pick<Config, 'project' | 'region' | 'cloud' | 'endpoints'> & {
    /** `kind: realtime` endpoints (report-realtime.ts adds their components' shares). */
    realtimeEndpoints?: readonly RealtimeReportEndpoint[];
  };
  prices: PriceResolver;
  clock: Clock;
}

const MIN = 60_000;
/** A probe started this long before the window can still own instance time inside it. */
const PROBE_LOOKBACK_MS = 24 * HOUR_MS;
/** A cold probe that has not finished is credited with a wake up to this long after its start. */
const PROBE_WAKE_HORIZON_MS = 2 * HOUR_MS;
/**
 * Where the age of the oldest request is read around a wake. The age keeps growing until an
 * instance picks the request up, so its peak sits at the wake itself: a few minutes either side
 * catch it (however long the request waited) without reading the whole idle stretch.
 */
const WAKE_LOOKBACK_MS = 2 * MIN;
const WAKE_LOOKAHEAD_MS = 5 * MIN;
export const COLD_START_BUCKETS_S = [60, 120, 180, 300, 420, 600, 900, 1200, 1800, 3600];

/** Endpoints read at once; the PostgreSQL pool has 10 connections. */
const REPORT_CONCURRENCY = 8;

export async function buildReport(deps: ReportDeps, w: ReportWindow): Promise<CostReport> {
  const { config } = deps;
  const warnings: string[] = [];
  const bucketList = buckets(w);
  const endpoints: EndpointReport[] = [];
  const samples: TtfrSample[] = [];
  // Endpoints are read several at a time, each with its own warnings, joined in config order: a
  // store on a database server answers concurrent reads at once, where one endpoint after another
  // the report waited on each of its ~7 round trips in turn (bench/RESULTS.md, "the store").
  const parts = [
    ...(await mapLimited(config.endpoints, REPORT_CONCURRENCY, async (e) => {
      const own: string[] = [];
      return { ...(await endpointReport(deps, e, w, bucketList, own)), own };
    })),
    ...(await mapLimited(config.realtimeEndpoints ?? [], REPORT_CONCURRENCY, async (e) => {
      const own: string[] = [];
      return { ...(await realtimeEndpointReport(deps, e, w, bucketList, own)), own };
    })),
  ];
  for (const { report, ttfr, own } of parts) {
    endpoints.push(report);
    samples.push(...ttfr);
    warnings.push(...own);
  }
  const { gaps, backfilledTransitions } = await reportGaps(deps, w, warnings);
  const calibration = await reportCalibration(deps.store, config.endpoints, warnings);
  const billing = await billingSection(deps, w.start, w.end, warnings);
  return {
    project: config.project,
    region: config.region,
    cloud: config.cloud,
    currency: 'USD',
    generatedAt: iso(deps.clock.now()),
    window: {
      start: iso(w.start),
      end: iso(w.end),
      hours: round((w.end - w.start) / HOUR_MS),
      step: w.step ?? null,
    },
    endpoints,
    total: totalFigures(endpoints, samples, bucketList.length > 0),
    gaps,
    backfilledTransitions,
    ...(calibration.length > 0 ? { calibration } : {}),
    ...(billing ? { billing } : {}),
    warnings,
  };
}

/**
 * The window's telemetry gaps, one per endpoint of the report (and any all-endpoints row from
 * before gaps were kept per endpoint), clipped to the window; their recovered transitions summed;
 * and a warning per stretch, naming its endpoints and the sum over them.
 */
async function reportGaps(
  deps: ReportDeps,
  w: ReportWindow,
  warnings: string[],
): Promise<{ gaps: ReportGap[]; backfilledTransitions: number }> {
  const names = [...deps.config.endpoints, ...(deps.config.realtimeEndpoints ?? [])].map((e) => e.name);
  const inReport = new Set(names);
  const gaps: ReportGap[] = (await deps.store.gaps.overlapping(w.start, w.end))
    .filter((g) => g.endpoint === null || inReport.has(g.endpoint))
    .map((g) => ({
      endpoint: g.endpoint,
      start: iso(Math.max(g.start, w.start)),
      end: iso(Math.min(g.end, w.end)),
      backfilledTransitions: g.backfilledTransitions,
    }));

  // Endpoints polled together fall silent together: one warning per stretch, not per endpoint.
  const stretches = new Map<string, ReportGap[]>();
  for (const g of gaps) {
    const key = `${g.start}/${g.end}/${g.endpoint === null ? 'all' : 'each'}`;
    const list = stretches.get(key);
    if (list) list.push(g);
    else stretches.set(key, [g]);
  }
  for (const list of stretches.values()) {
    const { start, end } = list[0]!;
    const n = sumRecovered(list);
    if (list[0]!.endpoint === null) {
      warnings.push(
        `no telemetry from ${start} to ${end} (recorded before gaps were kept per endpoint: all endpoints, ` +
          `one endpoint's count); instance history there comes from scaling activities (${n} transitions recovered)`,
      );
      continue;
    }
    const eps = list.map((g) => g.endpoint!);
    const who =
      eps.length > 1 && eps.length === names.length ? `all ${eps.length} endpoints` : eps.join(', ');
    const each = list.filter((g) => g.backfilledTransitions > 0);
    const detail =
      eps.length > 1 && n > 0
        ? `: ${each.map((g) => `${g.endpoint} ${g.backfilledTransitions}`).join(', ')}`
        : '';
    warnings.push(
      `no telemetry from ${start} to ${end} for ${who}; instance history there comes from scaling activities ` +
        `(${n} transitions recovered${detail})`,
    );
  }
  const backfilledTransitions = sumRecovered(gaps);
  if (stretches.size > 1) {
    warnings.push(
      `${backfilledTransitions} transitions recovered from scaling activities over ${stretches.size} telemetry gaps`,
    );
  }
  return { gaps, backfilledTransitions };
}

function sumRecovered(gaps: readonly ReportGap[]): number {
  return gaps.reduce((n, g) => n + g.backfilledTransitions, 0);
}

interface TtfrSample {
  seconds: number;
  measured: boolean;
}

/**
 * A realtime endpoint: its variant's instances are billed and integrated as an async endpoint's are
 * (its always-on baseline is the floor of alwaysOnFloor), plus its components' shares and cold starts.
 */
async function realtimeEndpointReport(
  deps: ReportDeps,
  e: RealtimeReportEndpoint,
  w: ReportWindow,
  bucketList: { start: number; end: number }[],
  warnings: string[],
): Promise<{ report: EndpointReport; ttfr: TtfrSample[] }> {
  const floor = alwaysOnFloor(
    e.instanceType,
    e.components,
    e.managedScaling.minInstances,
    e.baselineInstances,
  );
  const target: ReportTarget = {
    name: e.name,
    variantName: e.variantName,
    instanceType: e.instanceType,
    pricePerHourUsd: e.pricePerHourUsd,
    baselineInstances: floor.instances,
    scaling: { minCapacity: e.managedScaling.minInstances },
  };
  const { report, ttfr, used, prices } = await endpointReport(deps, target, w, bucketList, warnings);
  if (report.probes.wakes > 0) {
    warnings.push(
      `${e.name}: probe spend assumes no other request shared a probe's wake (invocation counts of realtime endpoints are not recorded)`,
    );
  }
  report.kind = 'realtime';
  report.realtime = await realtimeSection({
    store: deps.store,
    endpoint: e,
    from: w.start - PROBE_LOOKBACK_MS,
    window: w,
    prices,
    total: used,
    baselineBasis: floor.basis,
  });
  return { report, ttfr };
}

async function endpointReport(
  deps: ReportDeps,
  e: ReportTarget,
  w: ReportWindow,
  bucketList: { start: number; end: number }[],
  warnings: string[],
): Promise<{ report: EndpointReport; ttfr: TtfrSample[]; used: Totals; prices: PricePoint[] }> {
  const { store } = deps;
  const variant = e.variantName;

  // Transitions from a day before the window (probes started then may own time inside it) to its end.
  const from = w.start - PROBE_LOOKBACK_MS;
  const hist = await store.instances.window(e.name, variant, from, w.end);
  const steps: StepPoint[] = hist.transitions;
  const initialAtFrom = hist.initial ?? 0;
  const countAtStart = countAt(initialAtFrom, steps, w.start);
  const segments = countSegments(countAtStart, steps, w.start, w.end);

  const { current, segments: priceSegs } = await deps.prices.timeline(
    deps.config.region,
    e.instanceType,
    e.pricePerHourUsd,
  );
  const prices: PricePoint[] = priceSegs;
  if (!current) {
    warnings.push(
      `${e.name}: no price known for ${e.instanceType} in ${deps.config.region}; set pricePerHourUsd to report spend`,
    );
  }
  const gpus = gpusPerInstance(e.instanceType) ?? null;
  if (gpus === null) warnings.push(`${e.name}: GPUs per ${e.instanceType} unknown; GPU-hours not reported`);

  const used = integrate(segments, prices);
  // The always-on baseline runs only while the endpoint existed: from its creation (or the first
  // record sagezero has of it) to its deletion. Spend covers the same time by construction: the
  // count is 0 before the first record and from a deletion on.
  const baselineInstances = e.baselineInstances ?? Math.max(1, e.scaling.minCapacity);
  const lives = await store.instances.lives(e.name, variant);
  const baselineSegs: CountSegment[] = lifeSegments(lives, w, baselineInstances);
  const baseline = integrate(baselineSegs, prices);

  // Wakes: 0 -> n transitions. Needs the count just before each transition.
  const wakes: { at: number; prevAt: number }[] = [];
  {
    let prev = initialAtFrom;
    let prevAt = from;
    for (const t of steps) {
      if (prev === 0 && t.count > 0) wakes.push({ at: t.at, prevAt });
      if (t.count !== prev) prevAt = t.at;
      prev = t.count;
    }
  }
  const wakesInWindow = wakes.filter((x) => x.at >= w.start && x.at < w.end);

  const probeInfo = await probeAttribution(deps, e.name, steps, initialAtFrom, from, w, prices, wakes);
  const ttfr: TtfrSample[] = probeInfo.coldProbeTotals.map((s) => ({ seconds: s, measured: true }));
  const unprobed = wakesInWindow.filter((x) => !probeInfo.wokenAt.has(x.at));
  const ages = await store.metrics.aggregate(
    e.name,
    'ApproximateAgeOfOldestRequest',
    unprobed.map((x) => ({
      from: floorMin(Math.max(x.prevAt, x.at - WAKE_LOOKBACK_MS)),
      to: floorMin(x.at + WAKE_LOOKAHEAD_MS),
    })),
    'max',
  );
  for (const a of ages) if (a !== undefined && a > 0) ttfr.push({ seconds: a, measured: false });

  const coldStarts: ColdStarts = {
    count: wakesInWindow.length,
    byProbes: wakesInWindow.filter((x) => probeInfo.wokenAt.has(x.at)).length,
    timeToFirstResultSeconds: percentiles(ttfr),
    histogram: histogram(ttfr.map((s) => s.seconds)),
  };

  const figures: CostFigures = {
    instanceHours: round(used.instanceHours),
    gpuHours: gpus === null ? null : round(used.instanceHours * gpus),
    spendUsd: money(used.spendUsd),
    baseline: { instanceHours: round(baseline.instanceHours), spendUsd: money(baseline.spendUsd) },
    ...savings(used.spendUsd, baseline.spendUsd),
    coldStarts,
    probes: {
      instanceHours: round(probeInfo.instanceHours),
      spendUsd: money(probeInfo.spendUsd),
      wakes: probeInfo.wokenAt.size,
    },
  };
  if (bucketList.length > 0) {
    const used_ = integrateBuckets(segments, prices, bucketList);
    const base_ = integrateBuckets(baselineSegs, prices, bucketList);
    figures.series = toSeries(used_, base_);
  }

  const inWindow = priceSegs.filter(
    (p, i) => i === priceSegs.length - 1 || (priceSegs[i + 1]?.from ?? Infinity) > w.start,
  );
  const relevant = inWindow.filter((p) => p.from < w.end);
  // The first life starts at the first record sagezero has (instances.lives reads it): one read less.
  const first = lives[0];
  const life = endpointLife(lives);
  if (!first) {
    warnings.push(
      `${e.name}: no instance history recorded yet; instance-hours and the always-on baseline are 0`,
    );
  } else if (first.start > w.start && life?.startSource !== 'created') {
    // Created inside the window: nothing is missing, the endpoint did not exist before.
    warnings.push(
      `${e.name}: instance history starts at ${iso(first.start)}, after the window start; earlier time counts as 0 instances and is left out of the always-on baseline`,
    );
  }
  for (const a of life?.absent ?? []) {
    if (Date.parse(a.end) > w.start && Date.parse(a.start) < w.end) {
      warnings.push(
        `${e.name}: deleted at ${a.start} and re-created at ${a.end}; the always-on baseline leaves that time out`,
      );
    }
  }
  return {
    report: {
      name: e.name,
      variant,
      instanceType: e.instanceType,
      gpusPerInstance: gpus,
      baselineInstances,
      price: {
        usdPerHour: current?.usdPerHour ?? null,
        source: current?.source ?? null,
        detail: current?.detail ?? 'no price known',
        changes:
          relevant.length > 1
            ? relevant.map((p: PriceSegment) => ({
                from: Number.isFinite(p.from) ? iso(p.from) : null,
                usdPerHour: p.usdPerHour,
                source: p.source,
              }))
            : [],
      },
      historyStart: first ? iso(first.start) : null,
      life,
      ...figures,
    },
    ttfr,
    used,
    prices,
  };
}

interface ProbeAttribution {
  instanceHours: number;
  spendUsd: number | undefined;
  /** Times of the wakes credited to a probe. */
  wokenAt: Set<number>;
  /** total_s of successful cold probes started in the window. */
  coldProbeTotals: number[];
}

/**
 * A cold probe is charged with the instance time of the wake it caused: from the first 0 -> n
 * transition between its start and its end, until the endpoint next went back to zero or a real
 * request was processed, whichever came first. If other requests were processed while the probe
 * waited, the wake was shared and nothing is charged. (docs/COST-METHOD.md, "Probe spend".)
 */
async function probeAttribution(
  deps: ReportDeps,
  endpoint: string,
  steps: readonly StepPoint[],
  initial: number,
  from: number,
  w: ReportWindow,
  prices: readonly PricePoint[],
  wakes: readonly { at: number }[],
): Promise<ProbeAttribution> {
  const probes = await deps.store.probes.coldBetween(endpoint, from, w.end);
  const coldProbeTotals: number[] = [];
  for (const p of probes) {
    if (p.outcome === 'success' && p.totalS !== undefined && p.startedAt >= w.start)
      coldProbeTotals.push(p.totalS);
  }
  const candidates: { probe: ColdProbe; wake: number; until: number; tailEnd: number }[] = [];
  const taken = new Set<number>();
  let wi = 0;
  for (const p of probes) {
    const until = p.finishedAt ?? p.startedAt + PROBE_WAKE_HORIZON_MS;
    while (wi < wakes.length && wakes[wi]!.at < p.startedAt) wi++;
    const wake = wakes[wi];
    // One wake is charged to one probe at most (the first cold probe waiting for it).
    if (!wake || wake.at > until || taken.has(wake.at)) continue;
    taken.add(wake.at);
    candidates.push({
      probe: p,
      wake: wake.at,
      until,
      tailEnd: Math.min(nextZero(steps, wake.at) ?? w.end, w.end),
    });
  }
  if (candidates.length === 0) {
    return { instanceHours: 0, spendUsd: prices.length ? 0 : undefined, wokenAt: new Set(), coldProbeTotals };
  }

  // Requests processed from the probe's start to the end of the wake it caused, in one search each:
  // those up to the probe's own minute say whether the wake was shared (the probe is one of them),
  // the first one after it is the next real request.
  const processed = await deps.store.metrics.positivePoints(
    endpoint,
    'InvocationsProcessed',
    candidates.map((c) => ({
      from: floorMin(c.probe.startedAt),
      to: Math.max(floorMin(c.until), c.tailEnd),
    })),
  );
  const during: number[] = [];
  const nextReal: (number | undefined)[] = [];
  candidates.forEach((c, i) => {
    const own = floorMin(c.until);
    let sum = 0;
    let next: number | undefined;
    for (const [minute, value] of processed[i] ?? []) {
      if (minute <= own) sum += value;
      else if (next === undefined) next = minute;
    }
    during.push(sum);
    nextReal.push(next);
  });

  const wokenAt = new Set<number>();
  let instanceMs = 0;
  let spend = 0;
  candidates.forEach((c, i) => {
    if ((during[i] ?? 0) > 1) return;
    wokenAt.add(c.wake);
    const real = nextReal[i];
    const end = real === undefined ? c.tailEnd : Math.min(c.tailEnd, real);
    const s = Math.max(c.wake, w.start);
    const t = Math.min(end, w.end);
    if (t <= s) return;
    const segs = countSegments(
      countAt(initial, steps, s),
      steps.slice(firstAfter(steps, s), firstAfter(steps, t)),
      s,
      t,
    );
    const r = integrate(segs, prices);
    instanceMs += r.instanceHours * HOUR_MS;
    spend += r.spendUsd ?? 0;
  });
  return {
    instanceHours: instanceMs / HOUR_MS,
    spendUsd: prices.length ? spend : undefined,
    wokenAt,
    coldProbeTotals,
  };
}

/**
 * The always-on baseline's segments: `instances` over each life of the endpoint, clipped to the
 * window. No life (no history): none, so the baseline is 0.
 */
export function lifeSegments(
  lives: readonly EndpointLifeSpan[],
  w: { start: number; end: number },
  instances: number,
): CountSegment[] {
  const out: CountSegment[] = [];
  for (const l of lives) {
    const from = Math.max(l.start, w.start);
    const to = Math.min(l.end ?? Infinity, w.end);
    if (to > from) out.push({ from, to, count: instances });
  }
  return out;
}

function endpointLife(lives: readonly EndpointLifeSpan[]): EndpointLife | null {
  const first = lives[0];
  const last = lives[lives.length - 1];
  if (!first || !last) return null;
  const absent: EndpointLife['absent'] = [];
  for (let i = 1; i < lives.length; i++) {
    const end = lives[i - 1]!.end;
    if (end !== undefined) absent.push({ start: iso(end), end: iso(lives[i]!.start) });
  }
  return {
    start: iso(first.start),
    startSource: first.startSource === 'created' ? 'created' : 'first-record',
    end: last.end === undefined ? null : iso(last.end),
    endSource: last.end === undefined ? null : 'deleted',
    absent,
  };
}

/** Index of the first step strictly after `t` (binary search; steps are sorted by time). */
function firstAfter(steps: readonly StepPoint[], t: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]!.at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countAt(initial: number, steps: readonly StepPoint[], t: number): number {
  const i = firstAfter(steps, t);
  return i === 0 ? initial : steps[i - 1]!.count;
}

function nextZero(steps: readonly StepPoint[], after: number): number | undefined {
  for (let i = firstAfter(steps, after); i < steps.length; i++)
    if (steps[i]!.count === 0) return steps[i]!.at;
  return undefined;
}

function savings(
  spend: number | undefined,
  baseline: number | undefined,
): Pick<CostFigures, 'savingsUsd' | 'savingsPercent'> {
  if (spend === undefined || baseline === undefined) return { savingsUsd: null, savingsPercent: null };
  const s = baseline - spend;
  return { savingsUsd: money(s), savingsPercent: baseline > 0 ? round((s / baseline) * 100, 2) : null };
}

function percentiles(samples: readonly TtfrSample[]): Percentiles | null {
  if (samples.length === 0) return null;
  // A typed array sorts numerically without a comparator call per pair: the total pools every sample.
  const v = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) v[i] = samples[i]!.seconds;
  v.sort();
  const measured = samples.filter((s) => s.measured).length;
  return {
    p50: round(percentileSorted(v, 0.5)!, 1),
    p95: round(percentileSorted(v, 0.95)!, 1),
    samples: v.length,
    measured,
    estimated: v.length - measured,
  };
}

function histogram(seconds: readonly number[]): ColdStarts['histogram'] {
  const out: ColdStarts['histogram'] = COLD_START_BUCKETS_S.map((b) => ({ upToSeconds: b, count: 0 }));
  out.push({ upToSeconds: null, count: 0 });
  for (const s of seconds) {
    const i = COLD_START_BUCKETS_S.findIndex((b) => s <= b);
    out[i < 0 ? out.length - 1 : i]!.count++;
  }
  return out;
}

function toSeries(used: BucketTotals[], base: BucketTotals[]): SeriesPoint[] {
  let cumSpend = 0;
  let cumBase = 0;
  return used.map((u, i) => {
    const b = base[i]!;
    if (u.spendUsd !== undefined) cumSpend += u.spendUsd;
    if (b.spendUsd !== undefined) cumBase += b.spendUsd;
    return {
      start: isoBucket(u.start),
      end: isoBucket(u.end),
      instanceHours: round(u.instanceHours),
      avgInstances: round(u.instanceHours / ((u.end - u.start) / HOUR_MS)),
      maxInstances: u.maxInstances,
      spendUsd: money(u.spendUsd),
      baselineUsd: money(b.spendUsd),
      cumulativeSpendUsd: u.spendUsd === undefined ? null : money(cumSpend),
      cumulativeBaselineUsd: b.spendUsd === undefined ? null : money(cumBase),
    };
  });
}

function totalFigures(
  endpoints: readonly EndpointReport[],
  samples: readonly TtfrSample[],
  withSeries: boolean,
): CostFigures {
  const sum = (f: (e: EndpointReport) => number | null): number | null =>
    endpoints.length === 0
      ? 0
      : endpoints.some((e) => f(e) === null)
        ? null
        : endpoints.reduce((n, e) => n + (f(e) ?? 0), 0);
  const spend = sum((e) => e.spendUsd);
  const base = sum((e) => e.baseline.spendUsd);
  const total: CostFigures = {
    instanceHours: round(sum((e) => e.instanceHours) ?? 0),
    gpuHours: nullable(
      sum((e) => e.gpuHours),
      round,
    ),
    spendUsd: nullable(spend, round),
    baseline: {
      instanceHours: round(sum((e) => e.baseline.instanceHours) ?? 0),
      spendUsd: nullable(base, round),
    },
    ...savings(spend ?? undefined, base ?? undefined),
    coldStarts: {
      count: endpoints.reduce((n, e) => n + e.coldStarts.count, 0),
      byProbes: endpoints.reduce((n, e) => n + e.coldStarts.byProbes, 0),
      timeToFirstResultSeconds: percentiles(samples),
      histogram: histogram(samples.map((s) => s.seconds)),
    },
    probes: {
      instanceHours: round(endpoints.reduce((n, e) => n + e.probes.instanceHours, 0)),
      spendUsd: nullable(
        sum((e) => e.probes.spendUsd),
        round,
      ),
      wakes: endpoints.reduce((n, e) => n + e.probes.wakes, 0),
    },
  };
  if (withSeries) total.series = sumSeries(endpoints.map((e) => e.series ?? []));
  return total;
}

function sumSeries(all: SeriesPoint[][]): SeriesPoint[] {
  const first = all[0];
  if (!first) return [];
  const add = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : a + b;
  return first.map((p, i) => {
    const acc: SeriesPoint = {
      ...p,
      instanceHours: 0,
      avgInstances: 0,
      maxInstances: 0,
      spendUsd: 0,
      baselineUsd: 0,
      cumulativeSpendUsd: 0,
      cumulativeBaselineUsd: 0,
    };
    for (const s of all) {
      const x = s[i]!;
      acc.instanceHours += x.instanceHours;
      acc.avgInstances += x.avgInstances;
      // The sum of per-endpoint peaks: an upper bound on the peak of the total.
      acc.maxInstances += x.maxInstances;
      acc.spendUsd = add(acc.spendUsd, x.spendUsd);
      acc.baselineUsd = add(acc.baselineUsd, x.baselineUsd);
      acc.cumulativeSpendUsd = add(acc.cumulativeSpendUsd, x.cumulativeSpendUsd);
      acc.cumulativeBaselineUsd = add(acc.cumulativeBaselineUsd, x.cumulativeBaselineUsd);
    }
    return {
      ...acc,
      instanceHours: round(acc.instanceHours),
      avgInstances: round(acc.avgInstances),
      spendUsd: nullable(acc.spendUsd, round),
      baselineUsd: nullable(acc.baselineUsd, round),
      cumulativeSpendUsd: nullable(acc.cumulativeSpendUsd, round),
      cumulativeBaselineUsd: nullable(acc.cumulativeBaselineUsd, round),
    };
  });
}

function nullable(v: number | null, f: (x: number) => number): number | null {
  return v === null ? null : f(v);
}

function floorMin(t: number): number {
  return Math.floor(t / MIN) * MIN;
}

export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function money(x: number | undefined): number | null {
  return x === undefined ? null : round(x, 6);
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

// Every endpoint's series has the same bucket edges: format each once.
const bucketIso = new Map<number, string>();
function isoBucket(t: number): string {
  let s = bucketIso.get(t);
  if (s === undefined) {
    if (bucketIso.size > 20_000) bucketIso.clear();
    s = iso(t);
    bucketIso.set(t, s);
  }
  return s;
}
