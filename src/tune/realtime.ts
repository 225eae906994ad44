// `sagezero tune` for a `kind: realtime` endpoint: each inference component's copy scaling chosen by
// replaying the trace through the simulated real-time endpoint (src/simulate/realtime-replay.ts, with
// its client retry model) under candidate policies built as `apply` builds them.
//
// Search space: target concurrent requests per copy x target tracking's scale-in cooldown; the wake
// policy, scale-out cooldown and copies limit stay as configured (the wake cooldown already follows the
// boot prior). Objective, from the component's `tune.objective` block: the cheapest candidate whose
// p95 client wait (arrival to the attempt that succeeded, over served requests) is at most
// p95TimeToResultSeconds (default 900 s) and whose abandoned requests are at most maxExpired
// (default 0). Guardrail: the current policy stays unless a candidate meets the objective and is
// strictly cheaper, so a recommendation never trades the objective for cost.
import { defaultBoot } from '../cloud/sim/boot.js';
import type { ComponentConfig, RealtimeEndpointConfig } from '../config/load.js';
import type { RealtimeScalingConfig } from '../config/realtime-schema.js';
import { replayRealtime } from '../simulate/realtime-replay.js';
import { DEFAULT_RETRY, type RealtimeSettings, type RetryModel } from '../simulate/realtime-runner.js';
import type { TrafficWindow } from '../simulate/replay.js';
import { percentiles } from '../simulate/stats.js';
import { tuneConfigOf, type Objective } from './config.js';

/** Targets worth trying: one request per copy up to a batching server's handful. */
export const TARGET_CANDIDATES = [1, 2, 5, 10] as const;
/** Scale-in cooldowns worth trying, seconds: one alarm period up to an hour. */
export const SCALE_IN_COOLDOWN_CANDIDATES = [60, 300, 900, 3600] as const;

/** What the replay assumes about the model; the trace does not say (flags of `simulate --kind realtime`). */
export interface RealtimeTuneAssumptions {
  modelLoadSeconds: number;
  concurrencyPerCopy: number;
  retry: RetryModel;
}

export const DEFAULT_REALTIME_TUNE_ASSUMPTIONS: RealtimeTuneAssumptions = {
  modelLoadSeconds: 120,
  concurrencyPerCopy: 5,
  retry: DEFAULT_RETRY,
};

export interface RealtimeCandidate {
  targetConcurrentRequestsPerCopy: number;
  scaleInCooldownSeconds: number;
}

export interface RealtimeOutcome extends RealtimeCandidate {
  instanceHours: number;
  costUsd: number;
  /** Seconds; null when nothing was served. */
  p95WaitSeconds: number | null;
  failedAttempts: number;
  abandoned: number;
  served: number;
  meetsObjective: boolean;
}

export interface RealtimeComponentTuneResult {
  kind: 'realtime';
  endpoint: string;
  component: string;
  objective: Objective;
  pricePerHourUsd: number;
  requests: number;
  current: RealtimeOutcome;
  recommended: RealtimeOutcome;
  /** False when the current policy stays (nothing meeting the objective is cheaper). */
  changed: boolean;
  candidates: RealtimeOutcome[];
  /** The component's `scaling:` block with the recommendation, to paste into the config. */
  scaling: RealtimeScalingConfig;
}

export interface RealtimeTuneInput {
  endpoint: RealtimeEndpointConfig;
  component: ComponentConfig;
  region: string;
  pricePerHourUsd: number;
  traffic: TrafficWindow;
  serviceSeconds: number;
  seed: number;
  dayStart: number;
  assumptions?: RealtimeTuneAssumptions;
}

function settingsFor(input: RealtimeTuneInput, c: RealtimeCandidate): RealtimeSettings {
  const a = input.assumptions ?? DEFAULT_REALTIME_TUNE_ASSUMPTIONS;
  const s = input.component.scaling;
  const tune = tuneConfigOf(input.component);
  return {
    instanceType: input.endpoint.instanceType,
    region: input.region,
    boot: defaultBoot(tune.coldStartPriorSeconds),
    seed: input.seed,
    defaultServiceSeconds: input.serviceSeconds,
    modelLoadSeconds: a.modelLoadSeconds,
    concurrencyPerCopy: a.concurrencyPerCopy,
    acceleratorsPerCopy: input.component.acceleratorsPerCopy,
    memoryMbPerCopy: input.component.memoryMb,
    maxInstances: input.endpoint.managedScaling.maxInstances,
    scaleInCooldownMinutes: input.endpoint.managedScaling.scaleIn?.cooldownMinutes ?? 20,
    retry: a.retry,
    policy: {
      maxCopies: s.maxCopies,
      targetConcurrentRequestsPerCopy: c.targetConcurrentRequestsPerCopy,
      scaleInCooldownSeconds: c.scaleInCooldownSeconds,
      ...(s.wake !== false ? { wakeCooldownSeconds: s.wake.cooldownSeconds } : {}),
    },
    dayStart: input.dayStart,
  };
}

async function evaluate(
  input: RealtimeTuneInput,
  c: RealtimeCandidate,
  objective: Objective,
): Promise<RealtimeOutcome> {
  const run = await replayRealtime(input.traffic, settingsFor(input, c));
  const p95 = run.waits.length > 0 ? percentiles(run.waits).p95 : null;
  const instanceHours = run.instanceSeconds / 3600;
  return {
    ...c,
    instanceHours,
    costUsd: instanceHours * input.pricePerHourUsd,
    p95WaitSeconds: p95,
    failedAttempts: run.failedAttempts,
    abandoned: run.abandoned,
    served: run.served,
    meetsObjective:
      run.abandoned <= objective.maxExpired && (p95 === null || p95 <= objective.p95TimeToResultSeconds),
  };
}

const key = (c: RealtimeCandidate): string =>
  `${c.targetConcurrentRequestsPerCopy}/${c.scaleInCooldownSeconds}`;

export async function tuneRealtimeComponent(input: RealtimeTuneInput): Promise<RealtimeComponentTuneResult> {
  const objective = tuneConfigOf(input.component).objective;
  const s = input.component.scaling;
  const currentCandidate: RealtimeCandidate = {
    targetConcurrentRequestsPerCopy: s.targetConcurrentRequestsPerCopy,
    scaleInCooldownSeconds: s.scaleInCooldownSeconds,
  };
  const current = await evaluate(input, currentCandidate, objective);
  const candidates: RealtimeOutcome[] = [current];
  const seen = new Set([key(currentCandidate)]);
  for (const target of TARGET_CANDIDATES) {
    for (const cooldown of SCALE_IN_COOLDOWN_CANDIDATES) {
      const c = { targetConcurrentRequestsPerCopy: target, scaleInCooldownSeconds: cooldown };
      if (seen.has(key(c))) continue;
      seen.add(key(c));
      candidates.push(await evaluate(input, c, objective));
    }
  }
  // Cheapest meeting the objective; on a tie the one that made clients wait least, then fewer retries.
  const best = candidates
    .filter((o) => o.meetsObjective)
    .sort(
      (a, b) =>
        a.costUsd - b.costUsd ||
        (a.p95WaitSeconds ?? 0) - (b.p95WaitSeconds ?? 0) ||
        a.failedAttempts - b.failedAttempts,
    )[0];
  const changed = best !== undefined && best !== current && best.costUsd < current.costUsd;
  const recommended = changed ? best : current;
  return {
    kind: 'realtime',
    endpoint: input.endpoint.name,
    component: input.component.name,
    objective,
    pricePerHourUsd: input.pricePerHourUsd,
    requests: input.traffic.arrivals.length,
    current,
    recommended,
    changed,
    candidates,
    scaling: {
      ...s,
      preset: changed ? 'custom' : s.preset,
      targetConcurrentRequestsPerCopy: recommended.targetConcurrentRequestsPerCopy,
      scaleInCooldownSeconds: recommended.scaleInCooldownSeconds,
    },
  };
}
