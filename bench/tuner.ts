// Tuner benchmark: for every endpoint of the shared traces, the tuner chooses a policy on the first
// two thirds of its traffic (objective: no worse than aws-recommended there, on p95 time to result
// and unserved requests) and the chosen policy is then measured on the last third, next to
// aws-recommended and the oracle on the same third, with the same runner as the policy table.
// Run through `npm run bench` (bench/run.ts), or alone with `npx tsx bench/tuner.ts`.
import { fileURLToPath } from 'node:url';
import { defaultBoot } from '../src/cloud/sim/boot.js';
import type { ScalingConfig } from '../src/config/scaling-schema.js';
import { formatSeconds } from '../src/simulate/format.js';
import { presetPolicy, type Policy } from '../src/simulate/policies.js';
import { hourlyPrice } from '../src/simulate/prices.js';
import { DEFAULT_SETTINGS, type SimulationSettings } from '../src/simulate/runner.js';
import { simulate, type EndpointReport } from '../src/simulate/simulate.js';
import { concat, geometricMean, percentiles } from '../src/simulate/stats.js';
import { loadTrace, endpointDuration, type Trace, type TraceEndpoint } from '../src/simulate/traces/index.js';
import { describeBoot } from '../src/tune/coldstart.js';
import { evaluate, windowContext } from '../src/tune/evaluate.js';
import type { TrafficWindow } from '../src/tune/replay.js';
import { splitHistory, tuneTraffic } from '../src/tune/tune.js';
import { TRACE_SETS } from './policies.js';

export const TRAIN_FRACTION = 2 / 3;

interface EndpointOutcome {
  id: string;
  requestsChoose: number;
  requestsCheck: number;
  /**
   * Share of aws-recommended's billed instance time spent processing requests on the held-out part.
   * A policy that serves the same requests pays at least that processing time, so tuner / aws-rec
   * cannot go below it there.
   */
  busyShare: number;
  /** No traffic in the tuning part: the policy was left as it was. */
  untrained: boolean;
  recommended: ScalingConfig;
  evaluated: number;
  aws: EndpointReport;
  tuner: EndpointReport;
  awsTtr: Float32Array;
  tunerTtr: Float32Array;
}

export interface FamilyResult {
  name: string;
  endpoints: number;
  /** Endpoints without traffic in the held-out part (nothing to measure). */
  skipped: number;
  /** Endpoints without traffic in the tuning part (policy left as it was). */
  untrained: number;
  outcomes: EndpointOutcome[];
  tuneCpuSeconds: number;
  evaluated: number;
}

export interface TunerBenchmark {
  settings: SimulationSettings;
  pricePerHourUsd: number;
  families: FamilyResult[];
  cpuSeconds: number;
}

function historyOf(trace: Trace, te: TraceEndpoint, s: SimulationSettings): TrafficWindow {
  return {
    startMs: s.dayStart + trace.startOfDaySeconds * 1000,
    durationSeconds: endpointDuration(trace, te),
    arrivals: te.arrivals,
    ...(te.service ? { service: te.service } : {}),
  };
}

/** The last part of one endpoint as a one-endpoint trace the standard runner can replay. */
function checkTrace(trace: Trace, te: TraceEndpoint, check: TrafficWindow, s: SimulationSettings): Trace {
  return {
    file: trace.file,
    format: trace.format,
    startOfDaySeconds: (check.startMs - s.dayStart) / 1000,
    durationSeconds: check.durationSeconds,
    endpoints: [
      {
        id: te.id,
        arrivals: check.arrivals,
        ...(check.service ? { service: check.service } : {}),
        expectedRequests: check.arrivals.length,
        durationSeconds: check.durationSeconds,
      },
    ],
  };
}

function busyShare(r: EndpointReport, w: TrafficWindow, s: SimulationSettings): number {
  let service = s.defaultServiceSeconds;
  if (w.service && w.service.length > 0) service = w.service.reduce((a, b) => a + b, 0) / w.service.length;
  const billed = r.instanceHours * 3600 * s.concurrency;
  return billed > 0 ? Math.min(1, (r.completed * service) / billed) : 0;
}

export interface TunerBenchOptions {
  /** Only the trace sets whose name contains this (development runs). */
  only?: string;
  /** At most this many endpoints per trace set, evenly spaced (development runs). */
  sample?: number;
}

export async function runTunerBenchmark(
  log: (line: string) => void,
  opts: TunerBenchOptions = {},
): Promise<TunerBenchmark> {
  const settings: SimulationSettings = { ...DEFAULT_SETTINGS, boot: defaultBoot(480) };
  const price = hourlyPrice(settings.instanceType, settings.region)?.usdPerHour;
  if (price === undefined) throw new Error(`no price for ${settings.instanceType} in the price table`);
  const aws = presetPolicy('aws-recommended');
  if (aws.kind !== 'scaling') throw new Error('internal: aws-recommended is a scaling policy');
  const boot = describeBoot(settings.boot);
  const families: FamilyResult[] = [];
  const cpuStart = process.cpuUsage();
  for (const set of TRACE_SETS) {
    if (opts.only !== undefined && !set.name.includes(opts.only)) continue;
    const trace = await loadTrace(set.file, set.format, {
      seed: settings.seed,
      defaultServiceSeconds: settings.defaultServiceSeconds,
    });
    let endpoints = set.pick(trace);
    if (opts.sample !== undefined && endpoints.length > opts.sample) {
      const step = endpoints.length / opts.sample;
      endpoints = Array.from(
        { length: opts.sample },
        (_, i) => endpoints[Math.floor(i * step)] as TraceEndpoint,
      );
    }
    const fam: FamilyResult = {
      name: set.name,
      endpoints: endpoints.length,
      skipped: 0,
      untrained: 0,
      outcomes: [],
      tuneCpuSeconds: 0,
      evaluated: 0,
    };
    const started = performance.now();
    for (const te of endpoints) {
      const history = historyOf(trace, te, settings);
      const { choose, check } = splitHistory(history, TRAIN_FRACTION);
      // Nothing to measure without traffic in the held-out part. An endpoint without traffic in the
      // tuning part is kept: the tuner has nothing to learn from and keeps the current policy.
      if (!check || check.arrivals.length === 0) {
        fam.skipped++;
        continue;
      }
      if (choose.arrivals.length === 0) fam.untrained++;
      // The objective: what aws-recommended itself delivers on the part the tuner learns from.
      const ctx = windowContext(
        choose,
        settings,
        price,
        { p95TimeToResultSeconds: Infinity, maxExpired: Infinity },
        boot.p90Seconds,
      );
      const base = await evaluate(ctx, aws.scaling);
      const objective = { p95TimeToResultSeconds: base.p95TimeToResultSeconds, maxExpired: base.expired };
      const cpu0 = process.cpuUsage();
      const result = await tuneTraffic({
        endpoint: te.id,
        history,
        trainFraction: TRAIN_FRACTION,
        settings,
        boot,
        pricePerHourUsd: price,
        objective,
        current: aws.scaling,
      });
      const cpu = process.cpuUsage(cpu0);
      fam.tuneCpuSeconds += (cpu.user + cpu.system) / 1e6;
      fam.evaluated += result.search.evaluated;
      const sub = checkTrace(trace, te, check, settings);
      const tuned: Policy = { kind: 'scaling', name: 'tuner', scaling: result.recommended.scaling };
      const measure = async (policy: Policy): Promise<{ report: EndpointReport; ttr: Float32Array }> => {
        let ttr: Float32Array = new Float32Array(0);
        const report = await simulate(sub, sub.endpoints, {
          settings,
          policy,
          pricePerHourUsd: price,
          alwaysOnInstances: 1,
          onEndpoint: (run) => {
            ttr = run.ttr;
          },
        });
        return { report: report.endpoints[0] as EndpointReport, ttr };
      };
      const a = await measure(aws);
      const t = await measure(tuned);
      fam.outcomes.push({
        id: te.id,
        busyShare: busyShare(a.report, check, settings),
        untrained: choose.arrivals.length === 0,
        requestsChoose: choose.arrivals.length,
        requestsCheck: check.arrivals.length,
        recommended: result.recommended.scaling,
        evaluated: result.search.evaluated,
        aws: a.report,
        tuner: t.report,
        awsTtr: a.ttr,
        tunerTtr: t.ttr,
      });
    }
    families.push(fam);
    log(
      `${set.name}: tuned ${fam.outcomes.length} endpoints (${fam.skipped} without traffic in the held-out part left out) in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s, ${fam.evaluated} policies replayed (CPU ${fam.tuneCpuSeconds.toFixed(1)} s in the tuner)`,
    );
  }
  const cpu = process.cpuUsage(cpuStart);
  return { settings, pricePerHourUsd: price, families, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

interface Side {
  cost: number;
  /** Geometric mean over endpoints of cost / oracle. */
  toOracle: number | null;
  p95: number;
  max: number;
  expired: number;
  stillQueued: number;
}

export interface FamilySummary {
  name: string;
  endpoints: number;
  untrained: number;
  /** Geometric mean of aws-recommended's busy share: the lowest tuner / aws-rec for the same work. */
  floor: number | null;
  /** Endpoints where aws-recommended's instances were busy less than half their billed time. */
  mostlyIdle: number;
  oracle: number;
  aws: Side;
  tuner: Side;
  /** Geometric mean over endpoints of tuner cost / aws-recommended cost. */
  costRatio: number | null;
  /** The same over the mostly idle endpoints. */
  costRatioIdle: number | null;
  /** Pooled p95 over the mostly idle endpoints. */
  p95IdleAws: number;
  p95IdleTuner: number;
  /** Endpoints where the tuner's p95 is more than 5% (and 10 s) above aws-recommended's. */
  slowerEndpoints: number;
  fasterEndpoints: number;
  /** Endpoints where more requests expired (TTL) under the tuner. */
  moreExpiredEndpoints: number;
}

function side(
  o: EndpointOutcome[],
  pick: (x: EndpointOutcome) => { r: EndpointReport; ttr: Float32Array },
): Side {
  const all = concat(o.map((x) => pick(x).ttr));
  const p = all.length > 0 ? percentiles(all) : undefined;
  const withOracle = o.filter((x) => pick(x).r.oracleCostUsd > 0);
  return {
    cost: o.reduce((a, x) => a + pick(x).r.costUsd, 0),
    toOracle: geometricMean(withOracle.map((x) => pick(x).r.costUsd / pick(x).r.oracleCostUsd)) ?? null,
    p95: p?.p95 ?? NaN,
    max: p?.max ?? NaN,
    expired: o.reduce((a, x) => a + pick(x).r.expired, 0),
    stillQueued: o.reduce((a, x) => a + pick(x).r.stillQueued, 0),
  };
}

const awsOf = (x: EndpointOutcome): { r: EndpointReport; ttr: Float32Array } => ({ r: x.aws, ttr: x.awsTtr });
const tunerOf = (x: EndpointOutcome): { r: EndpointReport; ttr: Float32Array } => ({
  r: x.tuner,
  ttr: x.tunerTtr,
});

function costRatio(o: EndpointOutcome[]): number | null {
  return (
    geometricMean(o.filter((x) => x.aws.costUsd > 0).map((x) => x.tuner.costUsd / x.aws.costUsd)) ?? null
  );
}

export function summarize(f: FamilyResult): FamilySummary {
  const o = f.outcomes;
  const idle = o.filter((x) => x.busyShare < 0.5);
  return {
    name: f.name,
    endpoints: o.length,
    untrained: f.untrained,
    floor: geometricMean(o.filter((x) => x.aws.costUsd > 0).map((x) => x.busyShare)) ?? null,
    mostlyIdle: idle.length,
    oracle: o.reduce((a, x) => a + x.aws.oracleCostUsd, 0),
    aws: side(o, awsOf),
    tuner: side(o, tunerOf),
    costRatio: costRatio(o),
    costRatioIdle: costRatio(idle),
    p95IdleAws: side(idle, awsOf).p95,
    p95IdleTuner: side(idle, tunerOf).p95,
    slowerEndpoints: o.filter((x) => {
      const a = x.aws.timeToResult?.p95 ?? Infinity;
      const t = x.tuner.timeToResult?.p95 ?? Infinity;
      return t > a * 1.05 && t > a + 10;
    }).length,
    fasterEndpoints: o.filter((x) => {
      const a = x.aws.timeToResult?.p95 ?? Infinity;
      const t = x.tuner.timeToResult?.p95 ?? Infinity;
      return a > t * 1.05 && a > t + 10;
    }).length,
    moreExpiredEndpoints: o.filter((x) => x.tuner.expired > x.aws.expired).length,
  };
}

function usd(x: number): string {
  return `$${Math.round(x).toLocaleString('en-US')}`;
}

function ratio(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

const met = (ok: boolean): string => (ok ? 'met' : '**missed**');

/** The markdown section for RESULTS.md. */
export function tunerSection(b: TunerBenchmark, command: string): string[] {
  const lines: string[] = [];
  lines.push('## The tuner');
  lines.push('');
  lines.push(
    `Each endpoint is tuned on the first ${Math.round(TRAIN_FRACTION * 100)}% of its trace (whole days for multi-day ` +
      'traces) and measured on the rest. Objective per endpoint: what aws-recommended delivers on the tuning part ' +
      '(its p95 time to result over every request, unserved ones counted as infinite, and its number of unserved ' +
      'requests). The tuner starts from aws-recommended, searches target backlog, cooldowns, idle mode and minutes, ' +
      'wake alarm, max capacity and keep-warm windows learned from recurring bursts, replaying every candidate ' +
      'through the simulated cloud (src/tune/). Both policies are then replayed on the held-out part with the same ' +
      'runner as the policy table (endpoint created an hour before, policy in its idle state); the oracle is the ' +
      "held-out part's. Same instance, price, boot distribution and seed as the policy table. Endpoints without " +
      'traffic in the held-out part are left out (nothing to measure); endpoints without traffic in the tuning part ' +
      'stay in with their policy unchanged.',
  );
  lines.push('');
  lines.push(
    `Command: \`${command}\`. CPU time of the tuner benchmark (tuning, objectives and held-out replays): ${b.cpuSeconds.toFixed(0)} s.`,
  );
  lines.push('');
  lines.push(
    '| trace set | endpoints (untuned) | policies replayed | cost aws-rec / tuner | oracle | tuner ÷ aws-rec (geomean) | floor: aws-rec busy share (geomean) | tuner ÷ aws-rec, mostly idle endpoints (n) | aws-rec ÷ oracle | tuner ÷ oracle | p95 TTR aws-rec / tuner | p95 TTR, mostly idle endpoints | max TTR aws-rec / tuner | expired aws-rec / tuner | still queued at the end aws-rec / tuner | endpoints with p95 > 1.05× / < 1/1.05× aws-rec |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const summaries = b.families.map(summarize);
  b.families.forEach((f, i) => {
    const s = summaries[i] as FamilySummary;
    lines.push(
      `| ${s.name} | ${s.endpoints} (${s.untrained}) | ${f.evaluated} | ${usd(s.aws.cost)} / ${usd(s.tuner.cost)} | ${usd(s.oracle)} | ` +
        `${ratio(s.costRatio)} | ${ratio(s.floor)} | ${ratio(s.costRatioIdle)} (${s.mostlyIdle}) | ${ratio(s.aws.toOracle)} | ${ratio(s.tuner.toOracle)} | ` +
        `${formatSeconds(s.aws.p95)} / ${formatSeconds(s.tuner.p95)} | ${formatSeconds(s.p95IdleAws)} / ${formatSeconds(s.p95IdleTuner)} | ` +
        `${formatSeconds(s.aws.max)} / ${formatSeconds(s.tuner.max)} | ${s.aws.expired} / ${s.tuner.expired} | ` +
        `${s.aws.stillQueued} / ${s.tuner.stillQueued} | ${s.slowerEndpoints} / ${s.fasterEndpoints} |`,
    );
  });
  lines.push('');
  lines.push(
    '"Floor": per endpoint, the share of aws-recommended\'s billed instance time spent processing requests ' +
      '(completed requests × service time ÷ instance time); a policy that serves the same requests pays at least ' +
      'that processing time, so on such an endpoint tuner ÷ aws-recommended cannot go below it, and its geometric ' +
      'mean bounds the family\'s. "Mostly idle": endpoints where that share is below one half. "Untuned": no ' +
      'traffic in the tuning part, so the policy stays as it was (ratio 1). p95 and max time to result are pooled ' +
      'over the completed requests, as in the policy table; "still queued at the end" counts requests waiting or in ' +
      'service when the held-out part ends.',
  );
  lines.push('');
  lines.push('Targets, per trace set, on the held-out part:');
  lines.push('');
  summaries.forEach((s, i) => {
    const fam = b.families[i] as FamilyResult;
    const costOk = s.costRatio !== null && s.costRatio <= 0.75;
    const expiredOk = s.tuner.expired <= s.aws.expired && s.moreExpiredEndpoints === 0;
    let line =
      `- **${s.name}**: cost ≤ 0.75 × aws-recommended (geomean ${ratio(s.costRatio)}): ${met(costOk)}; ` +
      `p95 time to result no worse (${formatSeconds(s.tuner.p95)} vs ${formatSeconds(s.aws.p95)}): ${met(!(s.tuner.p95 > s.aws.p95))}; ` +
      `within 1.5 × the oracle (${ratio(s.tuner.toOracle)}): ${met(s.tuner.toOracle !== null && s.tuner.toOracle <= 1.5)}; ` +
      `never more expired (${s.tuner.expired} vs ${s.aws.expired}): ${met(expiredOk)}.`;
    if (!costOk) {
      const requests = fam.outcomes.reduce((a, x) => a + x.requestsCheck, 0);
      const unserved = s.aws.expired + s.aws.stillQueued;
      const why: string[] = [];
      if (unserved > 0.2 * requests) {
        why.push(
          `${unserved.toLocaleString('en-US')} of ${requests.toLocaleString('en-US')} held-out requests were left ` +
            `unserved even by aws-recommended: the traffic needs more than its 2 instances (one request at a time ` +
            `each), they run flat out, and a cheaper policy would serve fewer`,
        );
      }
      if (s.floor !== null && s.floor > 0.6) {
        why.push(
          `aws-recommended's instances were busy processing requests for ${ratio(s.floor)} of their billed time ` +
            `(geometric mean), and no policy serving the same requests can pay less than that processing time`,
        );
      }
      if (s.untrained > 0)
        why.push(`${s.untrained} endpoints had no traffic in the tuning part (policy unchanged)`);
      if (s.mostlyIdle > 0 && s.costRatioIdle !== null && s.costRatioIdle < 1)
        why.push(`on the ${s.mostlyIdle} mostly idle endpoints the tuner reached ${ratio(s.costRatioIdle)}`);
      line += ` Why the cost target is missed: ${why.join('; ')}.`;
    }
    if (!expiredOk) {
      const worse = fam.outcomes
        .filter((x) => x.tuner.expired > x.aws.expired)
        .map(
          (x) =>
            `${x.id}: ${x.tuner.expired} vs ${x.aws.expired} of ${x.requestsCheck} requests, busy share ${x.busyShare.toFixed(2)}`,
        );
      line += ` Expired: ${worse.slice(0, 5).join('; ')}.`;
    }
    lines.push(line);
  });
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const sample = arg('--sample');
  const b = await runTunerBenchmark((l) => process.stdout.write(`${l}\n`), {
    ...(arg('--only') !== undefined ? { only: arg('--only') } : {}),
    ...(sample !== undefined ? { sample: Number(sample) } : {}),
  });
  for (const l of tunerSection(b, 'npx tsx bench/tuner.ts')) process.stdout.write(`${l}\n`);
}
