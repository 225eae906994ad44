import { describe, expect, it } from 'vitest';
import { resolveScaling, type ScalingConfig } from '../config/scaling-schema.js';
import {
  candidateSteps,
  classesChanged,
  decideApply,
  decideRollback,
  EMPTY_STATE,
  recordApplied,
  recordRollback,
  type StepOption,
  type TuneState,
} from './guardrails.js';
import { policyKey } from './space.js';

const AWS = resolveScaling({ preset: 'aws-recommended' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const objective = { p95TimeToResultSeconds: 900, maxExpired: 0 };

const step = (minutes: number, base: ScalingConfig = AWS): ScalingConfig => ({
  ...base,
  idle: { mode: 'step', minutes },
});

describe('bounded steps', () => {
  it('changes one parameter class per step and moves the idle timeout by at most 2x', () => {
    const target: ScalingConfig = {
      ...step(1),
      wake: { periodSeconds: 60, evaluationPeriods: 1 },
      // AWS now has 720 (derived from the 480 s boot prior): a longer one is a change.
      scaleOutCooldownSeconds: 1020,
    };
    const steps = candidateSteps(AWS, target);
    expect(steps.map((s) => s.cls).sort()).toEqual(['cooldowns', 'idle', 'wake']);
    for (const s of steps) expect(classesChanged(AWS, s.scaling)).toEqual([s.cls]);
    // From AWS's 15 minutes toward 1: 8, then 4, 2, 1.
    const path: number[] = [];
    let cur = AWS;
    for (let i = 0; i < 6; i++) {
      const idle = candidateSteps(cur, target).find((s) => s.cls === 'idle');
      if (!idle) break;
      cur = idle.scaling;
      path.push(cur.idle.minutes);
    }
    expect(path).toEqual([8, 4, 2, 1]);
  });

  it('lengthens the idle timeout by at most 2x too, and brings keep-warm windows with the idle class', () => {
    const target = {
      ...step(60),
      keepWarm: [{ from: '50 8 * * 1-5', to: '0 10 * * 1-5', timezone: 'UTC', minCapacity: 1 }],
    };
    const s = candidateSteps(step(10), target).find((x) => x.cls === 'idle');
    expect(s?.scaling.idle).toEqual({ mode: 'step', minutes: 20 });
    expect(s?.scaling.keepWarm).toEqual(target.keepWarm);
  });
});

function option(scaling: ScalingConfig, cost: number, meets = true): StepOption {
  return {
    cls: classesChanged(AWS, scaling)[0] ?? 'idle',
    scaling,
    expectedCostUsd: cost,
    meetsObjective: meets,
  };
}

describe('decideApply', () => {
  const current = { scaling: AWS, expectedCostUsd: 100, meetsObjective: true };
  const base = { now: 10 * DAY, current, inFlight: { probe: false, scaleOut: false }, state: EMPTY_STATE };

  it('holds while a probe or a scale-out is in flight', () => {
    const steps = [option(step(8), 60)];
    expect(decideApply({ ...base, steps, inFlight: { probe: true, scaleOut: false } })).toMatchObject({
      action: 'hold',
    });
    expect(decideApply({ ...base, steps, inFlight: { probe: false, scaleOut: true } })).toMatchObject({
      action: 'hold',
    });
    expect(decideApply({ ...base, steps })).toMatchObject({ action: 'apply' });
  });

  it('takes the cheapest step that meets the objective, never one that breaks it', () => {
    const d = decideApply({
      ...base,
      steps: [option(step(4), 40, false), option(step(8), 70), option({ ...AWS, maxCapacity: 1 }, 90)],
    });
    expect(d.action === 'apply' && d.step.scaling.idle.minutes).toBe(8);
  });

  it('needs a minimum saving, and holds while the last change is watched', () => {
    expect(decideApply({ ...base, steps: [option(step(8), 97)] })).toMatchObject({ action: 'hold' });
    const state = recordApplied(EMPTY_STATE, AWS, base.now - HOUR);
    expect(decideApply({ ...base, state, steps: [option(step(8), 50)] })).toMatchObject({ action: 'hold' });
  });

  it('does not oscillate between two policies whose simulated costs swap by noise over repeated runs', () => {
    const a = AWS;
    const b = step(8);
    // Day by day the replays disagree: each policy looks 6-8% cheaper than the other on alternate days.
    let live = a;
    let state: TuneState = recordApplied(EMPTY_STATE, a, 0);
    const switches: number[] = [];
    for (let day = 1; day <= 20; day++) {
      const other = policyKey(live) === policyKey(a) ? b : a;
      const cheaperToday = day % 2 === 0 ? a : b;
      const liveCost = policyKey(live) === policyKey(cheaperToday) ? 93 : 100;
      const otherCost = policyKey(other) === policyKey(cheaperToday) ? 93 : 100;
      const d = decideApply({
        now: day * DAY,
        current: { scaling: live, expectedCostUsd: liveCost, meetsObjective: true },
        steps: [{ cls: 'idle', scaling: other, expectedCostUsd: otherCost, meetsObjective: true }],
        inFlight: { probe: false, scaleOut: false },
        state,
      });
      if (d.action === 'apply') {
        live = d.step.scaling;
        state = recordApplied(state, live, day * DAY);
        switches.push(day);
      }
    }
    // The first 7% saving is taken; going back needs three times the minimum saving, which noise never gives.
    expect(switches).toEqual([1]);
  });

  it('does not try a rolled-back policy again for a week', () => {
    let state = recordApplied(EMPTY_STATE, AWS, 0);
    state = recordApplied(state, step(8), DAY);
    state = recordRollback(state, AWS, 3 * DAY);
    const tryAgain = (now: number) => decideApply({ ...base, now, state, steps: [option(step(8), 50)] });
    expect(tryAgain(5 * DAY)).toEqual({
      action: 'hold',
      reason: 'every step that meets the objective was rolled back recently',
    });
    expect(tryAgain(11 * DAY).action).toBe('apply');
    // A step that breaks the objective is told apart from one that is only banned.
    expect(decideApply({ ...base, now: 5 * DAY, state, steps: [option(step(4), 40, false)] })).toEqual({
      action: 'hold',
      reason: 'no step meets the objective',
    });
  });

  it('crosses a plateau toward a recommendation that saves enough, but not at a cost', () => {
    const target = { expectedCostUsd: 50, meetsObjective: true };
    expect(decideApply({ ...base, steps: [option(step(8), 100.5)], target })).toMatchObject({
      action: 'apply',
    });
    expect(decideApply({ ...base, steps: [option(step(8), 103)], target })).toMatchObject({ action: 'hold' });
    expect(decideApply({ ...base, steps: [option(step(8), 100.5)] })).toMatchObject({ action: 'hold' });
    expect(
      decideApply({ ...base, steps: [option(step(8), 100.5)], target: { ...target, meetsObjective: false } }),
    ).toMatchObject({ action: 'hold' });
  });

  it('restores a broken objective even at a higher cost', () => {
    const d = decideApply({
      ...base,
      current: { scaling: step(1), expectedCostUsd: 50, meetsObjective: false },
      steps: [option(step(2), 60)],
    });
    expect(d).toMatchObject({ action: 'apply' });
  });
});

describe('decideRollback', () => {
  const ok = { requests: 500, p95TimeToResultSeconds: 600, expired: 0 };
  const input = { objective, previous: AWS, current: step(2), before: ok };

  it('rolls back to the previous policy, with an alert, when the p95 after the change breaks the objective', () => {
    const d = decideRollback({
      ...input,
      after: { requests: 400, p95TimeToResultSeconds: 1300, expired: 0 },
    });
    expect(d.action).toBe('rollback');
    if (d.action === 'rollback') {
      expect(d.to).toBe(AWS);
      expect(d.alert).toMatch(/p95 time to result 1300 s exceeds the objective's 900 s/);
    }
  });

  it('rolls back at once on expired requests, and waits for enough requests before judging p95', () => {
    expect(
      decideRollback({ ...input, after: { requests: 3, p95TimeToResultSeconds: 700, expired: 2 } }).action,
    ).toBe('rollback');
    expect(
      decideRollback({ ...input, after: { requests: 5, p95TimeToResultSeconds: 5000, expired: 0 } }).action,
    ).toBe('wait');
  });

  it('keeps a change that meets the objective, or that did not worsen an objective already broken', () => {
    expect(decideRollback({ ...input, after: ok }).action).toBe('keep');
    const broken = { requests: 500, p95TimeToResultSeconds: 1200, expired: 0 };
    expect(
      decideRollback({ ...input, before: broken, after: { ...broken, p95TimeToResultSeconds: 1150 } }).action,
    ).toBe('keep');
    expect(
      decideRollback({ ...input, before: broken, after: { ...broken, p95TimeToResultSeconds: 2000 } }).action,
    ).toBe('rollback');
  });
});
