// A kind: realtime endpoint through the CLI on the simulated region: plan (exit 2), apply, plan
// (exit 0), destroy, then plan shows everything to create again.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApply, runDestroy, runPlan } from '../../src/cli/commands/provision.js';
import type { Output } from '../../src/cli/output.js';
import { openSimCloudForCli } from '../../src/cloud/sim/cli-state.js';
import { ApiCallCounter } from '../../src/cloud/types.js';
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

    expect(await runDestroy({ config, yes: true, waitTimeout: '60' }, out)).toBe(0);
    const after = await openSimCloudForCli(loadConfig(config), {});
    expect(await after.cloud.listInferenceComponents()).toEqual([]);
    expect(await after.cloud.getEndpoint('chat')).toBeUndefined();
    await after.close();
    expect(await runPlan({ config }, out)).toBe(2);
  });
});
