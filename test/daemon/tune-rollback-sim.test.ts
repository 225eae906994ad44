// tune.mode: apply, the rollback path end to end on the simulated cloud. Day 1: the demo trace, and
// the tuner takes one bounded step (a shorter idle timeout). Then the traffic changes for real: a new
// client sends one follow-up request at xx:19, after each hourly batch (xx:01-xx:06, a few stragglers
// later), with a short RequestTTLSeconds (its answer is useless after five minutes). Under the original
// policy target tracking scales in only after 15 one-minute datapoints of low backlog, which begin once
// the batch's first burst is served, so at xx:19 an instance is still up and the follow-up finds it;
// under the shorter idle timeout the endpoint has scaled to zero by then in the hours whose batch a warm
// instance served quickly, and the request waits a cold start and expires. (Every request of the trace
// reaches the endpoint, so those batches are served in earnest; a later follow-up, at xx:26, would
// already miss target tracking's instance in such an hour.) The tuner's own replay cannot see a
// client's TTL, so it still believes the step is fine: only the daemon's observation of what the
// endpoint delivered can catch this. Day 2: the daemon must see the expiries in the telemetry it
// gathered, roll back, put the previous policy back on the cloud, record the rollback and alert.
// Day 3: the follow-ups no longer expire, and it must not take the rejected step again.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScalingConfig } from '../../src/config/scaling-schema.js';
import { nextCronTime } from '../../src/config/cron.js';
import { tuneMetaKey } from '../../src/daemon/daemon.js';
import { replayTraffic } from '../../src/daemon/traffic.js';
import { appliedKey } from '../../src/daemon/tuned.js';
import { ownerTags } from '../../src/ownership.js';
import { buildScalingResources } from '../../src/scaling/build.js';
import { observeScaling } from '../../src/scaling/observe.js';
import { planScaling } from '../../src/scaling/plan.js';
import { loadTrace } from '../../src/simulate/traces/index.js';
import { candidateSteps, loadTuneState, observedLatency, type TuneState } from '../../src/tune/index.js';
import { policyKey } from '../../src/tune/space.js';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';
import { tempDir } from '../support/temp-dir.js';

const EP = 'rollback-llm';
const MINUTE = 60_000;
/** The client's RequestTTLSeconds: a cold start (minutes) is longer, a warm endpoint answers in seconds. */
const CLIENT_TTL_SECONDS = 300;
/**
 * Minute of each hour (of the trace's 08:00-15:00 batches) at which the client sends its follow-up:
 * after the shorter idle timeout's scale-in in a quickly served hour (about xx:16), before target
 * tracking's earliest one (about xx:21).
 */
const CLIENT_MINUTE = 19;

let run: SimDaemonRun;
const posts: { at: number; body: string }[] = [];
const client = new AbortController();
let clientRun: Promise<void> | undefined;
/** The follow-up client's requests that reached the endpoint, and those refused (there should be none). */
const clientSent = { accepted: 0, refused: 0, perDay: 0 };

/** Moves virtual time in five-minute steps, letting the daemon's work settle after each. */
async function advanceTo(t: number): Promise<void> {
  while (run.sim.clock.now() < t) {
    await run.sim.clock.advance(Math.min(5 * MINUTE, t - run.sim.clock.now()));
    await new Promise((r) => setImmediate(r));
  }
}

/** The next scheduled tuner run after `t`, from the endpoint's own tune.schedule. */
function nextTuneRun(t: number): number {
  return nextCronTime(run.config.endpoints[0]!.tune!.schedule, t);
}

function tuneStatus() {
  return run.daemon.controllers.status(`tune:${EP}`);
}

/** Whether the cloud runs exactly `scaling` for the endpoint (the reconcile's own plan is empty). */
async function cloudRuns(scaling: ScalingConfig) {
  const endpoint = { ...run.config.endpoints[0]!, scaling };
  const desired = buildScalingResources(endpoint, ownerTags(run.config.project, EP));
  const observed = await observeScaling(run.sim.cloud, EP, desired.resourceId);
  return { changes: planScaling(desired, observed), observed };
}

function logLines(msg: string): Record<string, unknown>[] {
  return run
    .logs()
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

beforeAll(async () => {
  // The simulated cloud is deterministic for sim.seed (probe polling jitters from the region's seeded
  // stream too), so the whole three-day run repeats exactly.
  run = await runSimDaemon({
    project: 'e2erollback',
    endpoint: EP,
    tuneMode: 'apply',
    // The configured scale-out cooldown is the one the tuner would choose on this traffic anyway, so
    // its recommendation differs in the idle class alone: the rolled-back step is then the only step
    // toward it, and taking it again on day 3 would be exactly the oscillation the guardrails forbid.
    scaling: '{ preset: aws-recommended, scaleOutCooldownSeconds: 720 }',
    extraYaml: 'alerts:\n  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/e2erollback" }',
    // What the real Slack client sends, captured at its fetch (as in serve-sim-e2e.test.ts).
    fetch: async (_url, init) => {
      posts.push({ at: run?.sim.clock.now() ?? 0, body: String(init?.body) });
      return new Response('ok', { status: 200 });
    },
  });
  // runSimDaemon stops at 17:45 of day 1; let the 17:20 tuner run (and its reconcile) finish.
  await advanceTo(run.sim.clock.now() + 5 * MINUTE);
}, 300_000);

afterAll(async () => {
  client.abort();
  await clientRun;
  await run?.stop();
});

// Filled in by each step for the next.
let previous: ScalingConfig;
let step: ScalingConfig;
let appliedAt: number;
let rollbackAt: number;
let expiredUnderStep: number;

describe('the tuner in apply mode, when its step breaks the objective in reality', () => {
  it('day 1: applies one bounded step, and the cloud runs it', async () => {
    const state = await loadTuneState(run.store, EP);
    expect(state.recent).toHaveLength(2);
    previous = state.recent[0]!.scaling;
    step = state.recent[1]!.scaling;
    appliedAt = state.recent[1]!.since;
    expect(previous).toEqual(run.config.endpoints[0]!.scaling);
    expect(appliedAt).toBe(nextTuneRun(appliedAt - MINUTE));
    expect(logLines('tuner applies a step').map((l) => l.step)).toEqual(['idle']);
    // A shorter idle timeout than target tracking's own 15 minutes, everything else unchanged.
    expect(step.idle.mode).toBe('step');
    expect(step.idle.minutes).toBeLessThan(previous.idle.minutes);
    expect({ ...step, idle: previous.idle }).toEqual(previous);
    expect(await run.store.meta.getJson<ScalingConfig>(appliedKey(EP))).toEqual(step);
    expect((await cloudRuns(step)).changes).toEqual([]);
    expect(tuneStatus()).toMatchObject({ runs: 1, failures: 0 });
    // The step is sagezero's own change: the reconcile applies it as such, and nobody is told of drift.
    expect(logLines('applying tuner step')).toHaveLength(1);
    await run.daemon.runNow('alerts');
    expect(posts.filter((p) => p.body.includes('Drift on'))).toEqual([]);

    // From now on the new client's traffic reaches the endpoint (from day 2: day 1's hours are over).
    const dir = tempDir('sagezero-rollback-');
    const file = path.join(dir, 'follow-up-client.csv');
    const rows = ['arrival_s,service_s'];
    for (let hour = 8; hour <= 15; hour++) rows.push(`${hour * 3600 + CLIENT_MINUTE * 60},20`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const trace = await loadTrace(file, 'csv', { seed: 1, defaultServiceSeconds: 20 });
    clientSent.perDay = trace.endpoints[0]!.arrivals.length;
    clientRun = replayTraffic(
      {
        engine: run.sim.engine,
        clock: run.sim.clock,
        trace,
        targets: [{ endpointName: EP, source: trace.endpoints[0]! }],
        defaultServiceSeconds: 20,
        requestTtlSeconds: CLIENT_TTL_SECONDS,
        onSubmit: (_e, n) => (clientSent.accepted += n),
        onRefused: (_e, n) => (clientSent.refused += n),
      },
      client.signal,
    ).catch(() => undefined);
  });

  it('day 2: sees the expiries in its own telemetry, rolls back on the cloud, records it and alerts', async () => {
    const ep = run.sim.engine.endpoint(EP);
    const expiredBefore = ep.expired;
    const nextRun = nextTuneRun(appliedAt);
    await advanceTo(nextRun - MINUTE);
    const expiredTruth = ep.expired - expiredBefore; // the simulator's own count since the step
    // Every follow-up of day 2 reached the endpoint (whatever it was doing): what expired, expired there.
    expect(clientSent).toMatchObject({ accepted: clientSent.perDay, refused: 0 });
    await advanceTo(nextRun + 25 * MINUTE);

    // The rollback happened at that tuner run, from what the daemon had gathered: the store's
    // telemetry shows the expiries the simulator really had, and none in the same time before.
    const state: TuneState = await loadTuneState(run.store, EP);
    expect(state.recent).toHaveLength(3);
    rollbackAt = state.lastChangeAt!;
    expect(rollbackAt).toBe(nextRun);
    const objective = run.config.endpoints[0]!.tune!.objective;
    const after = await observedLatency(run.store, EP, appliedAt, rollbackAt);
    const before = await observedLatency(run.store, EP, appliedAt - (rollbackAt - appliedAt), appliedAt);
    expect(expiredTruth).toBeGreaterThan(objective.maxExpired);
    expect(after.expired).toBe(expiredTruth);
    expect(before.expired).toBeLessThanOrEqual(objective.maxExpired);
    expect(before.p95TimeToResultSeconds).toBeLessThanOrEqual(objective.p95TimeToResultSeconds);
    expiredUnderStep = after.expired;

    const rolledBack = logLines('tuner rolled back its last change');
    expect(rolledBack).toHaveLength(1);
    const reason = String(rolledBack[0]!.reason);
    expect(reason).toContain(
      `${after.expired} requests expired (objective: at most ${objective.maxExpired})`,
    );

    // Stored: the step is marked rolled back, the previous policy is live again and overrides the config.
    expect(state.recent[1]).toMatchObject({
      key: policyKey(step),
      since: appliedAt,
      rolledBackAt: rollbackAt,
    });
    expect(state.recent[2]).toMatchObject({ key: policyKey(previous), since: rollbackAt });
    expect(await run.store.meta.getJson<ScalingConfig>(appliedKey(EP))).toEqual(previous);

    // On the cloud: exactly the previous policy again; the step's idle policy and alarm are gone.
    const { changes, observed } = await cloudRuns(previous);
    expect(changes).toEqual([]);
    expect(observed.policies.map((p) => p.policyName)).not.toContain(`sagezero-${EP}-idle`);
    expect(observed.alarms.map((a) => a.name)).not.toContain(`sagezero-${EP}-idle`);

    // Alerted: one Slack message after the rollback says what was rolled back and why, with the
    // numbers; it is not a drift alert (none is raised), and no action is asked for.
    expect(logLines('rolling back tuner step')).toHaveLength(1);
    const alerts = posts.filter((p) => p.at >= rollbackAt && p.body.includes('tuner rollback'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body).toContain(reason);
    expect(alerts[0]!.body).toContain(`sagezero tuner rolled back its last step on ${EP}`);
    expect(alerts[0]!.body).toContain(`idle: target tracking (15 min) → step, ${step.idle.minutes} min`);
    expect(alerts[0]!.body).toContain(
      `${after.expired} requests expired after the step (objective: at most ${objective.maxExpired}); ${before.expired} in as long before it`,
    );
    expect(alerts[0]!.body).toContain('No action needed');
    expect(alerts[0]!.body).toContain('If rollbacks repeat');
    expect(posts.filter((p) => p.body.includes('Drift on'))).toEqual([]);
    expect(tuneStatus()).toMatchObject({ runs: 2, failures: 0 });
  });

  it('day 3: the same traffic no longer expires, and the tuner does not take the rejected step again', async () => {
    const before = await loadTuneState(run.store, EP);
    const nextRun = nextTuneRun(rollbackAt);
    await advanceTo(nextRun + 25 * MINUTE);
    expect(tuneStatus()).toMatchObject({ runs: 3, failures: 0 });

    // Back on the previous policy the client's follow-ups find an instance again: none expires.
    const since = await observedLatency(run.store, EP, rollbackAt, nextRun);
    expect(expiredUnderStep).toBeGreaterThan(0);
    expect(since.expired).toBe(0);
    expect(clientSent).toMatchObject({ accepted: 2 * clientSent.perDay, refused: 0 });

    // The tuner still recommends a shorter idle timeout (its replay cannot see the client's TTL)...
    const rec = await run.store.meta.getJson<{
      at: number;
      changed: string[];
      applied?: string;
      recommended: { scaling: ScalingConfig; choose: { meetsObjective: boolean } };
    }>(tuneMetaKey(EP));
    expect(rec?.at).toBe(nextRun);
    expect(rec?.changed).toContain('idle');
    // ...and the rejected step is still one of the bounded steps toward it...
    const towards = candidateSteps(previous, rec!.recommended.scaling).map((c) => policyKey(c.scaling));
    expect(towards).toContain(policyKey(step));
    // ...but it does not take it again: the idle timeout stays the previous policy's, in the store and on
    // the cloud, and day 1's is the only idle step ever logged. A step of another class that meets the
    // objective and was never rolled back may be taken (it is no oscillation): under the simulator's
    // timing since issue 13 (60 s metric delay) a wake step is the other one, and the tuner takes it
    // when it saves enough; otherwise it holds, saying why.
    expect(logLines('tuner applies a step').filter((l) => l.step === 'idle')).toHaveLength(1);
    const applied = (await run.store.meta.getJson<ScalingConfig>(appliedKey(EP)))!;
    expect(applied.idle).toEqual(previous.idle);
    expect(policyKey(applied)).not.toBe(policyKey(step));
    expect((await cloudRuns(applied)).changes).toEqual([]);
    const state = await loadTuneState(run.store, EP);
    if (towards.length === 1) {
      expect(rec?.applied).toBe('held: every step that meets the objective was rolled back recently');
      expect(state).toEqual(before);
    } else {
      // The other step: one more entry in the history, after the rollback, and not the rejected one.
      expect(state.recent.length).toBeLessThanOrEqual(before.recent.length + 1);
      for (const r of state.recent.filter((x) => x.since > rollbackAt))
        expect(policyKey(r.scaling)).not.toBe(policyKey(step));
    }
    expect(rec?.recommended.choose.meetsObjective).toBe(true);
  });
});
