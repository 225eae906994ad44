import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveScaling } from '../config/scaling-schema.js';
import { openStore, type MetricPoint, type Store } from '../store/index.js';
import { checkLastChange, decideForResult, loadTuneState, saveTuneState } from './apply.js';
import type { Evaluation } from './evaluate.js';
import { EMPTY_STATE, recordApplied, recordRollback } from './guardrails.js';
import type { TuneResult } from './tune.js';

const MIN = 60_000;
const T = Date.UTC(2026, 0, 10);
const AWS = resolveScaling({ preset: 'aws-recommended' });
const FAST = { ...AWS, idle: { mode: 'step' as const, minutes: 2 } };
const objective = { p95TimeToResultSeconds: 600, maxExpired: 0 };

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

/** `n` requests processed in each of `minutes` minutes from `from`, each `ttrS` seconds to result. */
async function served(from: number, minutes: number, n: number, ttrS: number): Promise<void> {
  const points: MetricPoint[] = [];
  for (let i = 0; i < minutes; i++) {
    const minute = from + i * MIN;
    points.push({ endpoint: 'e', metric: 'InvocationsProcessed', minute, value: n });
    points.push({ endpoint: 'e', metric: 'TimeInBacklog', minute, value: (ttrS - 10) * 1000 });
    points.push({ endpoint: 'e', metric: 'TotalProcessingTime', minute, value: 10_000 });
  }
  await store.metrics.upsert(points);
}

function evaluation(costUsd: number): Evaluation {
  return {
    requests: 10,
    costUsd,
    afterLastArrivalUsd: 0,
    oracleUsd: 1,
    costToOracle: costUsd,
    deadlineOptimumUsd: 1,
    deadlineOptimumExact: true,
    costToDeadlineOptimum: costUsd,
    p95TimeToResultSeconds: 100,
    expired: 0,
    coldStarts: 0,
    launches: 0,
    meetsObjective: true,
    aborted: false,
  };
}

describe('apply-mode glue', () => {
  it('keeps the tuner state in the store', async () => {
    expect(await loadTuneState(store, 'e')).toEqual(EMPTY_STATE);
    const state = recordApplied(EMPTY_STATE, AWS, T);
    await saveTuneState(store, 'e', state, T);
    expect(await loadTuneState(store, 'e')).toEqual(state);
  });

  it('never applies a step to an endpoint whose scaling preset is none, even a cheaper one', async () => {
    const NONE = resolveScaling({ preset: 'none' }, { instanceCount: 1 });
    const result = {
      endpoint: 'e',
      current: { scaling: NONE, choose: evaluation(100), check: null },
      recommended: { scaling: FAST, choose: evaluation(50), check: null },
      steps: [{ cls: 'idle', scaling: FAST, expectedCostUsd: 50, meetsObjective: true }],
    } as unknown as TuneResult;
    const decision = await decideForResult(store, result, EMPTY_STATE, T);
    expect(decision.action).toBe('hold');
    expect(decision).toMatchObject({ reason: expect.stringContaining('scaling preset is none') });
    // The same result on a managed preset is applied: the hold comes from the preset alone.
    const managed = { ...result, current: { ...result.current, scaling: AWS } } as TuneResult;
    expect((await decideForResult(store, managed, EMPTY_STATE, T)).action).toBe('apply');
  });

  it('holds a step while the store shows a probe running', async () => {
    const result = {
      endpoint: 'e',
      current: { scaling: AWS, choose: evaluation(100), check: null },
      recommended: { scaling: FAST, choose: evaluation(50), check: null },
      steps: [{ cls: 'idle', scaling: FAST, expectedCostUsd: 50, meetsObjective: true }],
    } as unknown as TuneResult;
    expect((await decideForResult(store, result, EMPTY_STATE, T)).action).toBe('apply');
    await store.probes.save({
      id: 'p1',
      endpoint: 'e',
      startedAt: T - MIN,
      instancesAtStart: 0,
      cold: true,
      outcome: 'running',
    });
    expect(await decideForResult(store, result, EMPTY_STATE, T)).toMatchObject({
      action: 'hold',
      reason: 'a probe is in flight',
    });
  });

  it('rolls the last change back when the endpoint got slower than the objective after it, and not twice', async () => {
    const changedAt = T - 60 * MIN;
    await served(changedAt - 60 * MIN, 60, 2, 30);
    await served(changedAt, 60, 2, 900);
    let state = recordApplied(recordApplied(EMPTY_STATE, AWS, 0), FAST, changedAt);
    const verdict = await checkLastChange(store, 'e', state, objective, T);
    expect(verdict).toMatchObject({ action: 'rollback', to: AWS });
    state = recordRollback(state, AWS, T);
    expect(await checkLastChange(store, 'e', state, objective, T + 60 * MIN)).toBeUndefined();
  });

  it('keeps a change after which the endpoint meets the objective', async () => {
    const changedAt = T - 60 * MIN;
    await served(changedAt - 60 * MIN, 60, 2, 30);
    await served(changedAt, 60, 2, 40);
    const state = recordApplied(recordApplied(EMPTY_STATE, AWS, 0), FAST, changedAt);
    expect(await checkLastChange(store, 'e', state, objective, T)).toMatchObject({ action: 'keep' });
    expect(
      await checkLastChange(store, 'e', recordApplied(EMPTY_STATE, AWS, 0), objective, T),
    ).toBeUndefined();
  });
});
