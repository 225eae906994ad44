// The CLI's simulated region outlives the process: what one `sagezero` run creates, the next one sees,
// with virtual time continuing, requests still in flight and alarms still armed.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSimCloudForCli } from '../../src/cloud/sim/cli-state.js';
import { ApiCallCounter } from '../../src/cloud/types.js';
import { parseConfig, type Config } from '../../src/config/load.js';
import { ownerTags } from '../../src/ownership.js';
import { buildScalingResources } from '../../src/scaling/build.js';
import { installScalingResources } from '../../src/scaling/install.js';
import { tempDir } from '../support/temp-dir.js';

async function config(dir: string, region = 'eu-west-1'): Promise<Config> {
  const file = path.join(dir, 'sagezero.yaml');
  const yaml = `
region: ${region}
cloud: sim
store: ./var/sagezero.db
sim: { bootSeconds: 300, seed: 3, accountId: "111122223333" }
endpoints:
  - name: llm
    executionRoleArn: arn:aws:iam::111122223333:role/SageMakerExecution
    instanceType: ml.g5.12xlarge
    model: { image: 123.dkr.ecr.eu-west-1.amazonaws.com/llm:1 }
`;
  await writeFile(file, yaml);
  return parseConfig(yaml, file);
}

const ROLE = 'arn:aws:iam::111122223333:role/SageMakerExecution';

describe('openSimCloudForCli', () => {
  it('persists the region between runs, continuing virtual time', async () => {
    const dir = tempDir('sagezero-sim-');
    const cfg = await config(dir);
    const counter = new ApiCallCounter();
    const first = await openSimCloudForCli(cfg, { observer: counter });
    expect(first.cloud.kind).toBe('sim');
    expect(await first.cloud.accountId()).toBe('111122223333');
    const started = first.clock.now();
    await first.cloud.createModel({
      name: 'm',
      image: 'img',
      environment: {},
      executionRoleArn: ROLE,
      tags: {},
    });
    await first.cloud.createEndpointConfig({
      name: 'c',
      modelName: 'm',
      variantName: 'AllTraffic',
      instanceType: 'ml.g5.12xlarge',
      initialInstanceCount: 1,
      async: { outputPath: 's3://out-bucket/o', failurePath: 's3://out-bucket/f' },
      tags: {},
    });
    await first.cloud.createEndpoint('llm', 'c', {});
    await first.clock.sleep(600_000);
    expect((await first.cloud.getEndpoint('llm'))?.status).toBe('InService');
    const endpoint = cfg.endpoints[0];
    if (!endpoint) throw new Error('no endpoint in config');
    await installScalingResources(
      first.cloud,
      buildScalingResources(endpoint, ownerTags(cfg.project, 'llm')),
    );
    await first.cloud.putObject('s3://in-bucket/x.json', '{}');
    const inv = await first.cloud.invokeEndpointAsync({
      endpointName: 'llm',
      inputLocation: 's3://in-bucket/x.json',
    });
    await first.close();
    expect(counter.mutating()).toContain('sagemaker:CreateEndpoint');

    const stateFile = path.join(dir, 'var', 'sim-cloud.json');
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { regions: Record<string, unknown> };
    expect(Object.keys(saved.regions)).toEqual(['eu-west-1']);

    const second = await openSimCloudForCli(cfg, {});
    expect(second.clock.now()).toBe(started + 600_000);
    expect((await second.cloud.getEndpoint('llm'))?.status).toBe('InService');
    const alarms = await second.cloud.listAlarms('sagezero-llm-');
    expect(alarms.map((a) => a.name)).toEqual(['sagezero-llm-wake']);
    expect(await second.cloud.listScalingPolicies('endpoint/llm/variant/AllTraffic')).toHaveLength(2);
    // The request sent in the first run finishes in the second.
    expect(await second.cloud.getObject(inv.outputLocation)).toBeUndefined();
    await second.clock.sleep(60_000);
    expect(await second.cloud.getObject(inv.outputLocation)).toBeDefined();
    await second.close();

    // Another region in the same file starts empty and leaves the first one alone.
    const other = await openSimCloudForCli(await config(dir, 'us-west-2'), {});
    expect(await other.cloud.listEndpoints()).toEqual([]);
    await other.close();
    const both = JSON.parse(await readFile(stateFile, 'utf8')) as { regions: Record<string, unknown> };
    expect(Object.keys(both.regions).sort()).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('says what to do when the state file is corrupt', async () => {
    const dir = tempDir('sagezero-sim-');
    const cfg = await config(dir);
    const first = await openSimCloudForCli(cfg, {});
    await first.close();
    await writeFile(path.join(dir, 'var', 'sim-cloud.json'), '{not json');
    await expect(openSimCloudForCli(cfg, {})).rejects.toThrow(
      /sim-cloud\.json is not valid JSON .*delete it/,
    );
  });
});
