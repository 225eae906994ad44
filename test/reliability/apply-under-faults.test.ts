// `apply` through a fault-injecting proxy in front of moto: 30% of requests throttled, failed with
// 500/503, reset (before or after moto applied them) or slowed. apply is repeated until it succeeds
// (bounded); then a plan over a clean connection shows no changes and moto holds exactly one of each
// resource. The SDK must have retried the injected errors itself, and every error it gave up on must
// have reached the ApiCallObserver.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { ApiCallCounter } from '../../src/cloud/types.js';
import { motoEnv } from '../support/cli.js';
import { ERROR_FAULTS, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { expectOneOfEach, inventory } from './inventory.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const NAME = 'faults-llm';
const SEED = Number(process.env.FAULT_SEED ?? 20260101);
const MAX_RUNS = 8;
const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
let dir: string;
let proxy: FaultProxy;
/** No faults, same AWS semantics and tag store: the "clean connection" for plans and clean-up. */
let clean: FaultProxy;
const scalableTargetTags = new Map<string, Record<string, string>>();
const counter = new ApiCallCounter();
/** Messages of the runs that failed, for the log. */
const failures: string[] = [];

function writeConfig(instanceType: string, name = NAME): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
project: faults
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-faults/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ${instanceType}
    async: { outputPath: s3://sagezero-faults/out/ }
    scaling:
      preset: aws-recommended
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels }
`,
  );
  return file;
}

/** Runs `step` through the faulty proxy until it exits 0; returns how many runs it took. */
async function untilSuccess(step: () => Promise<number>, through: FaultProxy = proxy): Promise<number> {
  process.env.AWS_ENDPOINT_URL = through.url;
  try {
    for (let run = 1; run <= MAX_RUNS; run++) {
      try {
        if ((await step()) === 0) return run;
      } catch (e) {
        // A CloudError the SDK could not retry away (or an ambiguous create): the next run picks up.
        failures.push((e as Error).message);
      }
    }
    throw new Error(`no success in ${MAX_RUNS} runs under faults:\n${lines.slice(-30).join('\n')}`);
  } finally {
    process.env.AWS_ENDPOINT_URL = clean.url;
  }
}

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  clean = await startFaultProxy({ target: moto, seed: 0, rate: 0, awsSemantics: true, scalableTargetTags });
  process.env.AWS_ENDPOINT_URL = clean.url;
  dir = tempDir('sagezero-faults-');
  // Throttles weigh less than the other faults only to keep the test fast: after one, the SDK's
  // adaptive retry mode rate-limits that client (down to 0.5 requests/s), which is right for AWS and
  // slow for a test.
  proxy = await startFaultProxy({
    target: moto,
    seed: SEED,
    rate: 0.3,
    awsSemantics: true,
    scalableTargetTags,
    weights: { throttle: 10, error500: 20, error503: 20, reset: 20, resetAfterForward: 15, slow: 15 },
  });
});

afterAll(async () => {
  await proxy?.close();
  await clean?.close();
});

describe('apply under 30% injected faults', () => {
  it('create and an instance-type change each converge with no duplicates', async () => {
    const yes = { yes: true, waitTimeout: '5' };
    let cfg = writeConfig('ml.g4dn.xlarge');
    const createRuns = await untilSuccess(() => runApply({ config: cfg, ...yes }, out, counter));
    expect(await runPlan({ config: cfg }, out)).toBe(0);
    const created = await inventory(moto, NAME);
    expectOneOfEach(created, NAME);

    cfg = writeConfig('ml.g4dn.2xlarge');
    const changeRuns = await untilSuccess(() => runApply({ config: cfg, ...yes }, out, counter));
    expect(await runPlan({ config: cfg }, out)).toBe(0);
    const changed = await inventory(moto, NAME);
    expect(changed.models).toEqual(created.models); // the instance type is not part of the model
    expect(changed.endpointConfigs).toHaveLength(1);
    expect(changed.endpointConfigs).not.toEqual(created.endpointConfigs);
    expect({ ...changed, endpointConfigs: [] }).toEqual({ ...created, endpointConfigs: [] });

    // Clean up over the clean connection (destroy's own fault handling is the same retry path).
    expect(await runDestroy({ config: cfg, ...yes }, out)).toBe(0);
    expect(await inventory(moto, NAME)).toEqual({
      models: [],
      endpointConfigs: [],
      endpoints: [],
      scalableTargets: [],
      policies: [],
      scheduledActions: [],
      alarms: [],
    });

    // The faults really happened, in every flavour, at about the configured rate.
    const counts = proxy.counts();
    const seen = proxy.requests.length;
    for (const kind of ERROR_FAULTS) expect(counts[kind], kind).toBeGreaterThan(0);
    expect(proxy.injected.length / seen).toBeGreaterThan(0.15);
    expect(proxy.injected.length / seen).toBeLessThan(0.45);

    // The SDK retried injected errors itself: the same invocation came back with a higher attempt.
    const errors = proxy.injected.filter((r) => r.fault !== 'slow');
    const retried = new Set(proxy.retriedFaults().map((r) => r.seq));
    expect(retried.size).toBeGreaterThan(errors.length * 0.8);
    // Whatever the SDK gave up on reached sagezero's observer as a failed call.
    const unretried = errors.filter((r) => !retried.has(r.seq));
    const failed = counter.calls.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThanOrEqual(unretried.length);
    for (const f of unretried) {
      expect(failed.some((c) => c.service === f.service && c.operation === f.operation)).toBe(true);
    }

    console.log(
      `faults seed ${SEED}: ${seen} requests, injected ${JSON.stringify(counts)}; ` +
        `${retried.size}/${errors.length} error faults retried by the SDK; runs to converge: ` +
        `create ${createRuns}, change ${changeRuns}; observer failures: ${failed.length}`,
    );
  });

  it('creates whose responses are lost after moto applied them converge without duplicates', async () => {
    // Every create-like call is applied by moto, then its connection is reset: the SDK retries it and
    // meets AWS's "Cannot create already existing ..." (Put* calls simply overwrite), the situation a
    // network blip on real AWS makes.
    const name = 'lostresp-llm';
    const creates = new Set([
      'CreateModel',
      'CreateEndpointConfig',
      'CreateEndpoint',
      'RegisterScalableTarget',
      'PutScalingPolicy',
      'PutMetricAlarm',
      'PutScheduledAction',
    ]);
    const lost = await startFaultProxy({
      target: moto,
      seed: SEED,
      rate: 0,
      awsSemantics: true,
      scalableTargetTags,
      onRequest: (r) => (creates.has(r.operation) && r.attempt === 1 ? 'resetAfterForward' : 'pass'),
    });
    try {
      const cfg = writeConfig('ml.g4dn.xlarge', name);
      // Where this step's failed runs start in `failures` (when it converges in one run there are none;
      // slice(-(runs - 1)) would then be slice(0), every failure of the file).
      const failedBefore = failures.length;
      const runs = await untilSuccess(
        () => runApply({ config: cfg, yes: true, waitTimeout: '5' }, out, new ApiCallCounter()),
        lost,
      );
      expect(await runPlan({ config: cfg }, out)).toBe(0);
      const inv = await inventory(moto, name);
      expect(inv.models).toHaveLength(1);
      expect(inv.endpointConfigs).toHaveLength(1);
      expect(inv.endpoints).toEqual([name]);
      expect(inv.scalableTargets).toHaveLength(1);
      expect(inv.policies).toEqual([`sagezero-${name}-backlog-target`, `sagezero-${name}-wake`]);
      expect(inv.alarms).toEqual([`sagezero-${name}-wake`]);
      const lostOps = new Set(lost.injected.map((r) => r.operation));
      expect([...creates].every((op) => lostOps.has(op))).toBe(true);
      console.log(
        `lost responses: ${lost.injected.length} creates reset after moto applied them; apply runs: ${runs}; ` +
          `failed runs said: ${failures.slice(failedBefore).join(' | ')}`,
      );
      // A lost create that did cost a run failed it naming what happened.
      expect(failures.slice(failedBefore).every((m) => /already existing/.test(m))).toBe(true);
      expect(await runDestroy({ config: cfg, yes: true, waitTimeout: '5' }, out)).toBe(0);
    } finally {
      await lost.close();
    }
  });
});
