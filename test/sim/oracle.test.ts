// The references: hand-checked cases of the oracle's definition, the property that makes it a floor
// for the work a policy actually did (no policy run in the simulator costs less than the oracle of the
// requests it served, at the times it served them), and the deadline optimum's: no policy that served
// every request within D costs less than the deadline optimum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadlineOptimum } from '../../src/simulate/deadline.js';
import { oracleCost } from '../../src/simulate/oracle.js';
import { alwaysOnPolicy, presetPolicy, type Policy } from '../../src/simulate/policies.js';
import { replay } from '../../src/simulate/replay.js';
import { DEFAULT_SETTINGS } from '../../src/simulate/runner.js';
import type { Trace } from '../../src/simulate/traces/types.js';
import { customPolicy } from './helpers.js';

const B = 480;

describe('oracle cost (definition)', () => {
  it('charges a lone request its boot (billed from the window start at most) plus its service', () => {
    expect(oracleCost([1000], [10], B, 1, 5000).instanceSeconds).toBe(480 + 10);
    // An instance launched before the window is billed from the window start, as the policies' are.
    expect(oracleCost([100], [10], B, 1, 5000).instanceSeconds).toBe(100 + 10);
  });

  it('stays warm across a gap shorter than a boot and relaunches across a longer one', () => {
    expect(oracleCost([1000, 1200], [10, 10], B, 1, 5000)).toMatchObject({
      instanceSeconds: 480 + 10 + 190 + 10,
      launches: 1,
    });
    expect(oracleCost([1000, 2000], [10, 10], B, 1, 5000)).toMatchObject({
      instanceSeconds: 480 + 10 + 480 + 10,
      launches: 2,
    });
  });

  it('packs concurrent requests into instances of `concurrency` slots, layer by layer', () => {
    // Three requests at once on 2-slot instances need two instances for 100 s.
    expect(oracleCost([600, 600, 600], [100, 100, 100], B, 2, 5000)).toMatchObject({
      instanceSeconds: 2 * (480 + 100),
      peakInstances: 2,
    });
    // Second layer: up 600-700 and 1000-1100 (gap 300 < boot: stays warm 300 s).
    const r = oracleCost([600, 600, 1000, 1000], [100, 100, 100, 100], B, 1, 5000);
    expect(r.instanceSeconds).toBe(2 * (480 + 100 + 300 + 100));
  });

  it('stops billing at the horizon and ignores arrivals after it', () => {
    expect(oracleCost([900, 2000], [200, 10], B, 1, 1000).instanceSeconds).toBe(480 + 100);
  });

  it('accepts starts in any order', () => {
    expect(oracleCost([2000, 1000], [10, 10], B, 1, 5000).instanceSeconds).toBe(
      oracleCost([1000, 2000], [10, 10], B, 1, 5000).instanceSeconds,
    );
  });
});

const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  fc.constant(presetPolicy('aws-recommended')),
  fc.constant(presetPolicy('blog')),
  fc.integer({ min: 1, max: 2 }).map((n) => alwaysOnPolicy(n)),
  fc
    .record({
      wake: fc.option(
        fc.record({
          periodSeconds: fc.constantFrom(60, 120),
          evaluationPeriods: fc.integer({ min: 1, max: 3 }),
        }),
        { nil: undefined },
      ),
      idleMinutes: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      maxCapacity: fc.integer({ min: 1, max: 3 }),
      out: fc.integer({ min: 0, max: 900 }),
      in: fc.integer({ min: 0, max: 900 }),
      target: fc.integer({ min: 1, max: 6 }),
    })
    .map((p) =>
      customPolicy({
        preset: 'aws-recommended',
        maxCapacity: p.maxCapacity,
        targetBacklogPerInstance: p.target,
        scaleOutCooldownSeconds: p.out,
        scaleInCooldownSeconds: p.in,
        ...(p.wake ? { wake: p.wake } : {}),
        ...(p.idleMinutes ? { idle: { mode: 'step' as const, minutes: p.idleMinutes } } : {}),
      }),
    ),
);

const traceArb = fc
  .array(
    fc.record({ at: fc.integer({ min: 0, max: 4 * 3600 }), service: fc.integer({ min: 1, max: 1200 }) }),
    { minLength: 1, maxLength: 25 },
  )
  .map((reqs) => [...reqs].sort((a, b) => a.at - b.at));

describe('no policy beats the oracle', () => {
  it('on random traces, a policy pays at least the oracle of the requests it served, at the times it served them', async () => {
    await fc.assert(
      fc.asyncProperty(
        traceArb,
        policyArb,
        fc.integer({ min: 60, max: 900 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 1000 }),
        async (reqs, policy, boot, concurrency, seed) => {
          const trace: Trace = {
            file: 'random',
            format: 'csv',
            startOfDaySeconds: 9 * 3600,
            durationSeconds: 5 * 3600,
            endpoints: [
              {
                id: 'r',
                arrivals: Float64Array.from(reqs, (r) => r.at),
                service: Float64Array.from(reqs, (r) => r.service),
                expectedRequests: reqs.length,
              },
            ],
          };
          const settings = {
            ...DEFAULT_SETTINGS,
            boot: { kind: 'fixed' as const, seconds: boot },
            concurrency,
            seed,
          };
          const te = trace.endpoints[0] as Trace['endpoints'][number];
          const run = await replay(
            policy,
            {
              startMs: settings.dayStart + trace.startOfDaySeconds * 1000,
              durationSeconds: trace.durationSeconds,
              arrivals: te.arrivals,
              ...(te.service ? { service: te.service } : {}),
            },
            settings,
            { recordSpans: true },
          );
          const spans = run.spans;
          expect(spans).toBeDefined();
          const oracle = oracleCost(
            spans?.starts ?? [],
            spans?.durations ?? [],
            boot,
            concurrency,
            // The replay drains and bills every request to its end: so does the oracle.
            Infinity,
          );
          expect(run.instanceSeconds).toBeGreaterThanOrEqual(oracle.instanceSeconds - 1e-6);
          // Every request is accounted for exactly once, and the run ended with the endpoint idle.
          expect(run.settled).toBe(true);
          expect(run.completed + run.expired + run.failed).toBe(reqs.length);
        },
      ),
      { numRuns: 150, seed: 20260105 },
    );
  });
});

describe('no policy that serves every request within D beats the deadline optimum', () => {
  it('on random traces and policies, a run that finished every request within D cost at least the optimum', async () => {
    let inTime = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        traceArb,
        policyArb,
        fc.integer({ min: 60, max: 900 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 600, max: 7200 }),
        async (reqs, policy, boot, concurrency, seed, deadline) => {
          const settings = {
            ...DEFAULT_SETTINGS,
            boot: { kind: 'fixed' as const, seconds: boot },
            concurrency,
            seed,
          };
          const arrivals = Float64Array.from(reqs, (r) => r.at);
          const service = Float64Array.from(reqs, (r) => r.service);
          const run = await replay(
            policy,
            { startMs: settings.dayStart + 9 * 3_600_000, durationSeconds: 5 * 3600, arrivals, service },
            settings,
          );
          total++;
          // Only a run that met "every request within D" is held to the floor.
          const within = Array.from(run.ttr).filter((t) => t <= deadline + 1e-6).length;
          if (run.completed !== reqs.length || within !== reqs.length) return;
          inTime++;
          const opt = deadlineOptimum(arrivals, service, boot, concurrency, deadline);
          expect(run.instanceSeconds).toBeGreaterThanOrEqual(opt.instanceSeconds - 1e-6);
        },
      ),
      { numRuns: 150, seed: 20261203 },
    );
    // The property was exercised, not vacuous: a good share of runs met the deadline.
    expect(inTime).toBeGreaterThan(total / 5);
  });
});
