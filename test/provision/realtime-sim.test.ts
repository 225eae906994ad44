// A kind: realtime endpoint through the CLI on the simulated region: plan (exit 2), apply, plan
// (exit 0), its policies taking it to zero and waking it, destroy, then plan shows everything to
// create again.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { openSimCloudForCli } from '../../src/cloud/sim/cli-state.js';
import { ApiCallCounter, NO_CAPACITY_ERROR } from '../../src/cloud/types.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../support/temp-dir.js';

const YAML = `
region: us-east-1
cloud: sim
project: rt
store: ./var/sagezero.db
sim: { bootSeconds: 300, seed: 5 }
endpoints:
  - name: chat
    kind: realtime
    instanceType: ml.g5.12xlarge
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    managedScaling: { maxInstances: 2, scaleIn: { policy: idle-release } }
    components:
      - name: llama
        model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:1, modelDataUrl: s3://models/llama/ }
        acceleratorsPerCopy: 2
        memoryMb: 32768
`;

describe('kind: realtime through plan/apply/destroy on the simulated region', () => {
  it('plan exits 2, apply converges, plan exits 0 and mutates nothing, destroy removes it all', async () => {
    const dir = tempDir('sagezero-rt-');
    const config = path.join(dir, 'sagezero.yaml');
    await writeFile(config, YAML);
    const lines: string[] = [];
    const out: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false };

    expect(await runPlan({ config }, out)).toBe(2);
    expect(lines.join('\n')).toMatch(/\+\s+inference-component chat-llama/);
    const applied = await runApply({ config, yes: true, waitTimeout: '60' }, out);
    expect(applied, lines.join('\n')).toBe(0);

    const sim = await openSimCloudForCli(loadConfig(config), {});
    const comp = await sim.cloud.getInferenceComponent('chat-llama');
    expect(comp?.status).toBe('InService');
    expect(await sim.cloud.getScalableTarget('inference-component/chat-llama')).toMatchObject({
      minCapacity: 0,
    });
    await sim.close();

    lines.length = 0;
    const counter = new ApiCallCounter();
    expect(await runPlan({ config }, out, counter)).toBe(0);
    expect(lines.join('\n')).toMatch(/endpoint chat: up to date/);
    expect(await runApply({ config, yes: true, waitTimeout: '60' }, out, counter)).toBe(0);
    expect(counter.mutating()).toEqual([]);

    // The applied policies do their job: idle, the component goes to zero copies and the endpoint
    // to zero instances; a request then fails, the wake alarm adds a copy, and a retry succeeds.
    const region = await openSimCloudForCli(loadConfig(config), {});
    const invoke = () =>
      region.cloud.invokeEndpoint({ endpointName: 'chat', inferenceComponentName: 'chat-llama', body: '{}' });
    // Target tracking's low alarm: 15 one-minute datapoints; then managed scaling's 20-minute cooldown.
    await region.clock.sleep(60 * 60_000);
    expect(await region.cloud.getInferenceComponent('chat-llama')).toMatchObject({
      desiredCopyCount: 0,
      currentCopyCount: 0,
    });
    expect((await region.cloud.getEndpoint('chat'))?.variants[0]?.currentInstanceCount).toBe(0);
    await expect(invoke()).rejects.toMatchObject({ code: NO_CAPACITY_ERROR });
    // The alarm's one-minute period, then its evaluation: the wake policy has asked for a copy.
    await region.clock.sleep(3 * 60_000);
    expect((await region.cloud.getInferenceComponent('chat-llama'))?.desiredCopyCount).toBe(1);
    // An instance boots (about bootSeconds 300) and the copy loads; within 20 minutes it serves.
    // An instance boots (bootSeconds 300) and the copy loads: a client retrying every 30 s is served
    // within 20 minutes.
    let served = false;
    for (let attempt = 0; attempt < 40 && !served; attempt++) {
      await region.clock.sleep(30_000);
      served = await invoke().then(
        () => true,
        (e: unknown) => {
          if ((e as { code?: string }).code !== NO_CAPACITY_ERROR) throw e;
          return false;
        },
      );
    }
    expect(served).toBe(true);
    await region.close();

    expect(await runDestroy({ config, yes: true, waitTimeout: '60' }, out)).toBe(0);
    const after = await openSimCloudForCli(loadConfig(config), {});
    expect(await after.cloud.listInferenceComponents()).toEqual([]);
    expect(await after.cloud.getEndpoint('chat')).toBeUndefined();
    await after.close();
    expect(await runPlan({ config }, out)).toBe(2);
  });
});
