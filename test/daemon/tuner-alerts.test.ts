// What the daemon tells Slack when the tuner (tune.mode: apply) changes the live policy, on the
// simulated cloud: the step is sagezero's own change of desired state, so the reconcile that puts it on
// the cloud logs "applying tuner step" and raises no drift alert, and the tuner posts one message that
// says what the step changed. Someone editing the policy in the cloud by hand afterwards is drift, and
// still raises the drift alert (and is put back to the tuner's policy, not the config's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScalingConfig } from '../../src/config/scaling-schema.js';
import { appliedKey, tunerChange } from '../../src/daemon/tuned.js';
import { ownerTags } from '../../src/ownership.js';
import { buildScalingResources } from '../../src/scaling/build.js';
import { observeScaling } from '../../src/scaling/observe.js';
import { planScaling } from '../../src/scaling/plan.js';
import { runSimDaemon, type SimDaemonRun } from '../support/sim-daemon.js';

const EP = 'alerts-llm';
const MINUTE = 60_000;

let run: SimDaemonRun;
const posts: { at: number; body: string }[] = [];

function logLines(msg: string): Record<string, unknown>[] {
  return run
    .logs()
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

/** Slack posts that are the generic drift alert (repaired or not). */
const driftPosts = (): typeof posts =>
  posts.filter((p) => p.body.includes('Drift on ') || p.body.includes('drift-repaired'));

async function cloudRuns(scaling: ScalingConfig) {
  const endpoint = { ...run.config.endpoints[0]!, scaling };
  const desired = buildScalingResources(endpoint, ownerTags(run.config.project, EP));
  const observed = await observeScaling(run.sim.cloud, EP, desired.resourceId);
  return { changes: planScaling(desired, observed), observed, desired };
}

beforeAll(async () => {
  run = await runSimDaemon({
    project: 'e2etunealerts',
    endpoint: EP,
    tuneMode: 'apply',
    extraYaml: 'alerts:\n  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/e2etunealerts" }',
    fetch: async (_url, init) => {
      posts.push({ at: run?.sim.clock.now() ?? 0, body: String(init?.body) });
      return new Response('ok', { status: 200 });
    },
  });
  // runSimDaemon stops at 17:45; let the 17:20 tuner run settle, and the alerts run over its reconcile.
  await run.sim.clock.advance(5 * MINUTE);
  await run.daemon.runNow('alerts');
}, 300_000);

afterAll(async () => {
  await run?.stop();
});

describe('tuner changes are announced as such, drift is still drift', () => {
  it('an applied step: no drift alert, one step message, logged as the tuner’s', async () => {
    // Slack: no drift alert; one message for the step, saying what changed.
    expect(driftPosts()).toEqual([]);
    const stepPosts = posts.filter((p) =>
      p.body.includes(`sagezero tuner changed the scaling policy of ${EP}`),
    );
    expect(stepPosts).toHaveLength(1);
    expect(stepPosts[0]!.body).toContain('*Step taken*: idle: ');
    expect(stepPosts[0]!.body).toContain('*On the endpoint*: since');
    expect(stepPosts[0]!.body).toContain('No action needed');

    const step = await run.store.meta.getJson<ScalingConfig>(appliedKey(EP));
    expect(step).toBeDefined();
    expect(step).not.toEqual(run.config.endpoints[0]!.scaling);
    expect((await cloudRuns(step!)).changes).toEqual([]);

    const change = await tunerChange(run.store, EP);
    expect(change).toMatchObject({ kind: 'step', to: step });
    expect(change?.onCloudAt).toBeGreaterThanOrEqual(change!.at);

    // The reconcile said it applied the tuner's step, and did not call it drift.
    const applying = logLines('applying tuner step');
    expect(applying).toHaveLength(1);
    expect((applying[0]!.changes as string[]).length).toBeGreaterThan(0);
    expect(logLines('drift: the cloud differs from the config')).toEqual([]);
    expect(run.daemon.controllers.status(`tune:${EP}`).failures).toBe(0);
  });

  it('a hand edit of the scaling policy in the cloud is drift: alerted, and put back to the tuner’s policy', async () => {
    const step = (await run.store.meta.getJson<ScalingConfig>(appliedKey(EP)))!;
    const { observed } = await cloudRuns(step);
    const tracking = observed.policies.find((p) => p.type === 'TargetTracking');
    expect(tracking).toBeDefined();
    // Someone raises the target in the console.
    const { policyArn: _arn, alarmNames: _alarms, ...spec } = tracking!;
    if (spec.type !== 'TargetTracking') throw new Error('unreachable');
    await run.sim.cloud.putScalingPolicy({ ...spec, targetValue: spec.targetValue * 4 });
    expect((await cloudRuns(step)).changes).not.toEqual([]);

    const before = posts.length;
    const driftLogs = logLines('drift: the cloud differs from the config').length;
    const tunerLogs = logLines('applying tuner step').length;
    // Telemetry cannot see a policy edit: the reconcile finds it at its next full check, within
    // daemon.driftCheckMinutes (default 60).
    await run.sim.clock.advance(60 * MINUTE);
    await run.daemon.runNow('reconcile');
    await run.daemon.runNow('alerts');

    const found = logLines('drift: the cloud differs from the config');
    expect(found).toHaveLength(driftLogs + 1);
    expect(String(found.at(-1)!.changes)).toContain(tracking!.policyName);
    expect(logLines('applying tuner step')).toHaveLength(tunerLogs);
    const drift = posts.slice(before).filter((p) => p.body.includes(`Drift on ${EP} detected and repaired`));
    expect(drift).toHaveLength(1);
    expect(drift[0]!.body).toContain(tracking!.policyName);
    expect(drift[0]!.body).toContain('CloudTrail');
    // Put back to what sagezero last applied: the tuner's step, not the config's policy.
    expect((await cloudRuns(step)).changes).toEqual([]);
  });
});
