// The glue the daemon needs for `tune.mode: apply`, around the pure guardrail decisions: the tuner
// state kept in the store between runs, the apply decision for a tuner result, and the rollback check
// of the last change against what the endpoint delivered since.
import type { Store } from '../store/index.js';
import { calibrationHold } from '../calibrate/use.js';
import type { Objective } from './config.js';
import {
  decideApply,
  decideRollback,
  EMPTY_STATE,
  type ApplyDecision,
  type GuardrailRules,
  type RollbackDecision,
  type TuneState,
} from './guardrails.js';
import { inFlight, observedLatency } from './observe.js';
import type { TuneResult } from './tune.js';

const stateKey = (endpoint: string): string => `tune.state.${endpoint}`;

/**
 * Why the tuner must not change an endpoint's scaling, if it must not: with `scaling.preset: none`
 * sagezero manages no scaling there (no target, policy or alarm), and a tuner step would add some.
 */
export function unmanagedHold(scaling: { preset: string }): string | undefined {
  return scaling.preset === 'none'
    ? 'scaling preset is none: sagezero manages no scaling for this endpoint, so the tuner only recommends (set a preset to let it apply steps)'
    : undefined;
}

export async function loadTuneState(store: Store, endpoint: string): Promise<TuneState> {
  return (await store.meta.getJson<TuneState>(stateKey(endpoint))) ?? EMPTY_STATE;
}

export async function saveTuneState(
  store: Store,
  endpoint: string,
  state: TuneState,
  now: number,
): Promise<void> {
  await store.meta.setJson(stateKey(endpoint), state, now);
}

/** Whether (and which) bounded step of a tuner result (run withSteps) to apply now. */
export async function decideForResult(
  store: Store,
  result: TuneResult,
  state: TuneState,
  now: number,
  rules?: Partial<GuardrailRules>,
): Promise<ApplyDecision> {
  const unmanaged = unmanagedHold(result.current.scaling);
  if (unmanaged) return { action: 'hold', reason: unmanaged };
  // The simulator's predictions are trusted for this endpoint only while they match what it did.
  const held = await calibrationHold(store, result.endpoint);
  if (held) return { action: 'hold', reason: held };
  return decideApply({
    now,
    current: {
      scaling: result.current.scaling,
      expectedCostUsd: result.current.choose.costUsd,
      meetsObjective: result.current.choose.meetsObjective,
    },
    steps: result.steps,
    target: {
      expectedCostUsd: result.recommended.choose.costUsd,
      meetsObjective: result.recommended.choose.meetsObjective,
    },
    inFlight: await inFlight(store, result.endpoint, now),
    state,
    ...(rules ? { rules } : {}),
  });
}

/**
 * The rollback verdict on the last change the tuner applied: what the endpoint delivered since the
 * change against the same length of time before it. Undefined when there is no change to watch.
 */
export async function checkLastChange(
  store: Store,
  endpoint: string,
  state: TuneState,
  objective: Objective,
  now: number,
  minRequests?: number,
): Promise<RollbackDecision | undefined> {
  const n = state.recent.length;
  const last = state.recent[n - 1];
  const previous = state.recent[n - 2];
  // A rollback is not itself watched: rolling "back" from it would reinstate the policy that failed.
  if (!last || !previous || previous.rolledBackAt !== undefined || now <= last.since) return undefined;
  const since = now - last.since;
  return decideRollback({
    objective,
    before: await observedLatency(store, endpoint, last.since - since, last.since),
    after: await observedLatency(store, endpoint, last.since, now),
    previous: previous.scaling,
    current: last.scaling,
    ...(minRequests !== undefined ? { minRequests } : {}),
  });
}
