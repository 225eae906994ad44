// kill -9 during `apply`, property-style over seeds: the real CLI runs as a child process against a
// proxy in front of moto; when the proxy sees the Nth mutating call (N from the seed) the test sends
// SIGKILL, and the call either never reaches moto or reaches it with nobody left to read the answer.
// A second apply must converge: plan shows no changes and moto holds exactly one of everything.
// Seeds come in pairs on one endpoint: the first kills a fresh create, the second an instance-type
// change (deregister, new config, UpdateEndpoint, old config deleted, scaling set re-created) of the
// endpoint the first left converged.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runApply, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { motoEnv, spawnCli } from '../support/cli.js';
import { seededRandom, startFaultProxy, type FaultProxy, type HookDecision } from '../support/fault-proxy.js';
import { expectOneOfEach, inventory } from './inventory.js';
import { tempDir } from '../support/temp-dir.js';

const moto = inject('motoEndpoint');
const SEEDS = Number(process.env.KILL_SEEDS ?? 8);
const FIRST_SEED = Number(process.env.KILL_FIRST_SEED ?? 1);
const CONCURRENCY = 4;
/** Both scenarios make at least 10 first-attempt mutating calls, so every kill lands mid-apply. */
const MAX_KILL_POINT = 10;
const lines: string[] = [];
const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };
let dir: string;
/** No faults, AWS semantics, the kill proxies' tag store: where the converging apply and plan go. */
let clean: FaultProxy;
const scalableTargetTags = new Map<string, Record<string, string>>();

function writeConfig(name: string, instanceType: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `region: us-east-1
project: kill
endpoints:
  - name: ${name}
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1, modelDataUrl: s3://sagezero-kill/model.tar.gz }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ${instanceType}
    async: { outputPath: s3://sagezero-kill/out/ }
    scaling:
      preset: aws-recommended
      keepWarm:
        - { from: "0 8 * * 1-5", to: "0 18 * * 1-5", timezone: Europe/Brussels }
`,
  );
  return file;
}

interface Outcome {
  seed: number;
  scenario: 'create' | 'change';
  killAt: number;
  killedDuring: string;
  how: HookDecision;
  signal: NodeJS.Signals | null;
}

/**
 * One seed: kill an apply of `name` (a create, or an instance-type change of the endpoint the chain's
 * previous seed left converged), apply again, check.
 */
async function killedApply(seed: number, name: string, scenario: Outcome['scenario']): Promise<Outcome> {
  const random = seededRandom(Math.imul(seed, 0x9e3779b1));
  const killAt = 1 + Math.floor(random() * MAX_KILL_POINT);
  const how: HookDecision = random() < 0.5 ? 'hang' : 'forward-and-hang';
  const cfg = writeConfig(name, scenario === 'change' ? 'ml.g4dn.2xlarge' : 'ml.g4dn.xlarge');

  let mutating = 0;
  let killedDuring = '';
  let kill: () => void = () => undefined;
  const proxy = await startFaultProxy({
    target: moto,
    seed,
    rate: 0,
    awsSemantics: true,
    scalableTargetTags,
    onRequest: (r) => {
      if (killedDuring || !r.mutating || (r.attempt ?? 1) !== 1) return 'pass';
      if (++mutating < killAt) return 'pass';
      killedDuring = `${r.service}:${r.operation}`;
      kill();
      return how;
    },
  });
  try {
    const child = spawnCli(['apply', '-c', cfg, '--yes'], motoEnv(proxy.url));
    kill = child.kill;
    const { signal, output } = await child.exited;
    if (signal !== 'SIGKILL')
      throw new Error(
        `seed ${seed}: apply was not killed (kill point ${killAt}, saw ${mutating}):\n${output}`,
      );
  } finally {
    await proxy.close();
  }

  // The second apply, in-process over the clean connection (process.env points there), must finish the job.
  expect(await runApply({ config: cfg, yes: true, waitTimeout: '5' }, out)).toBe(0);
  expect(await runPlan({ config: cfg }, out)).toBe(0);
  const inv = await inventory(moto, name);
  expectOneOfEach(inv, name, `seed ${seed}`);
  return { seed, scenario, killAt, killedDuring, how, signal: 'SIGKILL' };
}

beforeAll(async () => {
  Object.assign(process.env, motoEnv(moto));
  clean = await startFaultProxy({ target: moto, seed: 0, rate: 0, awsSemantics: true, scalableTargetTags });
  process.env.AWS_ENDPOINT_URL = clean.url;
  dir = tempDir('sagezero-kill-');
});

afterAll(async () => {
  await clean?.close();
});

describe('kill -9 during apply, then apply again', () => {
  it(`converges without duplicates for ${SEEDS} seeds`, async () => {
    // Seeds go in pairs on one endpoint: a killed create, then a killed instance-type change of the
    // endpoint the first left converged. Pairs run side by side (they share nothing but moto).
    const pairs = Array.from({ length: Math.ceil(SEEDS / 2) }, (_, i) => FIRST_SEED + 2 * i);
    const chains = pairs.map((first) => async (): Promise<Outcome[]> => {
      const name = `kill${first}-llm`;
      const done = [await killedApply(first, name, 'create')];
      if (first + 1 < FIRST_SEED + SEEDS) done.push(await killedApply(first + 1, name, 'change'));
      return done;
    });
    const outcomes: Outcome[] = [];
    for (let i = 0; i < chains.length; i += CONCURRENCY) {
      outcomes.push(...(await Promise.all(chains.slice(i, i + CONCURRENCY).map((run) => run()))).flat());
    }
    for (const o of outcomes) {
      console.log(
        `seed ${o.seed} ${o.scenario}: SIGKILL at mutating call #${o.killAt} (${o.killedDuring}, ${o.how}) -> converged`,
      );
    }
    expect(outcomes.every((o) => o.killedDuring !== '')).toBe(true);
    // Both ways of dying were exercised.
    expect(new Set(outcomes.map((o) => o.how)).size).toBe(Math.min(2, SEEDS));
  });
});
