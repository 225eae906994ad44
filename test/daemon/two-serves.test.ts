// Two `serve` processes on one store (cloud: aws, moto): only the lease holder acts; the other stands
// by and takes over when the first is killed with SIGKILL. Nothing is created twice.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/index.js';
import { motoEnv } from '../support/cli.js';
import { killServes, serveRole, spawnServe, waitFor } from '../support/serve-process.js';
import { tempDir } from '../support/temp-dir.js';

afterAll(killServes);

const serve = (file: string) => spawnServe(file, motoEnv(inject('motoEndpoint')));

describe('two serve processes on one store', () => {
  it('elects one leader; the standby takes over after the leader is killed; no double actions', async () => {
    const dir = tempDir('sagezero-lease-');
    const file = path.join(dir, 'lease.yaml');
    writeFileSync(
      file,
      `region: us-east-1
project: leasetest
store: ./lease.db
server: { port: 0 }
daemon: { leaseSeconds: 2 }
endpoints:
  - name: lease-llm
    model: { image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1 }
    executionRoleArn: arn:aws:iam::123456789012:role/SageMakerExecution
    instanceType: ml.g4dn.xlarge
    async: { outputPath: s3://sagezero-lease/out/ }
`,
    );
    const a = serve(file);
    const urlA = await a.url;
    await waitFor(() => (a.out().includes('"msg":"acting as leader"') ? true : undefined), a.out, 60_000);
    // The leader provisions the endpoint at once.
    await waitFor(() => (a.out().includes('"msg":"provisioned"') ? true : undefined), a.out, 90_000);

    const b = serve(file);
    const urlB = await b.url;
    await waitFor(() => (b.out().includes('standing by') ? true : undefined), b.out, 60_000);
    expect(await serveRole(urlA)).toBe('leader');
    expect(await serveRole(urlB)).toBe('standby');

    const reconcilesBefore = await storeCount(file, 'reconcile');
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor(() => (b.out().includes('"msg":"acting as leader"') ? true : undefined), b.out, 60_000);
    expect(await serveRole(urlB)).toBe('leader');
    // The new leader reconciles at once and finds nothing to do.
    await waitFor(
      async () => ((await storeCount(file, 'reconcile')) > reconcilesBefore ? true : undefined),
      b.out,
      60_000,
    );

    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    const store = await openStore(loadConfig(file).storePath);
    try {
      const creates = (await store.apiCalls.totals()).filter(
        (t) =>
          t.ok &&
          /^Create(Model|EndpointConfig|Endpoint)$|^RegisterScalableTarget$|^PutScalingPolicy$|^PutMetricAlarm$/.test(
            t.operation,
          ),
      );
      // One of each create (two policies), however many processes ran.
      const byOp = Object.fromEntries(creates.map((t) => [t.operation, t.count]));
      expect(byOp).toMatchObject({
        CreateModel: 1,
        CreateEndpointConfig: 1,
        CreateEndpoint: 1,
        RegisterScalableTarget: 1,
        PutScalingPolicy: 2,
        PutMetricAlarm: 1,
      });
      // Released on the clean stop: the row stays (its term goes on), ending then.
      expect((await store.leases.get('daemon'))?.expiresAt).toBeLessThanOrEqual(Date.now());
    } finally {
      await store.close();
    }
  });
});

async function storeCount(file: string, controller: string): Promise<number> {
  const store = await openStore(loadConfig(file).storePath);
  try {
    const r = await store.controllers.get(controller);
    return (r?.okCount ?? 0) + (r?.errorCount ?? 0);
  } finally {
    await store.close();
  }
}
