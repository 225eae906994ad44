// mode: apply, run after run: the daemon's loop of tune -> decideApply -> apply one bounded step,
// with the real tuner and replays whose random boots differ from run to run.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/cloud/sim/rng.js';
import { resolveScaling, type ScalingConfig } from '../../src/config/scaling-schema.js';
import { DEFAULT_SETTINGS } from '../../src/simulate/runner.js';
import { describeBoot } from '../../src/tune/coldstart.js';
import {
  classesChanged,
  decideApply,
  EMPTY_STATE,
  effectiveIdleMinutes,
  recordApplied,
  type TuneState,
} from '../../src/tune/guardrails.js';
import { policyKey } from '../../src/tune/space.js';
import { tuneTraffic } from '../../src/tune/tune.js';

const DAY_MS = 86_400_000;
const { dayStart: _dayStart, ...settings } = DEFAULT_SETTINGS;

describe('applying the tuner’s recommendation with guardrails, run after run', () => {
  it('takes bounded single-class steps toward it and never returns to a policy it left', async () => {
    // Lone requests every 40-60 minutes for two days, on an endpoint configured to stay up for an
    // idle hour: the tuner wants it gone right after each request.
    const rng = Rng.derive(5, 'apply-cycle');
    const arrivals: number[] = [];
    for (let t = 600; t < 2 * 86_400; t += 2400 + 1200 * rng.next()) arrivals.push(t);
    // With AWS's guide's 300 s scale-out cooldown set explicitly (the preset now derives 720 s from
    // the 480 s boot prior), so the wake also relaunches instances still booting until the tuner
    // moves the cooldown.
    const start: ScalingConfig = {
      ...resolveScaling({ preset: 'aws-recommended', scaleOutCooldownSeconds: 300 }),
      idle: { mode: 'step', minutes: 60 },
    };
    let live = start;
    let state: TuneState = recordApplied(EMPTY_STATE, live, 0);
    const visited = [policyKey(live)];
    const costs: number[] = [];
    const idlePath: number[] = [];
    for (let run = 1; run <= 10; run++) {
      const r = await tuneTraffic({
        endpoint: 'sparse',
        history: {
          startMs: Date.UTC(2026, 0, 5),
          durationSeconds: 2 * 86_400,
          arrivals: Float64Array.from(arrivals),
        },
        settings: { ...settings, seed: run },
        boot: describeBoot({ kind: 'lognormal', medianSeconds: 480, sigma: 0.15 }),
        pricePerHourUsd: 7.09,
        objective: { p95TimeToResultSeconds: 900, maxExpired: 0 },
        current: live,
        withSteps: true,
      });
      costs.push(r.current.choose.costUsd);
      const d = decideApply({
        now: run * DAY_MS,
        current: {
          scaling: live,
          expectedCostUsd: r.current.choose.costUsd,
          meetsObjective: r.current.choose.meetsObjective,
        },
        steps: r.steps,
        target: {
          expectedCostUsd: r.recommended.choose.costUsd,
          meetsObjective: r.recommended.choose.meetsObjective,
        },
        inFlight: { probe: false, scaleOut: false },
        state,
      });
      if (d.action !== 'apply') continue;
      const next = d.step.scaling;
      expect(classesChanged(live, next)).toEqual([d.step.cls]);
      const ratio = effectiveIdleMinutes(next) / effectiveIdleMinutes(live);
      expect(ratio).toBeLessThanOrEqual(2);
      expect(ratio).toBeGreaterThanOrEqual(0.5);
      expect(d.step.meetsObjective).toBe(true);
      // Never back to a policy that was live before.
      expect(visited).not.toContain(policyKey(next));
      visited.push(policyKey(next));
      if (d.step.cls === 'idle') idlePath.push(effectiveIdleMinutes(next));
      live = next;
      state = recordApplied(state, live, run * DAY_MS);
    }
    // The idle hour came down by halves (to AWS's target tracking, which in the simulated cloud lets
    // the last instance go soon after the queue empties), and the endpoint costs a fraction of what
    // it did; once there, the runs hold.
    expect(idlePath).toEqual([30, 15]);
    expect(live.idle.mode).toBe('target-tracking');
    expect(costs[costs.length - 1]).toBeLessThan(0.2 * (costs[0] as number));
    expect(visited.length).toBeLessThanOrEqual(6);
  });
});
