import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingSkippingClock, ScriptedCloud, type Script } from '../../test/probe/scripted-cloud.js';
import { openStore, type Store } from '../store/index.js';
import type { ProbeResult } from '../store/probes.js';
import { runProbe, type ProbeSettings } from './probe.js';
import { tempDir } from '../../test/support/temp-dir.js';

const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const EP = { name: 'llm-a', variantName: 'AllTraffic', async: { outputPath: 's3://my-out-bucket/out/' } };
const PROBE: ProbeSettings = {
  payload: { inputs: 'What is the capital of France?', parameters: { max_new_tokens: 16 } },
  contentType: 'application/json',
  timeoutSeconds: 1800,
  coldStartSloSeconds: 600,
  bucket: 's3://probe-bucket/sagezero-probes/',
};

let store: Store;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(() => store.close());

function setup(script: Script): {
  clock: RecordingSkippingClock;
  cloud: ScriptedCloud;
  saves: ProbeResult[];
} {
  const clock = new RecordingSkippingClock(T0);
  const saves: ProbeResult[] = [];
  return { clock, cloud: new ScriptedCloud(clock, EP.name, script), saves };
}

function sinkInto(saves: ProbeResult[]): { save(p: ProbeResult): Promise<void> } {
  return {
    async save(p) {
      saves.push(p);
      await store.probes.save(p);
    },
  };
}

describe('runProbe', () => {
  it('measures a cold start: phases from the wake activity add up to the total, and the row is stored', async () => {
    const { clock, cloud, saves } = setup({
      initialInstances: 0,
      wakeAfterMs: 130_000,
      inServiceAfterMs: 130_000 + 345_000,
      processingMs: 15_000,
    });
    const run = await runProbe({ cloud, clock, sink: sinkInto(saves), poll: { random: () => 1 } }, EP, PROBE);
    const r = run.result;
    expect(r.outcome).toBe('success');
    expect(r.cold).toBe(true);
    expect(r.instancesAtStart).toBe(0);
    // Nothing took clock time before the invoke, so "queued" is exactly the wake delay and the scale-out
    // exactly the activity's duration, however rarely the probe looked.
    expect(r.queuedS).toBe(130);
    expect(r.scaleOutS).toBe(345);
    // DescribeEndpoint (no jitter) at 15, 45, 105, 195, 285, 375, 465, 555 s: the instance (475 s) is
    // first seen at 555 s, when the output (490 s) is already there and read at once. The last phase is
    // late by less than one capacity poll (90 s): 80 s instead of 15.
    expect(r.inServiceToOutputS).toBe(80);
    expect(r.totalS).toBe(555);
    expect(r.queuedS! + r.scaleOutS! + r.inServiceToOutputS!).toBeCloseTo(r.totalS!, 9);
    expect(run.phases?.activityId).toBe('act-wake');
    expect(run.overSlo).toBe(r.totalS! > 600);
    // Written at the start as running, and again at the end.
    expect(saves[0]?.outcome).toBe('running');
    expect(saves[0]?.cold).toBe(true);
    expect(await store.probes.get(r.id)).toEqual(r);
    expect(cloud.objects.size).toBe(0);
  });

  it('still splits a cold start when scaling activities cannot be read, from its own observations', async () => {
    const { clock, cloud, saves } = setup({
      initialInstances: 0,
      wakeAfterMs: 120_000,
      inServiceAfterMs: 420_000,
      processingMs: 10_000,
      activitiesUnavailable: true,
    });
    const run = await runProbe({ cloud, clock, sink: sinkInto(saves), poll: { random: () => 1 } }, EP, PROBE);
    const r = run.result;
    expect(r.outcome).toBe('success');
    expect(run.phases?.sources).toEqual({ scaleOutStart: 'observed', inService: 'observed' });
    // DescribeEndpoint (no jitter) at 15, 45, 105, 195, 285, 375, 465 s: the wake (120 s) is first
    // seen at 195 s and the instance (420 s) at 465 s, when the output (430 s) is already there.
    // Observed boundaries are late by at most one capacity poll (90 s).
    expect(r.queuedS).toBe(195);
    expect(r.scaleOutS).toBe(270);
    expect(r.inServiceToOutputS).toBe(0);
    expect(r.totalS).toBe(465);
  });

  it('records a warm probe without phases', async () => {
    const { clock, cloud, saves } = setup({ initialInstances: 2, processingMs: 3_000 });
    const ctx = { cloud, clock, sink: sinkInto(saves), poll: { random: () => 1 } };
    const { result: r, phases } = await runProbe(ctx, EP, PROBE);
    expect(r).toMatchObject({ outcome: 'success', cold: false, instancesAtStart: 2, totalS: 3 });
    expect(phases).toBeUndefined();
    expect(r.queuedS).toBeUndefined();
    expect((await store.probes.latest('llm-a'))?.id).toBe(r.id);
  });

  it('records a model error with its text', async () => {
    const { clock, cloud, saves } = setup({
      initialInstances: 1,
      processingMs: 2_000,
      fail: 'ValueError: bad input',
    });
    const { result: r } = await runProbe({ cloud, clock, sink: sinkInto(saves) }, EP, PROBE);
    expect(r.outcome).toBe('model_error');
    expect(r.errorMessage).toContain('ValueError: bad input');
    expect(cloud.objects.size).toBe(0);
  });

  it('records a timeout', async () => {
    const { clock, cloud, saves } = setup({ initialInstances: 1, processingMs: 0, never: true });
    const { result: r } = await runProbe({ cloud, clock, sink: sinkInto(saves) }, EP, {
      ...PROBE,
      timeoutSeconds: 120,
    });
    expect(r.outcome).toBe('timeout');
    expect(r.totalS).toBe(120);
    expect(r.errorMessage).toMatch(/no output after 120 s/);
  });

  it('records an interrupted probe and deletes its objects when aborted', async () => {
    const { clock, cloud, saves } = setup({
      initialInstances: 0,
      wakeAfterMs: 60_000,
      inServiceAfterMs: 600_000,
      processingMs: 1,
    });
    const ac = new AbortController();
    // While it waits for capacity the probe only describes the endpoint: abort at the third look.
    const describe = cloud.getEndpoint.bind(cloud);
    let describes = 0;
    cloud.getEndpoint = async (name) => {
      if (++describes === 4) ac.abort(new Error('shutting down'));
      return describe(name);
    };
    const { result: r } = await runProbe(
      { cloud, clock, sink: sinkInto(saves), signal: ac.signal },
      EP,
      PROBE,
    );
    expect(r.outcome).toBe('interrupted');
    expect((await store.probes.get(r.id))?.outcome).toBe('interrupted');
    expect(cloud.objects.size).toBe(0);
  });

  it('records an error (not a throw) when the endpoint does not exist', async () => {
    const { clock, cloud, saves } = setup({ initialInstances: 1, processingMs: 1 });
    const { result: r } = await runProbe(
      { cloud, clock, sink: sinkInto(saves) },
      { ...EP, name: 'missing-endpoint' },
      PROBE,
    );
    expect(r.outcome).toBe('error');
    expect(r.errorMessage).toMatch(/missing-endpoint does not exist/);
    expect((await store.probes.get(r.id))?.outcome).toBe('error');
  });

  it('reads payloadFile relative to the config directory', async () => {
    const dir = tempDir('sagezero-probe-');
    writeFileSync(path.join(dir, 'req.json'), '{"inputs":"from a file"}');
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1_000 });
    let uploaded = '';
    const put = cloud.putObject.bind(cloud);
    cloud.putObject = async (uri, body, ct) => {
      uploaded = typeof body === 'string' ? body : new TextDecoder().decode(body);
      return put(uri, body, ct);
    };
    const { payload: _payload, ...rest } = PROBE;
    const ok = await runProbe({ cloud, clock, configDir: dir }, EP, { ...rest, payloadFile: 'req.json' });
    expect(ok.result.outcome).toBe('success');
    expect(uploaded).toBe('{"inputs":"from a file"}');

    const missing = await runProbe({ cloud, clock, configDir: dir }, EP, {
      ...rest,
      payloadFile: 'nope.json',
    });
    expect(missing.result.outcome).toBe('error');
    expect(missing.result.errorMessage).toContain(path.join(dir, 'nope.json'));
  });

  it('puts inputs under the endpoint output bucket when no bucket is configured', async () => {
    const { clock, cloud } = setup({ initialInstances: 1, processingMs: 1_000 });
    const { bucket: _b, ...rest } = PROBE;
    const { result: r } = await runProbe({ cloud, clock }, EP, rest);
    expect(r.inputLocation).toBe(`s3://my-out-bucket/sagezero-probes/llm-a/${r.id}.in`);
  });
});
